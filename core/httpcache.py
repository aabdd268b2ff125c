"""Telling HTTP caches in front (Varnish, a CDN with tag purges) what to drop when page-cache keys change.

Stored pages carry their keys in `X-Cache-Tags` (core/pagecache.py). When keys change, each address in
HTTP_CACHE_PURGE_URLS gets a `BAN` request whose `X-Cache-Ban` header is a regular expression matching those
tags (deploy/varnish.vcl turns it into a Varnish ban). Best effort, with a short timeout: a cache that cannot be
reached is logged, and its pages expire by their `s-maxage` anyway.
"""

import logging
import re
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger("clinic.cache")
TAGS_HEADER = "X-Cache-Tags"
BAN_HEADER = "X-Cache-Ban"


def shared_cache_control(seconds):
    """Cache-Control of a stored page: shared caches may keep it `seconds`, browsers check again each time."""
    return f"public, max-age=0, s-maxage={seconds}"


def tags_value(keys):
    """The X-Cache-Tags header for `keys`: space separated, with a space at each end so a ban matches whole tags."""
    return f" {' '.join(keys)} "


def ban_pattern(keys):
    """A regular expression matching the tags header of any page that carries one of `keys`."""
    return " (" + "|".join(re.escape(key) for key in sorted(keys)) + ") "


def http_cache_ban(keys):
    """Ask every HTTP cache in HTTP_CACHE_PURGE_URLS to drop the pages tagged with any of `keys`."""
    pattern = ban_pattern(keys)
    for url in settings.HTTP_CACHE_PURGE_URLS:
        # The settings accept only http(s) addresses here (clinic/settings/base.py).
        request = urllib.request.Request(url, method="BAN", headers={BAN_HEADER: pattern})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT) as answer:  # noqa: S310
                answer.read()
        except (OSError, urllib.error.URLError) as error:
            logger.error("Could not tell the HTTP cache at %s to drop %s: %s", url, pattern, error)
