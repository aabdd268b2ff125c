"""Answers when things go wrong: a request id to find each error in the logs, and a 503 when the database is down."""

import logging
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from clinic.clientip import client_ip

logger = logging.getLogger("clinic.errors")
RETRY_AFTER_SECONDS = 30


def request_id(sent):
    """The id of a request: the one a proxy in front sent in X-Request-ID, else a new one."""
    return sent[:64] or uuid.uuid4().hex[:16]


class RequestIdMiddleware:
    """Give each request an id, sent back in X-Request-ID and written with any error logged about it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id(request.headers.get("X-Request-ID", ""))
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, readers get the clinic's 503 page with Retry-After, not a traceback.

    The page is drawn without the database (no context processors). Django opens a fresh connection on the next
    request, so the site recovers by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable: %s", exception, extra={"request": request})
        context = {"request_id": getattr(request, "id", ""), "sent": _sent_text(request)}
        body = render_to_string("503.html", context)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


UNSHOWN_FIELDS = {"csrfmiddlewaretoken", "password", "started", "phone"}


def _sent_text(request):
    """What a person typed into a form that could not be saved (never passwords or tokens), to copy back."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.POST.items()
        if value.strip() and name not in UNSHOWN_FIELDS and "password" not in name and not name.endswith("FORMS")
    ]


class RequestIdFilter(logging.Filter):
    """Adds `request_id` and the client's address to log records ("-" outside requests), for the log format."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", "-") if request is not None else "-"
        record.client_ip = (client_ip(request) if hasattr(request, "META") else None) or "-"
        return True
