"""Every image the articles and pages use, and every image imported from WordPress, becomes a library item."""

from pathlib import PurePosixPath

from django.db import migrations
from django.utils import timezone

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# (app, model, owner field): what shows images in an image field and a body.
SOURCES = [("blog", "Article", "author_id"), ("pages", "Page", None)]


def sync_roles(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


def existing_uploads(apps, schema_editor):
    """One item per stored file (by its name) with the texts found for it: the alt text written beside a featured
    image or in the body's <img>, WordPress's title, alt text and caption; its uploader is the article's author,
    its date that of the first article using it. A file missing from storage is left out (nothing to show)."""
    from django.core.files.storage import default_storage

    from core.images import original_size
    from library.usage import body_images

    MediaItem = apps.get_model("library", "MediaItem")
    MediaUsage = apps.get_model("library", "MediaUsage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    found, usages = {}, []

    def note(name, **values):
        entry = found.setdefault(name, {})
        for key, value in values.items():
            if key == "uploaded_at" and value and entry.get(key):
                entry[key] = min(entry[key], value)
            elif value and not entry.get(key):
                entry[key] = value

    for app_label, model_name, owner in SOURCES:
        model = apps.get_model(app_label, model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name.lower())
        fields = ["pk", "title", "featured_image", "featured_image_alt", "body", "created_at", *([owner] if owner else [])]
        for row in model._base_manager.values(*fields).iterator():
            uploader = row[owner] if owner else None
            if row["featured_image"]:
                note(row["featured_image"], title=row["title"], alt_text=row["featured_image_alt"],
                     uploaded_by_id=uploader, uploaded_at=row["created_at"])  # fmt: skip
                usages.append((row["featured_image"], content_type.pk, row["pk"], "featured_image"))
            for name, alt in body_images(row["body"]):
                note(name, title=alt or row["title"], alt_text=alt, uploaded_by_id=uploader, uploaded_at=row["created_at"])
                usages.append((name, content_type.pk, row["pk"], "body"))

    Imported = apps.get_model("wordpress", "Imported")
    for row in Imported.objects.filter(kind="attachment").exclude(file="").values("file", "details", "saved_at"):
        if PurePosixPath(row["file"]).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        details = row["details"] or {}
        note(row["file"], title=details.get("title"), alt_text=details.get("alt"),
             caption=details.get("caption") or details.get("description"), uploaded_at=row["saved_at"])  # fmt: skip

    known = set(MediaItem.objects.filter(file__in=list(found)).values_list("file", flat=True))
    items = []
    for name, values in found.items():
        if name in known or not default_storage.exists(name):
            continue
        width, height = original_size(name) or (None, None)
        items.append(
            MediaItem(
                file=name,
                width=width,
                height=height,
                title=(values.get("title") or PurePosixPath(name).stem)[:200],
                alt_text=(values.get("alt_text") or "")[:250],
                caption=(values.get("caption") or "")[:500],
                uploaded_by_id=values.get("uploaded_by_id"),
                uploaded_at=values.get("uploaded_at") or timezone.now(),
            )
        )
    MediaItem.objects.bulk_create(items, batch_size=500)
    ids = dict(MediaItem.objects.filter(file__in=list(found)).values_list("file", "pk"))
    MediaUsage.objects.bulk_create(
        [MediaUsage(item_id=ids[name], content_type_id=type_id, object_id=pk, field=field)
         for name, type_id, pk, field in dict.fromkeys(usages) if name in ids],  # fmt: skip
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    """Writers see and add library images, editors manage them all (clinic.roles); existing uploads are listed."""

    dependencies = [
        ("library", "0001_initial"),
        ("blog", "0024_article_trash"),
        ("pages", "0004_search_text"),
        ("wordpress", "0002_attachment_details"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(existing_uploads, migrations.RunPython.noop),
    ]
