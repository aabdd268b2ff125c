"""The site stays up when the shared cache (Redis) is down: every use of it degrades to "nothing cached".

Redis only speeds things up here. Sessions, lockouts, rate limits, duplicates and comments live in the
database, so a cache that cannot be reached is treated as an empty one that keeps nothing: pages are rendered
uncached, related posts computed, renditions looked up in the database, presence shows nobody else.

Each kind of failure is logged once per outage, and one line says when Redis answers again. After a failure
this process leaves Redis alone for RETRY_SECONDS, so a host that does not answer costs one connect timeout
every few seconds instead of one per cache call.
"""

import functools
import logging
import threading
import time

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("clinic.cache")
RETRY_SECONDS = 2.0
FAILURES = (redis.RedisError, OSError)


class Outage:
    """This process's view of the cache: reachable or not, and how many outages it has seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.logged_kinds = set()
        self.count = 0

    def reset(self):
        with self.lock:
            self.retry_at, self.logged_kinds, self.count = 0.0, set(), 0

    def may_try(self):
        return time.time() >= self.retry_at

    def failed(self, error):
        kind = type(error).__name__
        with self.lock:
            if not self.logged_kinds:
                self.count += 1
            self.retry_at = time.time() + RETRY_SECONDS
            first_of_kind = kind not in self.logged_kinds
            self.logged_kinds.add(kind)
        if first_of_kind:
            logger.error("The cache (Redis) is unavailable, serving without it: %s: %s", kind, error)

    def succeeded(self):
        if not self.logged_kinds:
            return
        with self.lock:
            was_down, self.logged_kinds = bool(self.logged_kinds), set()
        if was_down:
            logger.warning("The cache (Redis) answers again")


outage = Outage()


def guarded(call, fallback):
    """`call()`, or `fallback()` when the cache fails (or failed less than RETRY_SECONDS ago)."""
    if not outage.may_try():
        return fallback()
    try:
        result = call()
    except FAILURES as error:
        outage.failed(error)
        return fallback()
    outage.succeeded()
    return result


def _degrading(name, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def degrading(self, *args, **kwargs):
        return guarded(lambda: method(self, *args, **kwargs), lambda: fallback(*args, **kwargs))

    return degrading


def _missing(*args, **kwargs):
    raise ValueError("The cache is unavailable.")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache backend, answering like an empty cache that keeps nothing while Redis is down."""

    get = _degrading("get", lambda key, default=None, version=None: default)
    get_many = _degrading("get_many", lambda *args, **kwargs: {})
    has_key = _degrading("has_key", lambda *args, **kwargs: False)
    add = _degrading("add", lambda *args, **kwargs: False)
    set = _degrading("set", lambda *args, **kwargs: None)
    set_many = _degrading("set_many", lambda *args, **kwargs: [])
    touch = _degrading("touch", lambda *args, **kwargs: False)
    delete = _degrading("delete", lambda *args, **kwargs: False)
    delete_many = _degrading("delete_many", lambda *args, **kwargs: None)
    incr = _degrading("incr", _missing)
    clear = _degrading("clear", lambda *args, **kwargs: False)
