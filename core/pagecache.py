"""A page cache for anonymous readers, answered before Django's request handling runs.

How it works:
- `cache_public_page` wraps the public views and marks what they answer an anonymous GET (no session, none of
  the cookies apps name); `StorePageMiddleware`, first in MIDDLEWARE, then stores the complete response (status
  200, no Set-Cookie, all headers added) in the default cache (Redis when REDIS_URL is set, else files
  shared by all worker processes on the machine).
- `PageCacheMiddleware` wraps the WSGI application (clinic/wsgi.py). For an anonymous GET or HEAD it finds
  the stored response (in the worker's memory, else the shared cache) and answers with it directly: no URL
  resolving, no middleware, no database.
- Every stored page carries the *keys* of what it shows (`depends_on`: its article, the article listings, the
  related articles it links to) and the version each key had when it was rendered; SITE (settings, menus, names)
  is a key of every page, and a page that names no key depends on ANY, which every change renews. A change
  renews only the keys it touches (the apps' cache signals call `invalidate(*keys)` for the models they own)
  once its transaction commits; a page is served only while all its keys' versions are current, in any process.
  Versions are fields of one Redis hash (one HMGET per request, shared by every machine), or without Redis
  files beside the file cache, replaced on each change, so reading one costs a stat. Each worker also keeps
  recent pages in memory, checked against the same versions. A page rendered while a change touched one of its
  keys is not stored (versions are numbered changes: CHANGES counts them).
  A page also expires at the next moment an app says its pages change by themselves (`expires_at`: for the
  blog, a scheduled article's publication time and midnight), so time-based changes need no job either.
- When the cache (Redis) cannot be reached, the versions are unknown: nothing is served from or stored in the
  page cache, pages are rendered as if it were off (core/cacheguard.py logs it once). A process that saw an
  outage renews SITE when Redis answers again, because a change saved meanwhile could not renew its keys.
- A page may carry one token that must be fresh for each reader (for the blog, the comment form's signed
  "shown at" timestamp): the view names it with `carry_fresh_token()`, and every hit carries instead what the app's
  `fresh_token` factory makes of it, at most a second old.

The cache knows no app. What it must know about them, apps tell it once, from their `AppConfig.ready()`:
`bypass_cookies(*names)` (cookies that make a page personal), `fresh_token(factory)` and `expires_at(provider)`;
and, per page, which keys it shows (`depends_on`), per change, which keys it touches (`invalidate`).
"""

import fcntl
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
from .httpcache import TAGS_HEADER, http_cache_ban, shared_cache_control, tags_value
from .middleware import request_id

# The Redis hash of the keys' versions (change numbers; "version2" were one Redis key each, older ones random).
VERSIONS_KEY = "page-cache:versions3"
EXPIRES_AT_KEY = "page-cache:expires-at:{versions}"
FRESH_TOKEN_PLACEHOLDER = b"\x00page-cache:fresh-token\x00"
# Headers Django adds per request that a stored page must not repeat.
UNSTORED_HEADERS = {"set-cookie", "x-page-cache", "content-length", "x-request-id"}
# Pages each worker process also keeps in its own memory (validated against the shared versions).
LOCAL_PAGES = 256
# The versions when the cache cannot be reached: no page is served or stored under them.
UNKNOWN = object()

# Keys every app may use. SITE: what every page shows (settings, menus, names); every stored page depends on it.
# ANY: changed by every change; the key of a page that did not say what it shows, so that it is never stale.
# CHANGES: the number of the last change, renewed by every change: a page rendered while a change touched one of its
# keys is not stored.
SITE, ANY, CHANGES = "site", "any", "changes"


class RedisVersions:
    """The keys' versions in one Redis hash: one HMGET per request on a kept-open connection, across all machines.

    A version is the number of the change that last touched the key; the hash's CHANGES field counts the
    changes, from the time in nanoseconds when the hash was made (BORN), so numbers never repeat after Redis
    restarts empty. A key no change touched has the version BORN. That is safe because Redis drops whole keys,
    never fields: while the hash exists it holds every change made since it was born, and a hash made afresh
    (Redis restarted, or the hash evicted) is born with a number above every earlier one, so no page stored
    before is served, and a page rendered before is not stored.
    """

    BORN = "@born"
    # Runs atomically in Redis: no change can fall between reading the count and using it.
    CHANGE = """
        redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[1])
        redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[1])
        redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
        -- As a string: Lua's numbers are doubles, too short for the count's 19 digits.
        local number = redis.call('HGET', KEYS[1], ARGV[3])
        for i = 4, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], number) end
        return number
    """
    BIRTH = """
        redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[1])
        redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[1])
    """

    def __init__(self, url, options):
        import redis

        timeouts = {name: options[name] for name in ("socket_connect_timeout", "socket_timeout") if name in options}
        self.client = redis.Redis.from_url(url, socket_keepalive=True, **timeouts)
        self.change_script = self.client.register_script(self.CHANGE)
        self.birth_script = self.client.register_script(self.BIRTH)
        self.name = cache.make_key(VERSIONS_KEY)
        self.outages_seen = outage.count

    def current(self, keys):
        values = guarded(lambda: self.client.hmget(self.name, [self.BORN, *keys]), lambda: UNKNOWN)
        if values is UNKNOWN:
            return UNKNOWN
        if self.outages_seen != outage.count:
            # A change saved while Redis could not be reached could not change its keys: renew everything.
            self.outages_seen = outage.count
            self.change([SITE])
            return self.current(keys)
        born, values = values[0], values[1:]
        if born is None:
            made = guarded(
                lambda: self.birth_script(keys=[self.name], args=[time.time_ns(), self.BORN, CHANGES]), lambda: UNKNOWN
            )
            return UNKNOWN if made is UNKNOWN else self.current(keys)
        return tuple(born if value is None else value for value in values)

    def change(self, keys):
        args = [time.time_ns(), self.BORN, CHANGES, *keys]
        guarded(lambda: self.change_script(keys=[self.name], args=args), lambda: None)

    def changes(self):
        """The number of the last change (UNKNOWN when Redis cannot be reached)."""
        found = self.current((CHANGES,))
        return found if found is UNKNOWN else int(found[0])

    def settled(self, keys, since):
        """The versions of `keys` if no change after change number `since` touched any of them, else None."""
        found = self.current(keys)
        if found is UNKNOWN:
            return UNKNOWN
        return found if max(int(version) for version in found) <= since else None


class FileVersions:
    """The keys' versions as files beside the file cache, each replaced (never edited) on each change.

    Reading one is a stat: the new file's inode and modification time are the version. Each file holds the
    number of the change that wrote it (CHANGES the last one's, counted under a lock; 0 for a key no change
    touched), read only to decide whether a page just rendered may be stored.
    """

    def __init__(self, folder):
        self.folder = Path(folder) / "page-cache-versions-2"
        self.paths = {}

    def _path(self, key):
        path = self.paths.get(key)
        if path is None:
            path = self.paths[key] = self.folder / hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        return path

    def _read(self, path):
        found = os.stat(path)
        return f"{found.st_ino}-{found.st_mtime_ns}"

    def current(self, keys):
        versions = []
        for key in keys:
            path = self._path(key)
            try:
                versions.append(self._read(path))
            except FileNotFoundError:
                self._write(path, 0, replace=False)
                versions.append(self._read(path))
        return tuple(versions)

    def _read_with_number(self, key):
        """(version, number of the change that wrote it), from one open file."""
        path = self._path(key)
        try:
            with open(path, "rb") as file:
                found = os.fstat(file.fileno())
                return f"{found.st_ino}-{found.st_mtime_ns}", int(file.read() or 0)
        except FileNotFoundError:
            self._write(path, 0, replace=False)
            return self._read_with_number(key)

    def _write(self, path, number, *, replace=True):
        self.folder.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
        fresh.write_text(str(number))
        if replace:
            os.replace(fresh, path)
            return
        try:
            os.link(fresh, path)  # only if still missing: another process may have set it meanwhile
        except FileExistsError:
            pass
        finally:
            fresh.unlink()

    def change(self, keys):
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            number = self.changes() + 1
            # CHANGES first and again last (a page checked meanwhile is checked again: see
            # PageCacheMiddleware.lookup); Redis writes them all at once instead.
            for key in [CHANGES, *keys, CHANGES]:
                self._write(self._path(key), number)

    def changes(self):
        """The number of the last change."""
        return self._read_with_number(CHANGES)[1]

    def settled(self, keys, since):
        """The versions of `keys` if no change after change number `since` touched any of them, else None."""
        found = [self._read_with_number(key) for key in keys]
        if any(number > since for _version, number in found):
            return None
        return tuple(version for version, _number in found)


@functools.cache
def versions():
    if settings.REDIS_URL:
        return RedisVersions(settings.REDIS_URL, settings.CACHES["default"].get("OPTIONS", {}))
    return FileVersions(settings.CACHES["default"]["LOCATION"])


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


class _Hooks:
    """What the apps told the page cache (see the module docstring)."""

    def __init__(self):
        self.cookies = set()
        self.token_factory = None
        self.expiry_providers = []
        self.expiry_keys = set()


_hooks = _Hooks()


def bypass_cookies(*names):
    """Readers sending any of these cookies get their own page, never a stored one (nor is theirs stored)."""
    _hooks.cookies.update(names)


def fresh_token(factory):
    """`factory(token)` makes a fresh token of the kind `carry_fresh_token()` named, for every hit; None when it
    cannot (a token signed with a key since replaced): the page is then rendered again, not served."""
    _hooks.token_factory = factory


def expires_at(provider, *, depends_on=()):
    """`provider()` gives the next moment (an aware datetime, or None) at which stored pages change by themselves;
    its answer holds until a change to one of the keys it `depends_on`, or until that moment passes."""
    if provider not in _hooks.expiry_providers:
        _hooks.expiry_providers.append(provider)
    _hooks.expiry_keys.update(depends_on)


def carry_fresh_token(request, token):
    """Mark `token`, somewhere in the page being rendered, as one to renew on every hit (see `fresh_token`)."""
    request.page_cache_fresh_token = token


def _cookie_names():
    return (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", *_hooks.cookies)


def is_anonymous_read(environ):
    """GET or HEAD without any cookie that could make the page personal."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    cookies = environ.get("HTTP_COOKIE")
    return not cookies or not any(f"{name}=" in cookies for name in _cookie_names())


def page_key(environ):
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    address = (
        f"{scheme}://{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    )
    # "v3": entries carry the fresh token they were stored with; entries stored by older code do not.
    return "page:v3:" + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()


def invalidate(*keys):
    """Make the stored pages that show any of `keys` stale, in every process, once the current transaction commits.

    Without keys, every stored page: for what every page shows (SITE). Pages that did not say what they show
    (`depends_on`) are made stale by every change.
    """
    changed = [*(keys or [SITE]), ANY]

    def changed_now():
        versions().change(changed)
        http_cache_ban(changed)

    transaction.on_commit(changed_now)


def renew():
    """Make every stored page and remembered part stale at once (outside any transaction)."""
    versions().change([SITE, ANY])


def depends_on(request, *keys):
    """Say that the page being rendered shows what `keys` name (e.g. an article): a change to one makes it stale."""
    request.page_cache_keys = {*getattr(request, "page_cache_keys", ()), *keys}


def _digest(found):
    """A short name for a tuple of versions, to file what was computed under them."""
    return hashlib.blake2b(repr(found).encode(), digest_size=12).hexdigest()


def _next_change(now):
    """The next moment pages change by themselves, asked of the apps once per version of the keys their answers
    depend on, and kept until it passes; None when the versions cannot be read."""
    made_in = versions().current((SITE, *sorted(_hooks.expiry_keys)))
    if made_in is UNKNOWN:
        return None
    key = EXPIRES_AT_KEY.format(versions=_digest(made_in))
    moment = cache.get(key)
    if moment is None or moment <= now.timestamp():
        moments = [provider() for provider in _hooks.expiry_providers]
        moment = min((found.timestamp() for found in moments if found is not None), default=float("inf"))
        cache.set(key, moment, timeout=settings.CACHED_PARTS_SECONDS)
    return moment


def _seconds_to_live():
    """The page lifetime, cut short by the next moment pages change by themselves (0: do not keep)."""
    now = timezone.now()
    moment = _next_change(now)
    if moment is None:
        return 0
    limits = [settings.CACHED_PARTS_SECONDS, moment - now.timestamp()]
    if enabled():
        limits.append(settings.PAGE_CACHE_SECONDS)
    return int(min(limits))


def remember(key, compute, *, depends_on=(ANY,)):
    """`compute()`, kept in the shared cache until what it `depends_on` changes, or time-based visibility does.

    For parts of pages that are costly and depend on much of the site, like related posts; it works whether or
    not the page cache is on. `depends_on` names the keys whose changes make it stale (SITE always does).
    """
    keys = [SITE, *depends_on]
    made_in = versions().current(keys)
    if made_in is UNKNOWN:
        return compute()
    versioned = f"{key}:{_digest(made_in)}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        seconds = _seconds_to_live()
        if seconds > 0:
            cache.set(versioned, value, timeout=seconds)
    return value


def store(request, response, changes_before):
    """Keep `response` for the next anonymous readers of the same address, if it may be shared.

    `changes_before` is the number of the last change *before* the page was rendered: if a later change touched
    one of the keys it shows (`depends_on`), it is not stored (it may show the old state under the new versions).
    It is filed with the versions of those keys, and served only while they are current.
    """
    # "Vary: Cookie" needs no special care: only readers without cookies that matter ever get a stored page.
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    keys = (SITE, *sorted(getattr(request, "page_cache_keys", None) or {ANY}))
    made_in = versions().settled(keys, changes_before)
    if made_in is UNKNOWN or made_in is None:
        return
    seconds = _seconds_to_live()
    if seconds <= 0:
        return
    # What a shared HTTP cache in front may keep, and under which keys (deploy/varnish.vcl); hits renew s-maxage.
    response["Cache-Control"] = shared_cache_control(seconds)
    response[TAGS_HEADER] = tags_value(keys)
    body = response.content
    token = getattr(request, "page_cache_fresh_token", None)
    if token and _hooks.token_factory is not None:
        body = body.replace(token.encode(), FRESH_TOKEN_PLACEHOLDER)
    else:
        token = None
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    entry = (keys, made_in, time.time() + seconds, response.status_code, response.reason_phrase, headers, body, token)
    cache.set(page_key(request.META), entry, timeout=seconds)


def cache_public_page(view):
    """Store what `view` answers anonymous readers in the page cache (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (enabled() and request.method == "GET" and is_anonymous_read(request.META)):
            return view(request, *args, **kwargs)
        changes = versions().changes()
        if changes is UNKNOWN:
            return view(request, *args, **kwargs)
        response = view(request, *args, **kwargs)
        # StorePageMiddleware stores it once every middleware has added its headers (security headers included).
        response.page_cache_changes_before = changes
        return response

    return wrapper


class StorePageMiddleware:
    """The first middleware: stores the pages `cache_public_page` marked, as they leave Django complete."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(response, "page_cache_changes_before"):
            store(request, response, response.page_cache_changes_before)
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
            value = _hooks.token_factory(stored)
            if value is None:
                return None
            value = value.encode()
            self.tokens[stored] = (now, value)
        return value


class _ReadyPage:
    """A stored page prepared once for serving many times: status line, headers, body split at the fresh token."""

    __slots__ = (
        "keys", "versions", "expires_at", "status", "headers", "parts", "stored_token", "token", "body", "checked_at"
    )  # fmt: skip

    def __init__(self, keys, versions, expires_at, status, reason, headers, body, stored_token):
        self.keys, self.versions, self.expires_at, self.stored_token = keys, versions, expires_at, stored_token
        # The CHANGES version when this process last found the page's versions current.
        self.checked_at = None
        self.status = f"{status} {reason}"
        # Any hit may be compressed for one reader and not for the next: shared caches must keep both apart.
        vary = [part.strip() for name, value in headers if name.lower() == "vary" for part in value.split(",")]
        vary = [part for part in vary if part and part.lower() != "accept-encoding"] + ["Accept-Encoding"]
        # Cache-Control is made on each hit, with the seconds left.
        self.headers = [
            *((name, value) for name, value in headers if name.lower() not in ("vary", "cache-control")),
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
            key = page_key(environ)
            page = self.lookup(key)
            if page is not None:
                if len(page.parts) == 1:
                    return self.serve(page, page.body, environ, start_response)
                token = self.fresh_tokens.get(page.stored_token)
                if token is not None:
                    return self.serve(page, page.body_with(token), environ, start_response)
                self.local.pop(key, None)
        return self.application(environ, start_response)

    def lookup(self, key):
        """The stored page for `key` whose keys' versions are all current: from this process's memory, else shared.

        A page this process checked is served again after one read (CHANGES) while nothing changed since; any
        change renews CHANGES after its keys, so the page's own keys are then checked again.
        """
        page = self.local.get(key)
        if page is None or page.expires_at <= time.time():
            entry = cache.get(key)
            if entry is None or entry[2] <= time.time():
                return None
            page = _ReadyPage(*entry)
        elif page.checked_at is not None and versions().current((CHANGES,)) == page.checked_at:
            self.local.move_to_end(key)
            return page
        current = versions().current((CHANGES, *page.keys))
        if current is UNKNOWN or current[1:] != page.versions:
            self.local.pop(key, None)
            return None
        page.checked_at = current[:1]
        self.local[key] = page
        self.local.move_to_end(key)
        if len(self.local) > LOCAL_PAGES:
            self.local.popitem(last=False)
        return page

    def serve(self, page, body, environ, start_response):
        left = max(int(page.expires_at - time.time()), 0)
        headers = [*page.headers, ("Cache-Control", shared_cache_control(left))]
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 200:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        headers.append(("X-Request-ID", request_id(environ.get("HTTP_X_REQUEST_ID", ""))))
        start_response(page.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
