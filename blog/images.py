"""Checks and names for uploaded images (featured images and images inserted in the editor)."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from PIL import Image

# Pillow format name -> file extension we store it under.
RASTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def validate_raster_image(file):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF that decodes completely within our limits.

    The file's name and declared content type are ignored: only decoding the bytes proves it is an image.
    A file already in storage was checked when it was chosen and is left alone: re-saving a form must neither
    fail on it nor read it again.
    """
    if getattr(file, "_committed", False):
        return None
    if file.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        limit_mb = settings.IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The image is too large: the limit is {limit_mb} MB.", code="too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    f"The image is {width}×{height} pixels, more than we accept.",
                    code="too_many_pixels",
                )
            image.verify()
        # verify() does not decode pixel data; loading it catches truncated and corrupt files.
        file.seek(0)
        with Image.open(file) as image:
            image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "This file is not a valid image, or it is damaged. Upload a JPEG, PNG, WebP or GIF picture.",
            code="invalid_image",
        ) from error
    finally:
        file.seek(position)
    if image_format not in RASTER_FORMATS:
        raise ValidationError(
            f"{image_format} images are not accepted. Upload a JPEG, PNG, WebP or GIF picture.",
            code="unsupported_format",
        )
    return image_format


def generated_image_name(folder, image_format):
    """Return a fresh storage path such as `editor/2026/11/<random>.png`; the client's file name is never used."""
    month = timezone.now().strftime("%Y/%m")
    return f"{folder}/{month}/{uuid.uuid4().hex}.{RASTER_FORMATS[image_format]}"


# Responsive renditions, made by sorl-thumbnail once (on upload, else on first use) and reused.
RENDITION_WIDTHS = (480, 960, 1600)
FALLBACK_WIDTH = 960


def _fallback_format(name):
    return "PNG" if name.lower().endswith((".png", ".gif")) else "JPEG"


def renditions(name, widths=RENDITION_WIDTHS):
    """WebP and JPEG/PNG renditions of the stored image `name` at each of `widths` up to its own width.

    Returns {"webp": [...], "fallback": [...]} lists of sorl ImageFiles (with .url, .width, .height), narrowest
    first, or None when the image cannot be read.
    """
    from sorl.thumbnail import get_thumbnail

    found = {"webp": [], "fallback": []}
    for width in sorted(widths):
        webp = get_thumbnail(name, str(width), format="WEBP", upscale=False)
        if not webp.size:
            return None  # sorl could not read the source (missing or damaged); it has logged why
        if found["webp"] and webp.width == found["webp"][-1].width:
            break  # the image is narrower than `width`: its own size is already there
        found["webp"].append(webp)
        found["fallback"].append(get_thumbnail(name, str(width), format=_fallback_format(name), upscale=False))
    return found if found["webp"] else None


def srcset(images):
    return ", ".join(f"{image.url} {image.width}w" for image in images)


def without_metadata(file, image_format):
    """The image re-encoded with no EXIF (camera, GPS position, time) or other metadata, upright.

    Patients' photos must not tell where or when they were taken. Colour profiles are kept; animated GIFs keep
    their frames.
    """
    from django.core.files.base import ContentFile
    from PIL import ImageOps

    file.seek(0)
    with Image.open(file) as image:
        options = {"format": image_format}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if image_format == "GIF" and getattr(image, "n_frames", 1) > 1:
            options.update(save_all=True, loop=image.info.get("loop", 0), duration=image.info.get("duration", 100))
            cleaned = image
        else:
            cleaned = ImageOps.exif_transpose(image)
            if image_format == "JPEG":
                cleaned = cleaned.convert("RGB")
                options.update(quality=90, optimize=True)
        buffer = io.BytesIO()
        cleaned.save(buffer, **options)
    return ContentFile(buffer.getvalue(), name=getattr(file, "name", None) or "image")


class CleanImageField(models.ImageField):
    """An ImageField that re-encodes each new upload without metadata before storing it."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            image_format = validate_raster_image(file)
            file.file = without_metadata(file, image_format)
        return super().pre_save(model_instance, add)
