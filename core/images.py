"""Checks and names for uploaded images (featured images and images inserted in the editor)."""

import io
import struct
import uuid
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from PIL import Image

# Pillow format name -> file extension we store it under.
RASTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def _read_header(file):
    """Pillow's image object for `file` with only its header read, or None when it is none of RASTER_FORMATS.

    This is `Image.open()` without its decompression-bomb check, which refuses a 20000×20000 picture before
    anyone learns its size; our own pixel limit (lower than Pillow's) is applied to the size read here.
    """
    Image.init()
    file.seek(0)
    prefix = file.read(16)
    for image_format in RASTER_FORMATS:
        factory, accept = Image.OPEN[image_format]
        if accept and not accept(prefix):
            continue
        file.seek(0)
        try:
            return factory(file)
        except (SyntaxError, IndexError, TypeError, struct.error):
            continue
    return None


def _refuse_too_many_pixels(image):
    """Refuse an image whose frames would decode to more than IMAGE_MAX_PIXELS in all.

    An animated GIF of 30 frames of 6000×6000 fits in under a megabyte, and re-encoding it without metadata
    decodes every frame: counting frames reads only their headers.
    """
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(f"The image is {width}×{height} pixels, more than we accept.", code="too_many_pixels")
    frames = getattr(image, "n_frames", 1)
    if frames * width * height > settings.IMAGE_MAX_PIXELS:
        limit = settings.IMAGE_MAX_PIXELS / 1_000_000
        raise ValidationError(
            f"The animation has {frames} frames of {width}×{height} pixels, more than we accept "
            f"({limit:g} million pixels in all frames together). Upload fewer or smaller frames.",
            code="too_many_pixels",
        )


def validate_raster_image(file):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF that decodes completely within our limits.

    The file's name and declared content type are ignored: only decoding the bytes proves it is an image. Its
    size and frame count are checked from the header first, so nothing too large is ever decoded.
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
        header = _read_header(file)
        if header is None:
            file.seek(0)
            header = Image.open(file)  # only to name the format we refuse
        with header as image:
            image_format = image.format
            if image_format not in RASTER_FORMATS:
                raise ValidationError(
                    f"{image_format} images are not accepted. Upload a JPEG, PNG, WebP or GIF picture.",
                    code="unsupported_format",
                )
            _refuse_too_many_pixels(image)
        file.seek(0)
        with Image.open(file) as image:
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
    return image_format


def generated_image_name(folder, image_format):
    """Return a fresh storage path such as `editor/2026/11/<random>.png`; the client's file name is never used."""
    month = timezone.now().strftime("%Y/%m")
    return f"{folder}/{month}/{uuid.uuid4().hex}.{RASTER_FORMATS[image_format]}"


# Responsive renditions, made by sorl-thumbnail in a task once an image is stored (core/renditions.py), and reused.
RENDITION_WIDTHS = (480, 960, 1600)
FALLBACK_WIDTH = 960


def _fallback_format(name):
    return "PNG" if name.lower().endswith((".png", ".gif")) else "JPEG"


def media_url_prefix():
    """What the URL of every stored file starts with: MEDIA_URL on disk, the bucket's address or custom domain on S3.

    Asked of the storage itself, so it is exactly the address django-storages builds (custom domain, or endpoint
    and bucket in path or virtual-host style).
    """
    probe = "probe"
    return default_storage.url(probe).removesuffix(probe)


def media_origin():
    """The origin (`scheme://host[:port]`) stored files are served from, or "" when it is the site's own."""
    parts = urlsplit(media_url_prefix())
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def is_plain_storage_name(name):
    """Whether `name` is a relative path inside our storage: no scheme, host, parent folder or backslash."""
    return bool(name) and not (
        name.startswith("/")
        or ":" in name
        or "\\" in name
        or "//" in name
        or any(part in {".", ".."} for part in name.split("/"))
        or any(ord(character) < 32 for character in name)
    )


def stored_name_from_url(url):
    """The storage name of the file at `url` when `url` names a file in our own storage by a plain name, else None.

    `/media/http://host/...` is not such a name: handed to sorl-thumbnail it would be fetched from that host.
    Addresses under MEDIA_URL are understood too, so bodies written before media moved to S3 keep working.
    """
    for prefix in dict.fromkeys((media_url_prefix(), settings.MEDIA_URL)):
        if prefix and url.startswith(prefix):
            name = unquote(url.removeprefix(prefix))
            return name if is_plain_storage_name(name) else None
    return None


def renditions(name, widths=RENDITION_WIDTHS, *, make=True):
    """WebP and JPEG/PNG renditions of the stored image `name` at each of `widths` up to its own width.

    Returns {"webp": [...], "fallback": [...]} lists of sorl ImageFiles (with .url, .width, .height), narrowest
    first, or None when the image cannot be read or, with `make=False` (pages), when they are not all made yet
    (core/renditions.py: a worker makes them). `name` is always read from our storage: sorl-thumbnail would
    download a name that looks like a URL, with no timeout, and has no setting to forbid it.
    """
    from sorl.thumbnail import default
    from sorl.thumbnail.images import ImageFile

    if not is_plain_storage_name(name):
        return None
    rendition = default.backend.get_thumbnail if make else default.backend.made_thumbnail
    source = ImageFile(name, default_storage)
    found = {"webp": [], "fallback": []}
    for width in sorted(widths):
        webp = rendition(source, str(width), format="WEBP", upscale=False)
        if webp is None or not webp.size:
            return None  # not made yet, or sorl could not read the source (missing or damaged; it has logged why)
        if found["webp"] and webp.width == found["webp"][-1].width:
            break  # the image is narrower than `width`: its own size is already there
        fallback = rendition(source, str(width), format=_fallback_format(name), upscale=False)
        if fallback is None:
            return None
        found["webp"].append(webp)
        found["fallback"].append(fallback)
    return found if found["webp"] else None


def original_size(name):
    """(width, height) of the stored image `name`, read from its header; None when it cannot be read."""
    if not is_plain_storage_name(name):
        return None
    try:
        with default_storage.open(name) as file:
            image = _read_header(file)
            return image.size if image is not None else None
    except OSError:
        return None


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
