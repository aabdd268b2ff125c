"""Writes about embedded videos: asking a platform for a video's title and thumbnail (a worker does it), and
queueing that for the videos a saved body or a drawn page shows.

The platform is asked through its oEmbed endpoint (VIDEO_OEMBED_ENDPOINTS), over plain HTTP(S) only, with a
timeout and a size limit on every answer; the thumbnail is checked and re-encoded as an upload is, and stored
here. A failure is recorded on the row (and logged), never raised to the editor: the page keeps its neutral
poster meanwhile.
"""

import datetime
import html
import http.client
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.images import generated_image_name, original_size, validate_raster_image, without_metadata
from core.pagecache import invalidate
from core.renditions import renditions_queue
from core.sanitize import VIDEO_FIGURE
from core.tasks import enqueue_on_commit
from core.video import parse_video_url

from .models import VideoEmbed

logger = logging.getLogger(__name__)
# The largest oEmbed answer read (theirs are under 2 KB).
OEMBED_MAX_BYTES = 64 * 1024
# A video's fetch is queued at most once in this long, however many saves and readers ask meanwhile.
REQUEUE_SECONDS = 600
USER_AGENT = "clinic-blog (oEmbed: a video's title and thumbnail)"


class FetchError(Exception):
    """Why a platform's answer could not be used, in words for the row's `error`."""


def video_key(video):
    """The page-cache key of the pages showing `video` (a core.video.Video): renewed when its details arrive."""
    return f"embeds.video:{video.provider.name}:{video.video_id}"


def videos_in(body):
    """The allowed videos a sanitized body shows, in order, each once."""
    found = {}
    for match in VIDEO_FIGURE.finditer(str(body or "")):
        video = parse_video_url(html.unescape(match.group(1)))
        if video is not None:
            found.setdefault((video.provider.name, video.video_id), video)
    return list(found.values())


def rows_for(videos):
    """{(provider, video id): VideoEmbed} for those of `videos` that have a row, in one query."""
    if not videos:
        return {}
    ids = {video.video_id for video in videos}
    rows = VideoEmbed.objects.filter(video_id__in=ids)
    return {(row.provider, row.video_id): row for row in rows}


def videos_fetch_queue(videos, *, rows=None, retry_after=datetime.timedelta(0)):
    """Have a worker ask the platform about each of `videos` that has no row yet, or whose last fetch failed
    `retry_after` ago, once the transaction commits; each at most once per REQUEUE_SECONDS. `rows`: `rows_for(videos)`
    when the caller has it."""
    from .tasks import video_fetch

    rows = rows_for(videos) if rows is None else rows
    now = timezone.now().timestamp()
    for video in videos:
        row = rows.get((video.provider.name, video.video_id))
        if row is not None and not row.fetch_due(retry_after=retry_after):
            continue
        if cache.add(_queued_key(video), now, timeout=REQUEUE_SECONDS):
            enqueue_on_commit(video_fetch, video.url)


def body_videos_fetch(sender, instance, raw=False, **kwargs):
    """post_save receiver of a model with a rich-text `body`: fetch the details of the videos it shows."""
    if not raw:
        videos_fetch_queue(videos_in(getattr(instance, "body", "")))


def video_fetch_done(video):
    cache.delete(_queued_key(video))


def _queued_key(video):
    return "embeds-fetch-queued:" + video_key(video)


def _opener():
    """urllib with HTTP and HTTPS only (its default also opens file:, ftp: and data: addresses, redirects too)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _get(address, *, limit, label):
    if urlsplit(address).scheme not in ("http", "https"):
        raise FetchError(f"{label} gave an address that is not http(s): {address[:200]}")
    request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT})  # noqa: S310 (http(s) only, above)
    try:
        with _opener().open(request, timeout=settings.VIDEO_FETCH_TIMEOUT) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        reason = {401: " (the video is private)", 403: " (embedding is not allowed)", 404: " (no such video)"}
        raise FetchError(f"{label} answered {error.code}{reason.get(error.code, '')}.") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise FetchError(f"{label} could not be reached: {error}") from None
    if len(body) > limit:
        raise FetchError(f"{label}'s answer is larger than {limit // 1024} KB.")
    return body


def _details(video):
    """(title, thumbnail address) from the platform's oEmbed endpoint."""
    label = video.provider.label
    endpoint = settings.VIDEO_OEMBED_ENDPOINTS[video.provider.name]
    body = _get(f"{endpoint}?{urlencode({'url': video.url, 'format': 'json'})}", limit=OEMBED_MAX_BYTES, label=label)
    try:
        data = json.loads(body)
    except ValueError:
        raise FetchError(f"{label}'s oEmbed answer is not JSON.") from None
    if not isinstance(data, dict):
        raise FetchError(f"{label}'s oEmbed answer is not an object.")
    title = " ".join(str(data.get("title") or "").split())[:200]
    thumbnail = data.get("thumbnail_url")
    return title, thumbnail if isinstance(thumbnail, str) else ""


def _thumbnail(address, label):
    """The picture at `address`, checked and re-encoded without metadata, as a file to store."""
    body = _get(address, limit=settings.IMAGE_UPLOAD_MAX_BYTES, label=f"{label}'s thumbnail")
    file = ContentFile(body, name="thumbnail")
    try:
        image_format = validate_raster_image(file)
    except ValidationError as error:
        raise FetchError(f"{label}'s thumbnail is not a picture we accept: {' '.join(error.messages)}") from None
    return without_metadata(file, image_format), image_format


def video_details_fetch(*, video):
    """Ask the platform for `video`'s title and thumbnail, store them (or why it failed) and have the pages
    showing it drawn again; returns its VideoEmbed."""
    row, _ = VideoEmbed.objects.get_or_create(provider=video.provider.name, video_id=video.video_id)
    old_thumbnail = row.thumbnail.name
    try:
        title, address = _details(video)
        thumbnail = _thumbnail(address, video.provider.label) if address else None
    except FetchError as error:
        logger.warning("Video %s: %s", video.url, error)
        row.error, row.fetched_at = str(error), timezone.now()
        row.save(update_fields=["error", "fetched_at"])
        return row
    with transaction.atomic():
        row.title, row.error, row.fetched_at = title, "", timezone.now()
        if thumbnail is not None:
            file, image_format = thumbnail
            row.thumbnail.name = default_storage.save(generated_image_name("videos", image_format), file)
            row.thumbnail_width, row.thumbnail_height = original_size(row.thumbnail.name)
            renditions_queue(row.thumbnail.name)
        row.save()
        if old_thumbnail and old_thumbnail != row.thumbnail.name:
            transaction.on_commit(lambda: default_storage.delete(old_thumbnail))
        invalidate(video_key(video))
    return row
