"""Where library images are used: apps register their image and rich-text fields (in AppConfig.ready), and each
save of a registered object records which library images it shows (MediaUsage), for the library's "Used in", the
delete page and who may pick what.

An image field that gets a new upload makes it a library item (with the alt text typed beside it); an image in a
body is found by its address in our storage.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.images import stored_name_from_url

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """A registered model: its image fields (name → alt text field), rich-text fields, owner and public rows."""

    model: type
    image_fields: dict = field(default_factory=dict)
    rich_text_fields: tuple = ()
    owner: str = ""
    public: object = None  # () -> the queryset of rows readers see


_sources = {}


def register(model, *, image_fields=None, rich_text_fields=(), owner="", public=None):
    """Record library usage of `model`'s fields; `owner` names the user field credited with a new upload."""
    _sources[model] = Source(model, dict(image_fields or {}), tuple(rich_text_fields), owner, public)


def sources():
    return list(_sources.values())


def connect():
    post_save.connect(_saved, dispatch_uid="library-usage-saved")
    post_delete.connect(_deleted, dispatch_uid="library-usage-deleted")


def body_images(html):
    """(stored name, alt text) of each image of `html` that is a file in our storage, in order."""
    found = []
    for tag in _IMG.findall(html or ""):
        attributes = {name.lower(): unescape(double or single) for name, double, single in _ATTRIBUTE.findall(tag)}
        name = stored_name_from_url(attributes.get("src", ""))
        if name:
            found.append((name, attributes.get("alt", "")))
    return found


def images_of(source, obj):
    """{(stored name, field): alt text} of every stored image `obj` shows through its registered fields."""
    found = {}
    for image_field, alt_field in source.image_fields.items():
        file = getattr(obj, image_field)
        if file and file.name:
            found[(file.name, image_field)] = getattr(obj, alt_field, "") if alt_field else ""
    for rich_text in source.rich_text_fields:
        for name, alt in body_images(getattr(obj, rich_text)):
            found.setdefault((name, rich_text), alt)
    return found


def _saved(sender, instance, raw=False, **kwargs):
    source = _sources.get(sender)
    if source is None or raw:
        return
    usage_refresh(source, instance)


def _deleted(sender, instance, **kwargs):
    if sender in _sources:
        from .models import MediaUsage

        MediaUsage.objects.filter(
            content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
        ).delete()


def usage_refresh(source, obj):
    """Record the library images `obj` uses now; a newly uploaded image field becomes a library item, and an item
    without alt text takes the one written here (it is offered wherever the image is used next)."""
    from .models import MediaItem, MediaUsage

    images = images_of(source, obj)
    names = {name for name, _field in images}
    with transaction.atomic():
        items = {item.file.name: item for item in MediaItem.objects.filter(file__in=names)}
        owner = getattr(obj, f"{source.owner}_id", None) if source.owner else None
        for (name, image_field), alt in images.items():
            if name not in items and image_field in source.image_fields:
                item = MediaItem(title=str(obj)[:200], alt_text=alt[:250], uploaded_by_id=owner)
                item.file.name = name
                item.save()
                items[name] = item
            item = items.get(name)
            if item is not None and not item.alt_text and alt.strip():
                item.alt_text = alt.strip()[:250]
                MediaItem.objects.filter(pk=item.pk, alt_text="").update(alt_text=item.alt_text)
        wanted = {(items[name].pk, image_field) for name, image_field in images if name in items}
        content_type = ContentType.objects.get_for_model(source.model)
        rows = MediaUsage.objects.filter(content_type=content_type, object_id=obj.pk)
        stored = {(row.item_id, row.field): row.pk for row in rows}
        stale = [pk for key, pk in stored.items() if key not in wanted]
        if stale:
            MediaUsage.objects.filter(pk__in=stale).delete()
        MediaUsage.objects.bulk_create(
            MediaUsage(item_id=item_id, content_type=content_type, object_id=obj.pk, field=image_field)
            for item_id, image_field in wanted - set(stored)
        )


def public_usages():
    """The usage rows of objects readers can see (published articles and pages)."""
    from django.db.models import Q

    from .models import MediaUsage

    condition = Q(pk__in=[])
    for source in _sources.values():
        if source.public is None:
            continue
        content_type = ContentType.objects.get_for_model(source.model)
        condition |= Q(content_type=content_type, object_id__in=source.public().values("pk"))
    return MediaUsage.objects.filter(condition)


@dataclass
class Usage:
    obj: object
    field: str
    is_public: bool

    @property
    def field_label(self):
        return self.obj._meta.get_field(self.field).verbose_name

    @property
    def kind(self):
        return self.obj._meta.verbose_name


def usages_of(item):
    """Where `item` is used, each as a Usage with its object (ordered by kind, then object)."""
    found = []
    rows = list(item.usage_rows.select_related("content_type"))
    by_type = {}
    for row in rows:
        by_type.setdefault(row.content_type, []).append(row)
    for content_type, type_rows in by_type.items():
        model = content_type.model_class()
        source = _sources.get(model)
        if source is None:
            continue
        objects = model._base_manager.in_bulk([row.object_id for row in type_rows])
        public = set(source.public().filter(pk__in=objects).values_list("pk", flat=True)) if source.public else set()
        found += [Usage(objects[row.object_id], row.field, row.object_id in public)
                  for row in type_rows if row.object_id in objects]  # fmt: skip
    return found
