"""What a WordPress import made: each WordPress object mapped to what it became here (re-runs change only what
changed), the old site's addresses (answered with one 301 by middleware.py), and each run with its report."""

from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.utils import timezone

from .content import UPLOADS, original_upload


def private_storage():
    """Where uploaded exports wait for their import: never under MEDIA_ROOT (they hold commenters' emails)."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT)


class ImportRun(models.Model):
    """One import of an export: its options, its progress while a worker runs it, and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    export = models.FileField("WordPress export (.xml)", storage=private_storage, upload_to="wordpress/%Y/%m/")
    uploads = models.FileField(
        "uploads folder (.zip)", storage=private_storage, upload_to="wordpress/%Y/%m/", blank=True
    )
    dry_run = models.BooleanField(default=True)
    with_ip_addresses = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    site_url = models.CharField("WordPress site", max_length=500, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import from WordPress"
        verbose_name_plural = "imports from WordPress"

    def __str__(self):
        kind = "Dry run" if self.dry_run else "Import"
        return f"{kind} of {self.site_url or self.export.name} ({self.get_status_display().lower()})"


class Imported(models.Model):
    """A WordPress object (its kind and id) and what it became here, as last imported."""

    class Kind(models.TextChoices):
        SITE = "site", "Site"  # its address: one site's ids are never mixed with another's
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"
        MENU_ITEM = "menu_item", "Menu item"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    wp_key = models.CharField("WordPress id", max_length=200, help_text="Its id, or a term's slug.")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    file = models.CharField(max_length=300, blank=True, help_text="An attachment's file in this site's storage.")
    details = models.JSONField(
        default=dict, blank=True, help_text="An attachment's title, alt text, caption and description in WordPress."
    )
    source_hash = models.CharField(max_length=32, help_text="What WordPress had, as a digest: a change shows.")
    saved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the import last saved it: a later change was made here."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "wp_key"], name="wordpress_imported_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="wordpress_imported_target_idx")]
        verbose_name_plural = "imported"

    def __str__(self):
        return f"WordPress {self.get_kind_display().lower()} {self.wp_key}"

    def address(self):
        """Where it is now, for a reader: its page, or its file; "" when it is gone or not public."""
        if self.file:
            return default_storage.url(self.file)
        target = self.target
        target = getattr(target, "profile", target)  # an author: their profile's page
        if target is None or not getattr(target, "is_published", True) or not hasattr(target, "get_absolute_url"):
            return ""
        return target.get_absolute_url()


class OldAddress(models.Model):
    """An address of the old WordPress site (a permalink, an old slug, an attachment page, an uploaded file)."""

    path = models.CharField(max_length=500, unique=True)
    imported = models.ForeignKey(Imported, on_delete=models.CASCADE, related_name="old_addresses")

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self):
        return self.path


def old_address_target(path, query=""):
    """Where one of the old site's addresses is now: its permalink, old slugs, attachment pages and uploads (resized
    copies too) from the import's map, and WordPress's `?p=`, `?page_id=`, `?attachment_id=`. None when the import
    knows no such address; "" when it names what is not public here (a draft, something deleted)."""
    if "\x00" in path or "\x00" in query:
        return None  # no address WordPress made, and PostgreSQL refuses the character in a query
    found = OldAddress.objects.filter(path=path).select_related("imported").first()
    if found is None and UPLOADS in path:
        found = OldAddress.objects.filter(path=original_upload(path)).select_related("imported").first()
    if found is not None:
        return found.imported.address()
    if path in ("/", "/index.php") and query:
        parameters = parse_qs(query)
        for name, kinds in (
            ("p", (Imported.Kind.POST, Imported.Kind.PAGE)),
            ("page_id", (Imported.Kind.PAGE,)),
            ("attachment_id", (Imported.Kind.ATTACHMENT,)),
        ):
            value = parameters.get(name, [""])[0]
            if value.isdigit():
                imported = Imported.objects.filter(kind__in=kinds, wp_key=value).first()
                return imported.address() if imported else None
    return None
