"""A page cache for anonymous readers, answered before Django's request handling runs.

How it works:
- `cache_public_page` wraps the public views and marks what they answer an anonymous GET (no session, none of
  the cookies apps name); `StorePageMiddleware`, first in MIDDLEWARE, then stores the complete response (status
  200, no Set-Cookie, all headers added) in the default cache (Redis when REDIS_URL is set, else files
  shared by all worker processes on the machine).
- `PageCacheMiddleware` wraps the WSGI application (clinic/wsgi.py). For an anonymous GET or HEAD it finds
  the stored response (in the worker's memory, else the shared cache) and answers with it directly: no URL
  resolving, no middleware, no database.
- Every stored page carries the *generation* it was made in. Any change that can alter a page (the apps'
  cache signals call `invalidate()` for the models they own) replaces the generation with a new value once its
  transaction commits; pages of older generations are never served again, in any process. The generation is a
  Redis key, or without Redis a file beside the file cache that is replaced, so reading it costs a stat. Each
  worker also keeps recent pages in memory, valid only while the generation they were made in is current. A page
  also expires at the next moment an app says its pages change by themselves (`expires_at`: for the blog, a
  scheduled article's publication time and midnight), so time-based changes need no job either.
- When the cache (Redis) cannot be reached, the generation is unknown: nothing is served from or stored in the
  page cache, pages are rendered as if it were off (core/cacheguard.py logs it once). A process that saw an
  outage renews the generation when Redis answers again, because a change saved meanwhile could not renew it.
- A page may carry one token that must be fresh for each reader (for the blog, the comment form's signed
  "shown at" timestamp): the view names it with `carry_fresh_token()`, and every hit carries instead what the app's
  `fresh_token` factory makes of it, at most a second old.

The cache knows no app. What it must know about them, apps tell it once, from their `AppConfig.ready()`:
`bypass_cookies(*names)` (cookies that make a page personal), `fresh_token(factory)` and `expires_at(provider)`.
"""

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

from .cacheguard import guarded, outage
from .middleware import request_id

GENERATION_KEY = "page-cache:generation"
EXPIRES_AT_KEY = "page-cache:expires-at:{generation}"
FRESH_TOKEN_PLACEHOLDER = b"\x00page-cache:fresh-token\x00"
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


class _Hooks:
    """What the apps told the page cache (see the module docstring)."""

    def __init__(self):
        self.cookies = set()
        self.token_factory = None
        self.expiry_providers = []


_hooks = _Hooks()


def bypass_cookies(*names):
    """Readers sending any of these cookies get their own page, never a stored one (nor is theirs stored)."""
    _hooks.cookies.update(names)


def fresh_token(factory):
    """`factory(token)` makes a fresh token of the kind `carry_fresh_token()` named, for every hit."""
    _hooks.token_factory = factory


def expires_at(provider):
    """`provider()` gives the next moment (an aware datetime, or None) at which stored pages change by themselves."""
    if provider not in _hooks.expiry_providers:
        _hooks.expiry_providers.append(provider)


def carry_fresh_token(request, token):
    """Mark `token`, somewhere in the page being rendered, as one to renew on every hit (see `fresh_token`)."""
    request.page_cache_fresh_token = token


def _cookie_names():
    return (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", *_hooks.cookies)


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
    # "v3": entries carry the fresh token they were stored with; entries stored by older code do not.
    return "page:v3:" + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()


def invalidate():
    """Make every stored page stale, in every process, once the current transaction commits."""
    transaction.on_commit(lambda: generation().renew())


def _next_change(made_in, now):
    """The next moment pages change by themselves, asked of the apps once per generation and kept until it passes."""
    key = EXPIRES_AT_KEY.format(generation=made_in)
    moment = cache.get(key)
    if moment is None or moment <= now.timestamp():
        moments = [provider() for provider in _hooks.expiry_providers]
        moment = min((found.timestamp() for found in moments if found is not None), default=float("inf"))
        cache.set(key, moment, timeout=settings.CACHED_PARTS_SECONDS)
    return moment


def _seconds_to_live(made_in):
    """The page lifetime, cut short by the next moment pages change by themselves."""
    now = timezone.now()
    limits = [settings.CACHED_PARTS_SECONDS, _next_change(made_in, now) - now.timestamp()]
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
    token = getattr(request, "page_cache_fresh_token", None)
    if token and _hooks.token_factory is not None:
        body = body.replace(token.encode(), FRESH_TOKEN_PLACEHOLDER)
    else:
        token = None
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    entry = (made_in, time.time() + seconds, response.status_code, response.reason_phrase, headers, body, token)
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


class _FreshTokens:
    """Fresh tokens for stored ones (`fresh_token`), renewed every second rather than on every request."""

    def __init__(self):
        self.tokens = {}

    def get(self, stored):
        now = time.time()
        made_at, value = self.tokens.get(stored, (0.0, b""))
        if not 0 <= now - made_at < 1:
            if len(self.tokens) > LOCAL_PAGES:
                self.tokens.clear()
            value = _hooks.token_factory(stored).encode()
            self.tokens[stored] = (now, value)
        return value


class _ReadyPage:
    """A stored page prepared once for serving many times: status line, headers, body split at the fresh token."""

    __slots__ = ("generation", "expires_at", "status", "headers", "parts", "stored_token", "token", "body")

    def __init__(self, generation, expires_at, status, reason, headers, body, stored_token):
        self.generation, self.expires_at, self.stored_token = generation, expires_at, stored_token
        self.status = f"{status} {reason}"
        # Any hit may be compressed for one reader and not for the next: shared caches must keep both apart.
        vary = [part.strip() for name, value in headers if name.lower() == "vary" for part in value.split(",")]
        vary = [part for part in vary if part and part.lower() != "accept-encoding"] + ["Accept-Encoding"]
        self.headers = [
            *((name, value) for name, value in headers if name.lower() != "vary"),
            ("Vary", ", ".join(vary)),
            ("X-Page-Cache", "hit"),
        ]
        self.parts = body.split(FRESH_TOKEN_PLACEHOLDER)
        self.token, self.body = None, self.parts[0]

    def body_with(self, token):
        """The body with `token` in place, joined once per token rather than per request."""
        if len(self.parts) > 1 and token is not self.token:
            self.token, self.body = token, token.join(self.parts)
        return self.body


class PageCacheMiddleware:
    """WSGI middleware answering anonymous reads from the page cache (see the module docstring)."""

    def __init__(self, application):
        self.application = application
        self.fresh_tokens = _FreshTokens()
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
        body = page.body_with(self.fresh_tokens.get(page.stored_token)) if len(page.parts) > 1 else page.body
        headers = page.headers.copy()
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 200:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        headers.append(("X-Request-ID", request_id(environ.get("HTTP_X_REQUEST_ID", ""))))
        start_response(page.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
