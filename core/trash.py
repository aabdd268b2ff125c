"""The Trash, as WordPress's: deleting an article or a page moves it there, out of every public surface, with
everything attached kept; it is restored in one click, or deleted for good when the Trash is emptied or after
`settings.TRASH_DAYS`.

While in the Trash an object gives up its slug (WordPress's `__trashed`), so a new article may take the address;
restoring it takes the slug back if it is still free.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.names import first_free

TRASHED_SUFFIX = "--trashed"


class TrashQuerySet(models.QuerySet):
    def in_trash(self):
        return self.exclude(trashed_at=None)

    def out_of_trash(self):
        return self.filter(trashed_at=None)

    def trash_expired(self):
        """In the Trash for longer than settings.TRASH_DAYS: due for deletion."""
        return self.filter(trashed_at__lt=trash_cutoff())


def trash_cutoff():
    return timezone.now() - datetime.timedelta(days=settings.TRASH_DAYS)


class Trashable(models.Model):
    """Abstract: an object the admin moves to the Trash instead of deleting; it has a unique `slug`."""

    trashed_at = models.DateTimeField("moved to the Trash", null=True, blank=True, editable=False, db_index=True)
    slug_before_trash = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_trashed(self):
        return self.trashed_at is not None

    @property
    def purged_at(self):
        """When the Trash deletes it for good."""
        return self.trashed_at + datetime.timedelta(days=settings.TRASH_DAYS) if self.trashed_at else None

    def trash(self):
        """Move to the Trash (the caller saves), freeing the slug."""
        self.trashed_at, self.slug_before_trash = timezone.now(), self.slug
        suffix = f"{TRASHED_SUFFIX}-{self.pk}"
        self.slug = self.slug[: self._meta.get_field("slug").max_length - len(suffix)] + suffix

    def untrash(self, slug_taken):
        """Take the object out of the Trash (the caller saves); return whether it got its old slug back.

        `slug_taken(slug)` says whether another object has that slug now; if the old one is taken, the first
        free `slug-2`, `slug-3`... is used.
        """
        wanted = self.slug_before_trash or self.slug
        self.slug = first_free(wanted, slug_taken, self._meta.get_field("slug").max_length)
        self.trashed_at, self.slug_before_trash = None, ""
        return self.slug == wanted
