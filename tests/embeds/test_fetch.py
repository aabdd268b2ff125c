"""A video's title and thumbnail: fetched once by a worker when a body showing it is saved, over real HTTP (a
server on loopback stands for the platform), stored here, and shown to readers instead of anything of theirs."""

import pytest
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult
from PIL import Image

from core.pagecache import renew
from embeds.models import VideoEmbed
from tests.factories import ArticleFactory, PageFactory
from tests.helpers import run_tasks, wsgi

pytestmark = pytest.mark.django_db
VIDEO = '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></oembed></figure>'


def fetches_queued():
    return DBTaskResult.objects.filter(task_path="embeds.tasks.video_fetch").count()


def test_saving_a_body_with_a_video_fetches_its_title_and_thumbnail_once(platform):
    article = ArticleFactory(body="<p>Watch:</p>" + VIDEO)
    assert fetches_queued() == 1

    run_tasks()

    video = VideoEmbed.objects.get()
    assert (video.provider, video.video_id, video.title, video.error) == (
        "youtube", "dQw4w9WgXcQ", "Knee exercises after PRP", ""
    )  # fmt: skip
    assert platform.asked[0].startswith("/oembed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ")
    with default_storage.open(video.thumbnail.name) as file, Image.open(file) as image:
        assert image.size == (480, 360) == (video.thumbnail_width, video.thumbnail_height)
        assert not image.getexif(), "the thumbnail is stored without its metadata"

    article.title = "Saved again"
    article.save()
    PageFactory(body=VIDEO)
    assert fetches_queued() == 1, "a video already fetched is not asked for again"


def test_readers_see_the_stored_title_and_thumbnail_once_fetched(
    platform, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    renew()
    article = ArticleFactory(body=VIDEO)
    before = wsgi(article.get_absolute_url())
    assert 'Play video:</span> <span class="video__title">Video on YouTube</span>' in before.text
    assert "/static/img/video-poster.svg" in before.text
    assert wsgi(article.get_absolute_url()).hit

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    after = wsgi(article.get_absolute_url())
    assert not after.hit, "the stored page was drawn again once the video's details arrived"
    assert 'video__title">Knee exercises after PRP</span>' in after.text
    screen = after.text.split('<span class="video__screen">')[1].split("</span>")[0]
    # The stored thumbnail, through its renditions (WebP and JPEG) once the worker has made them.
    assert 'type="image/webp"' in screen and "/media/renditions/" in screen and 'alt=""' in screen
    assert "video-poster.svg" not in after.text
    assert 'data-video-title="Knee exercises after PRP"' in after.text


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"oembed_status": 404}, "YouTube answered 404 (no such video)."),
        ({"oembed_status": 401}, "YouTube answered 401 (the video is private)."),
        ({"oembed_body": b"<html>not json</html>"}, "YouTube's oEmbed answer is not JSON."),
        ({"oembed_body": b"[" * 70_000}, "YouTube's answer is larger than 64 KB."),
        ({"thumbnail": b"<svg onload=alert(1)>"}, "YouTube's thumbnail is not a picture we accept"),
    ],
)
def test_a_failed_fetch_is_recorded_and_readers_keep_the_neutral_poster(platform, change, error):
    for name, value in change.items():
        setattr(platform, name, value)
    article = ArticleFactory(body=VIDEO)

    run_tasks()

    video = VideoEmbed.objects.get()
    assert video.error.startswith(error)
    assert video.fetched_at is not None and not video.thumbnail
    page = wsgi(article.get_absolute_url())
    assert page.status == 200
    assert "Video on YouTube" in page.text and "video-poster.svg" in page.text


def test_a_platform_that_cannot_be_reached_is_recorded_not_raised(settings):
    settings.VIDEO_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:9/oembed", "vimeo": "http://127.0.0.1:9/x"}
    ArticleFactory(body=VIDEO)

    run_tasks()

    assert VideoEmbed.objects.get().error.startswith("YouTube could not be reached")


def test_a_failed_fetch_is_tried_again_when_the_body_is_saved_again(platform):
    platform.oembed_status = 500
    article = ArticleFactory(body=VIDEO)
    run_tasks()
    assert VideoEmbed.objects.get().error
    platform.oembed_status = 200

    article.save()
    run_tasks()

    video = VideoEmbed.objects.get()
    assert (video.error, video.title) == ("", "Knee exercises after PRP")


def test_a_thumbnail_address_that_is_not_http_is_refused(platform):
    platform.oembed_body = b'{"title": "Local file", "thumbnail_url": "file:///etc/passwd"}'
    ArticleFactory(body=VIDEO)

    run_tasks()

    video = VideoEmbed.objects.get()
    assert video.error.startswith("YouTube's thumbnail gave an address that is not http(s)")
    assert not video.thumbnail
