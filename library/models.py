"""The media library: every image uploaded for articles and pages, with the texts that go with it."""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.images import CleanImageField, generated_image_name, validate_raster_image


def library_image_path(item, filename):
    return generated_image_name("library", validate_raster_image(item.file))


class MediaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The items `user` may see and pick: all for those who manage others' media; otherwise their own uploads
        and the images readers can already see (used by published content).

        An image in someone else's draft is not offered: it may not be meant for readers yet.
        """
        if not (user.is_active and user.is_staff and user.has_perm("library.view_mediaitem")):
            return self.none()
        if user.has_perm("library.manage_others_media"):
            return self
        from .usage import public_usages

        return self.filter(Q(uploaded_by=user) | Q(pk__in=public_usages().values("item")))

    def search(self, terms):
        """Items whose title, alt text, caption or credit holds every word of `terms`."""
        items = self
        for word in terms.split()[:10]:
            items = items.filter(
                Q(title__icontains=word)
                | Q(alt_text__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
            )
        return items


class MediaItem(models.Model):
    file = CleanImageField(
        "image",
        upload_to=library_image_path,
        max_length=255,
        unique=True,
        width_field="width",
        height_field="height",
        validators=[validate_raster_image],
        help_text="JPEG, PNG, WebP or GIF. Its camera and location details are removed when it is stored.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the library lists and searches it by; left empty, the uploaded file's name.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Offered wherever the image is used, where "
        "it can be changed for that place.",
    )
    caption = models.CharField(max_length=500, blank=True, help_text="Shown under the image where it has a caption.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made the picture and under which licence, e.g. “Photo: A. Lee”."
    )
    uploaded_at = models.DateTimeField("uploaded", default=timezone.now, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media_items",
        editable=False,
    )

    objects = MediaItemQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "library image"
        verbose_name_plural = "library images"
        permissions = [("manage_others_media", "Can see, change and delete others' library images")]

    def __str__(self):
        return self.title or PurePosixPath(self.file.name).name

    def save(self, *args, **kwargs):
        if not self.title and self.file:
            self.title = _title_from(self.file.name)
        super().save(*args, **kwargs)

    @property
    def url(self):
        return self.file.url if self.file else ""

    def usages(self):
        """Where the image is used: a list of usage.Usage, each with its object, field and public state."""
        from .usage import usages_of

        return usages_of(self)


def _title_from(name):
    stem = PurePosixPath(name).stem
    return stem.replace("-", " ").replace("_", " ").strip()[:200] or "image"


class MediaUsage(models.Model):
    """One place a library image is used: a field of an article or page (kept up to date when they are saved)."""

    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="usage_rows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=100)

    class Meta:
        ordering = ["content_type", "object_id", "field"]
        constraints = [
            models.UniqueConstraint(fields=["item", "content_type", "object_id", "field"], name="library_usage_unique")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="library_usage_target_idx")]

    def __str__(self):
        return f"{self.item} in {self.content_type.model} {self.object_id} ({self.field})"
