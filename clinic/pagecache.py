"""A page cache for anonymous readers, answered before Django's request handling runs.

How it works:
- `cache_public_page` wraps the public views. After the view has rendered a page for an anonymous GET (no
  session, no comment cookies, no Set-Cookie in the answer, status 200), it stores the response in the
  default cache (Redis when REDIS_URL is set, else files shared by all worker processes on the machine).
- `PageCacheMiddleware` wraps the WSGI application (clinic/wsgi.py). For an anonymous GET or HEAD it fetches
  the stored response in one cache round trip and answers with it directly: no URL resolving, no middleware,
  no database.
- Every stored page carries the *generation* it was made in. Any change that can alter a page (an article,
  comment, category, tag, profile, reference or settings saved or deleted) replaces the generation with a new
  random value once its transaction commits (`invalidate()`); pages of older generations are never served
  again, in any process. A page also expires before the next scheduled article's publication time and
  before midnight (review dates), so time-based changes need no job either.
- The comment form needs no CSRF token for anonymous visitors (the comment view checks CSRF only for
  logged-in users, who never get cached pages), and its signed "form shown at" timestamp is replaced with a
  fresh one on every hit, so the minimum-time anti-spam rule keeps working on cached pages.
"""

import datetime
import functools
import gzip
import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "page-cache:generation"
NEXT_PUBLICATION_KEY = "page-cache:next-publication:{generation}"
FORM_TOKEN_PLACEHOLDER = b"\x00page-cache:comment-form-started\x00"
# Headers Django adds per request that a stored page must not repeat.
UNSTORED_HEADERS = {"set-cookie", "x-page-cache", "content-length"}


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def _cookie_names():
    return (
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        "messages",
        "comment_pending",
        "comment_author",
    )


def is_anonymous_read(environ):
    """GET or HEAD without any cookie that could make the page personal."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    return not any(f"{name}=" in cookies for name in _cookie_names())


def page_key(environ):
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    address = (
        f"{scheme}://{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    )
    return "page:" + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()


def invalidate():
    """Make every stored page stale, in every process, once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


def _seconds_to_live(generation):
    """The page lifetime, cut short by the next scheduled publication and by the next midnight."""
    from blog.models import Article

    now = timezone.now()
    key = NEXT_PUBLICATION_KEY.format(generation=generation)
    next_publication = cache.get(key)
    if next_publication is None:
        upcoming = (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_publication = upcoming.timestamp() if upcoming else float("inf")
        cache.set(key, next_publication, timeout=settings.PAGE_CACHE_SECONDS)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    limits = [settings.PAGE_CACHE_SECONDS, next_publication - now.timestamp(), (midnight - now).total_seconds()]
    return int(min(limits))


def store(request, response):
    """Keep `response` for the next anonymous readers of the same address, if it may be shared."""
    if not (enabled() and request.method == "GET" and is_anonymous_read(request.META)):
        return
    # "Vary: Cookie" needs no special care: only readers without cookies that matter ever get a stored page.
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    generation = cache.get(GENERATION_KEY)
    seconds = _seconds_to_live(generation)
    if seconds <= 0:
        return
    body = response.content
    token = getattr(request, "comment_form_token", None)
    if token:
        body = body.replace(token.encode(), FORM_TOKEN_PLACEHOLDER)
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    entry = (generation, response.status_code, response.reason_phrase, headers, body)
    cache.set(page_key(request.META), entry, timeout=seconds)


def cache_public_page(view):
    """Store what `view` answers anonymous readers in the page cache (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        store(request, response)
        return response

    return wrapper


class _FreshFormToken:
    """A signed "form shown at" timestamp, renewed every second rather than on every request."""

    def __init__(self):
        self.made_at, self.value = 0.0, b""

    def get(self):
        now = time.monotonic()
        if now - self.made_at >= 1:
            from blog.forms import form_timestamp

            self.value, self.made_at = form_timestamp().encode(), now
        return self.value


class PageCacheMiddleware:
    """WSGI middleware answering anonymous reads from the page cache (see the module docstring)."""

    def __init__(self, application):
        self.application = application
        self.form_token = _FreshFormToken()

    def __call__(self, environ, start_response):
        if enabled() and is_anonymous_read(environ):
            key = page_key(environ)
            found = cache.get_many([GENERATION_KEY, key])
            entry = found.get(key)
            if entry is not None and entry[0] == found.get(GENERATION_KEY):
                return self.serve(entry, environ, start_response)
        return self.application(environ, start_response)

    def serve(self, entry, environ, start_response):
        _, status, reason, headers, body = entry
        if FORM_TOKEN_PLACEHOLDER in body:
            body = body.replace(FORM_TOKEN_PLACEHOLDER, self.form_token.get())
        headers = [*headers, ("X-Page-Cache", "hit")]
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 200:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
            if not any(name.lower() == "vary" for name, _ in headers):
                headers.append(("Vary", "Accept-Encoding"))
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {reason}", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
