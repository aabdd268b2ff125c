"""Middleware every app's pages pass through: request ids, a 503 when the database is down, security headers, text gzip.

The error pages' helpers live here too: the request id written with every logged error, and what a person typed
into a form that could not be saved (given back on the 503 page to copy).
"""

import logging
import os

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string

from .clientip import client_ip
from .images import media_origin

logger = logging.getLogger("clinic.errors")
RETRY_AFTER_SECONDS = 30
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def request_id(sent):
    """The id of a request: the one a proxy in front sent in X-Request-ID, else a new one."""
    return sent[:64] or os.urandom(8).hex()


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


def _sent_text(request):
    """What a person typed into a form that could not be saved, to copy back.

    Never passwords, tokens or formset bookkeeping; the other fields no person typed (a form's hidden timestamp,
    its honeypot) are named by the apps in the ERROR_PAGE_HIDDEN_FIELDS setting.
    """
    if request.method != "POST":
        return []
    hidden = {"csrfmiddlewaretoken", *settings.ERROR_PAGE_HIDDEN_FIELDS}
    return [
        (name, value)
        for name, value in request.POST.items()
        if value.strip() and name not in hidden and "password" not in name and not name.endswith("FORMS")
    ]


class RequestIdFilter(logging.Filter):
    """Adds `request_id` and the client's address to log records ("-" outside requests), for the log format."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", "-") if request is not None else "-"
        record.client_ip = (client_ip(request) if hasattr(request, "META") else None) or "-"
        return True


def _policy(**directives):
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer.

    Public pages run no inline script and no inline style but the clinic's colours, allowed by their hash
    (`request.csp_style_hashes`, set by the `theme_style` tag), and show frames from elsewhere only on a page with
    a video: its platform's player's origin (`request.csp_frame_sources`, set by the `video_embeds` filter). The
    admin gets the same policy with inline styles and blob:/data: images allowed, which CKEditor 5 needs; its
    scripts need no relaxation. Two policies chosen by path are why this is a few lines here rather than
    django-csp, whose per-view overrides cannot reach the admin's views.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        common = {
            "default_src": "'self'",
            "script_src": "'self'",
            "connect_src": "'self'",
            "font_src": "'self'",
            "object_src": "'none'",
            "base_uri": "'self'",
            "form_action": "'self'",
            "frame_ancestors": "'none'",
        }
        # style-src comes last: the hashes of a page's inline styles are appended to it. {media} is where
        # uploaded images are served from when that is not this site: the storage's own public origin.
        self.public = _policy(**common, img_src="'self' data:{media}", style_src="'self'")
        self.admin = _policy(**common, img_src="'self' data: blob:{media}", style_src="'self' 'unsafe-inline'")
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        origin = media_origin()
        media = f" {origin}" if origin else ""
        if request.path.startswith(self.admin_prefix):
            policy = self.admin.format(media=media)
        else:
            policy = " ".join([self.public.format(media=media), *sorted(getattr(request, "csp_style_hashes", ()))])
            frames = sorted(getattr(request, "csp_frame_sources", ()))
            if frames:
                policy += "; frame-src " + " ".join(["'self'", *frames])
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for text only: pages, feeds, sitemaps.

    Stored pages are compressed by the page cache itself; this covers the first reader of a page, and everyone
    who is logged in. Images and WhiteNoise's static files (already compressed ahead of time) pass untouched.
    """

    COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
