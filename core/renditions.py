"""Renditions are made by a worker, never in a reader's or an editor's request.

Saving or uploading an image queues `renditions_make` (`renditions_queue`). A page asks only for renditions
already made (`core.images.renditions(name, make=False)`); until they exist it shows the original image at its
own size, depends on the image's page-cache key (`image_key`) and queues the task again, at most once per
REQUEUE_SECONDS. When the worker has made them it renews that key, so the pages that showed the original are
drawn again with the renditions, here and in any HTTP cache in front.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task
from sorl.thumbnail import default
from sorl.thumbnail.base import ThumbnailBackend
from sorl.thumbnail.conf import defaults as sorl_defaults
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.images import ImageFile

from .images import renditions
from .pagecache import depends_on, invalidate
from .tasks import enqueue_on_commit

# Pages showing an image whose renditions are missing queue their task once in this long.
REQUEUE_SECONDS = 600


class RenditionBackend(ThumbnailBackend):
    """sorl-thumbnail's backend (THUMBNAIL_BACKEND) that can also say whether a rendition was made, without
    reading the original or making anything."""

    def made_thumbnail(self, file_, geometry_string, **options):
        """What `get_thumbnail` answers once the rendition exists, else None (its options completed as there)."""
        source = ImageFile(file_)
        if sorl_settings.THUMBNAIL_PRESERVE_FORMAT:
            options.setdefault("format", self._get_format(source))
        for key, value in self.default_options.items():
            options.setdefault(key, value)
        for key, attribute in self.extra_options:
            value = getattr(sorl_settings, attribute)
            if value != getattr(sorl_defaults, attribute):
                options.setdefault(key, value)
        thumbnail = ImageFile(self._get_thumbnail_filename(source, geometry_string, options), default.storage)
        return default.kvstore.get(thumbnail)


def image_key(name):
    """The page-cache key of the pages that show the stored image `name` before its renditions exist."""
    return "core.image:" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


@task()
def renditions_make(name):
    """Make the renditions of the stored image `name`; the pages that showed the original are drawn again."""
    made = renditions(name) is not None
    cache.delete(_queued_key(name))
    if made:
        invalidate(image_key(name))
    return made


def renditions_queue(name):
    """Have a worker make the renditions of the stored image `name` once the transaction commits, unless they
    exist already (a re-saved article queues nothing). The pages shown meanwhile do not queue it again."""
    if renditions(name, make=False) is None:
        cache.set(_queued_key(name), timezone.now().timestamp(), timeout=2 * REQUEUE_SECONDS)
        enqueue_on_commit(renditions_make, name)


def renditions_missing(request, name):
    """A page shows `name` without its renditions: it is drawn again once they are made, and their task is queued
    (again: it may have been lost), once per REQUEUE_SECONDS however many readers come meanwhile."""
    if request:  # a template without one gives ""
        depends_on(request, image_key(name))
    key, now = _queued_key(name), timezone.now().timestamp()
    # When it was queued is the value (the cache's own expiry is on its server's clock, not the site's).
    if cache.add(key, now, timeout=2 * REQUEUE_SECONDS):
        enqueue_on_commit(renditions_make, name)
    elif (cache.get(key) or now) < now - REQUEUE_SECONDS:
        cache.set(key, now, timeout=2 * REQUEUE_SECONDS)
        enqueue_on_commit(renditions_make, name)


def _queued_key(name):
    return "renditions-queued:" + image_key(name)
