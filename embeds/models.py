"""What the site knows of each embedded video: its title and a thumbnail stored here, fetched once by a worker.

Readers' pages show these, so that nothing is asked of the video platform until a reader presses play. A row is
made by the worker's first fetch (embeds/tasks.py); until then, or when the platform could not be asked (offline,
a private or removed video), the page shows a neutral poster and "Video on YouTube".
"""

import datetime

from django.db import models
from django.utils import timezone

from core.video import PROVIDERS

# A fetch that failed is tried again by the next save of a body showing the video, and by a page showing it once
# this long has passed.
RETRY_AFTER = datetime.timedelta(days=1)


class VideoEmbed(models.Model):
    provider = models.CharField(max_length=20, choices=[(p.name, p.label) for p in PROVIDERS.values()])
    video_id = models.CharField("video id", max_length=20, help_text="The video's id on its platform.")
    title = models.CharField(max_length=200, blank=True, help_text="The video's title on its platform.")
    thumbnail = models.ImageField(
        upload_to="videos/",
        blank=True,
        help_text="The platform's thumbnail, stored here, without its metadata.",
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    fetched_at = models.DateTimeField("last asked", null=True, blank=True)
    error = models.TextField("why the last fetch failed", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "embedded video"
        constraints = [models.UniqueConstraint(fields=["provider", "video_id"], name="embeds_one_row_per_video")]

    def __str__(self):
        return self.title or f"{self.provider_label} video {self.video_id}"

    @property
    def provider_label(self):
        provider = PROVIDERS.get(self.provider)
        return provider.label if provider else self.provider

    @property
    def shown_title(self):
        """What readers read: the video's title, or "Video on YouTube" until it is known."""
        return self.title or f"Video on {self.provider_label}"

    def fetch_due(self, *, retry_after=RETRY_AFTER):
        """Whether the platform should be asked (again): never asked, or its last answer was a failure `retry_after`
        ago."""
        if self.fetched_at is None:
            return True
        return bool(self.error) and self.fetched_at <= timezone.now() - retry_after
