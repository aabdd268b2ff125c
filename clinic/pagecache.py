"""A page cache for anonymous readers, answered before Django's request handling runs.

How it works:
- `cache_public_page` wraps the public views and marks what they answer an anonymous GET (no session, no
  comment cookies); `StorePageMiddleware`, first in MIDDLEWARE, then stores the complete response (status
  200, no Set-Cookie, all headers added) in the default cache (Redis when REDIS_URL is set, else files
  shared by all worker processes on the machine).
- `PageCacheMiddleware` wraps the WSGI application (clinic/wsgi.py). For an anonymous GET or HEAD it finds
  the stored response (in the worker's memory, else the shared cache) and answers with it directly: no URL
  resolving, no middleware, no database.
- Every stored page carries the *generation* it was made in. Any change that can alter a page (an article,
  comment, category, tag, profile, reference or settings saved or deleted) replaces the generation with a new
  value once its transaction commits (`invalidate()`); pages of older generations are never served again, in
  any process. The generation is a Redis key, or without Redis a file beside the file cache that is
  replaced, so reading it costs a stat. Each worker also keeps recent pages in memory, valid only while the
  generation they were made in is current. A page also expires before the next scheduled article's publication time and
  before midnight (review dates), so time-based changes need no job either.
- When the cache (Redis) cannot be reached, the generation is unknown: nothing is served from or stored in the
  page cache, pages are rendered as if it were off (clinic/cacheguard.py logs it once). A process that saw an
  outage renews the generation when Redis answers again, because a change saved meanwhile could not renew it.
- The comment form needs no CSRF token for anonymous visitors (the comment view checks CSRF only for
  logged-in users, who never get cached pages), and its signed "form of this article shown at" timestamp is
  replaced on every hit with one at most a second old, so the minimum-time anti-spam rule keeps working.
"""

import datetime
import functools
import gzip
import hashlib
import os
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from clinic.cacheguard import guarded, outage
from clinic.errors import request_id

GENERATION_KEY = "page-cache:generation"
NEXT_PUBLICATION_KEY = "page-cache:next-publication:{generation}"
FORM_TOKEN_PLACEHOLDER = b"\x00page-cache:comment-form-started\x00"
# Headers Django adds per request that a stored page must not repeat.
UNSTORED_HEADERS = {"set-cookie", "x-page-cache", "content-length", "x-request-id"}
# Pages each worker process also keeps in its own memory (validated against the shared generation).
LOCAL_PAGES = 256
# The generation when the cache cannot be reached: no page is served or stored under it.
UNKNOWN = object()


class RedisGeneration:
    """The generation as a Redis key: one small GET per request on a kept-open connection."""

    def __init__(self, url, options):
        import redis

        timeouts = {name: options[name] for name in ("socket_connect_timeout", "socket_timeout") if name in options}
        self.client = redis.Redis.from_url(url, socket_keepalive=True, **timeouts)
        self.key = cache.make_key(GENERATION_KEY)
        self.outages_seen = outage.count

    def current(self):
        value = guarded(lambda: self.client.get(self.key), lambda: UNKNOWN)
        if value is not UNKNOWN and self.outages_seen != outage.count:
            self.outages_seen = outage.count
            value = self.renew()
        return value

    def renew(self):
        value = uuid.uuid4().hex.encode()
        return guarded(lambda: self.client.set(self.key, value) and value, lambda: UNKNOWN)


class FileGeneration:
    """The generation as a file beside the file cache, replaced (never edited) on each change.

    Reading it is a stat: the new file's inode and modification time are the generation.
    """

    def __init__(self, folder):
        self.path = Path(folder) / "page-cache-generation"

    def current(self):
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return f"{found.st_ino}-{found.st_mtime_ns}"

    def renew(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}")
        fresh.write_text(uuid.uuid4().hex)
        os.replace(fresh, self.path)


@functools.cache
def generation():
    if settings.REDIS_URL:
        return RedisGeneration(settings.REDIS_URL, settings.CACHES["default"].get("OPTIONS", {}))
    return FileGeneration(settings.CACHES["default"]["LOCATION"])


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
    # "v2": entries name the article whose comment form they carry; entries stored by older code do not.
    return "page:v2:" + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()


def invalidate():
    """Make every stored page stale, in every process, once the current transaction commits."""
    transaction.on_commit(lambda: generation().renew())


def _seconds_to_live(made_in):
    """The page lifetime, cut short by the next scheduled publication and by the next midnight."""
    from blog.models import Article

    now = timezone.now()
    key = NEXT_PUBLICATION_KEY.format(generation=made_in)
    next_publication = cache.get(key)
    if next_publication is None:
        upcoming = (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_publication = upcoming.timestamp() if upcoming else float("inf")
        cache.set(key, next_publication, timeout=settings.CACHED_PARTS_SECONDS)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    limits = [settings.CACHED_PARTS_SECONDS, next_publication - now.timestamp(), (midnight - now).total_seconds()]
    if enabled():
        limits.append(settings.PAGE_CACHE_SECONDS)
    return int(min(limits))


def remember(key, compute):
    """`compute()`, kept in the shared cache until content changes or time-based visibility does.

    For parts of pages that are costly and depend on the whole site, like related posts; it works whether or
    not the page cache is on.
    """
    made_in = generation().current()
    if made_in is UNKNOWN:
        return compute()
    versioned = f"{key}:{made_in}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        seconds = _seconds_to_live(made_in)
        if seconds > 0:
            cache.set(versioned, value, timeout=seconds)
    return value


def store(request, response, made_in):
    """Keep `response` for the next anonymous readers of the same address, if it may be shared.

    `made_in` is the generation read *before* the page was rendered: if content changed meanwhile, the page
    is filed under the old generation and never served.
    """
    # "Vary: Cookie" needs no special care: only readers without cookies that matter ever get a stored page.
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    seconds = _seconds_to_live(made_in)
    if seconds <= 0:
        return
    body = response.content
    token = getattr(request, "comment_form_token", None)
    form_for = None
    if token:
        from blog.forms import form_article_id

        body, form_for = body.replace(token.encode(), FORM_TOKEN_PLACEHOLDER), form_article_id(token)
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    entry = (made_in, time.time() + seconds, response.status_code, response.reason_phrase, headers, body, form_for)
    cache.set(page_key(request.META), entry, timeout=seconds)


def cache_public_page(view):
    """Store what `view` answers anonymous readers in the page cache (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (enabled() and request.method == "GET" and is_anonymous_read(request.META)):
            return view(request, *args, **kwargs)
        made_in = generation().current()
        if made_in is UNKNOWN:
            return view(request, *args, **kwargs)
        response = view(request, *args, **kwargs)
        # StorePageMiddleware stores it once every middleware has added its headers (security headers included).
        response.page_cache_made_in = made_in
        return response

    return wrapper


class StorePageMiddleware:
    """The first middleware: stores the pages `cache_public_page` marked, as they leave Django complete."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(response, "page_cache_made_in"):
            store(request, response, response.page_cache_made_in)
        return response


class _FreshFormTokens:
    """Signed "form of this article shown at" timestamps, renewed every second rather than on every request."""

    def __init__(self):
        self.tokens = {}

    def get(self, article_id):
        now = time.time()
        made_at, value = self.tokens.get(article_id, (0.0, b""))
        if not 0 <= now - made_at < 1:
            from blog.forms import form_timestamp

            if len(self.tokens) > LOCAL_PAGES:
                self.tokens.clear()
            value = form_timestamp(article_id).encode()
            self.tokens[article_id] = (now, value)
        return value


class _ReadyPage:
    """A stored page prepared once for serving many times: status line, headers, body split at the form token."""

    __slots__ = ("generation", "expires_at", "status", "headers", "parts", "form_for", "token", "body")

    def __init__(self, generation, expires_at, status, reason, headers, body, form_for):
        self.generation, self.expires_at, self.form_for = generation, expires_at, form_for
        self.status = f"{status} {reason}"
        # Any hit may be compressed for one reader and not for the next: shared caches must keep both apart.
        vary = [part.strip() for name, value in headers if name.lower() == "vary" for part in value.split(",")]
        vary = [part for part in vary if part and part.lower() != "accept-encoding"] + ["Accept-Encoding"]
        self.headers = [
            *((name, value) for name, value in headers if name.lower() != "vary"),
            ("Vary", ", ".join(vary)),
            ("X-Page-Cache", "hit"),
        ]
        self.parts = body.split(FORM_TOKEN_PLACEHOLDER)
        self.token, self.body = None, self.parts[0]

    def body_with(self, token):
        """The body with `token` in the comment form, joined once per token rather than per request."""
        if len(self.parts) > 1 and token is not self.token:
            self.token, self.body = token, token.join(self.parts)
        return self.body


class PageCacheMiddleware:
    """WSGI middleware answering anonymous reads from the page cache (see the module docstring)."""

    def __init__(self, application):
        self.application = application
        self.form_tokens = _FreshFormTokens()
        self.local = OrderedDict()

    def __call__(self, environ, start_response):
        if enabled() and is_anonymous_read(environ):
            current = generation().current()
            entry = None if current is UNKNOWN else self.lookup(page_key(environ), current)
            if entry is not None:
                return self.serve(entry, environ, start_response)
        return self.application(environ, start_response)

    def lookup(self, key, current):
        """The stored page for `key` made in the `current` generation: from this process's memory, else shared."""
        page = self.local.get(key)
        if page is None or page.generation != current or page.expires_at <= time.time():
            entry = cache.get(key)
            if entry is None or entry[0] != current or entry[1] <= time.time():
                return None
            page = self.local[key] = _ReadyPage(*entry)
            if len(self.local) > LOCAL_PAGES:
                self.local.popitem(last=False)
        return page

    def serve(self, page, environ, start_response):
        body = page.body_with(self.form_tokens.get(page.form_for)) if len(page.parts) > 1 else page.body
        headers = page.headers.copy()
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 200:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        headers.append(("X-Request-ID", request_id(environ.get("HTTP_X_REQUEST_ID", ""))))
        start_response(page.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
