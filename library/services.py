"""Writes of the media library."""

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db import transaction
from sorl.thumbnail import default
from sorl.thumbnail.images import ImageFile

from .models import MediaItem, _title_from


def media_item_for_stored_image(*, name, uploaded_by=None, title="", alt_text="", caption="", credit=""):
    """The library item of the image stored as `name`, made with these texts when it has none yet; an existing
    item keeps its own texts and only gains the ones it lacks."""
    item = MediaItem.objects.filter(file=name).first()
    if item is None:
        item = MediaItem(uploaded_by=uploaded_by, title=(title or "")[:200], alt_text=(alt_text or "")[:250],
                         caption=(caption or "")[:500], credit=(credit or "")[:200])  # fmt: skip
        item.file.name = name
        item.save()
        return item
    missing = {key: value for key, value in {"title": title, "alt_text": alt_text, "caption": caption,
               "credit": credit}.items() if value and not getattr(item, key)}  # fmt: skip
    if missing:
        for key, value in missing.items():
            setattr(item, key, value[: MediaItem._meta.get_field(key).max_length])
        item.save(update_fields=list(missing))
    return item


def media_item_from_editor_upload(*, name, user, upload_name=""):
    """An image uploaded in the editor becomes a library item, titled after the uploaded file's name
    (core.editor calls it through the EDITOR_UPLOAD_HOOKS setting)."""
    title = _title_from(PurePosixPath(upload_name).name) if upload_name else ""
    return media_item_for_stored_image(name=name, uploaded_by=user, title=title)


def media_item_delete(*, item):
    """Delete the item, its file and its renditions; refuses (ValueError) while the image is used anywhere."""
    with transaction.atomic():
        if item.usage_rows.exists():
            raise ValueError("This image is still used; remove it from those places first.")
        name = item.file.name
        item.delete()
        transaction.on_commit(lambda: default.backend.delete(ImageFile(name, default_storage)))
