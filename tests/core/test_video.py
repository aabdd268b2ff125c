import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.video import PROVIDERS, editor_providers, parse_video_url

YOUTUBE_ID = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "address",
    [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"http://youtube.com/watch?feature=share&v={YOUTUBE_ID}",
        f"https://m.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}",
        f"https://www.youtube.com/shorts/{YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
        f"youtube.com/watch?v={YOUTUBE_ID}",
    ],
)
def test_youtube_addresses_are_accepted_in_every_usual_form(address):
    video = parse_video_url(address)

    assert (video.provider.name, video.video_id) == ("youtube", YOUTUBE_ID)
    assert video.url == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    assert video.player_url == f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1&rel=0"


@pytest.mark.parametrize(
    ("address", "url", "player"),
    [
        ("https://vimeo.com/76979871", "https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("https://player.vimeo.com/video/76979871", "https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("https://vimeo.com/76979871/8272103f6e", "https://vimeo.com/76979871/8272103f6e",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1&autoplay=1"),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e", "https://vimeo.com/76979871/8272103f6e",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1&autoplay=1"),
    ],
)  # fmt: skip
def test_vimeo_addresses_play_with_do_not_track(address, url, player):
    video = parse_video_url(address)

    assert (video.url, video.player_url) == (url, player)


def test_a_start_time_is_kept_from_the_address_to_the_player():
    assert parse_video_url(f"https://youtu.be/{YOUTUBE_ID}?t=1m30s").player_url.endswith("&start=90")
    assert parse_video_url(f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=42").url.endswith("&t=42s")
    assert parse_video_url("https://vimeo.com/76979871#t=65s").player_url.endswith("#t=65s")


@pytest.mark.parametrize(
    "address",
    [
        "https://www.dailymotion.com/video/x8abc",
        f"https://www.youtube.com.evil.example/watch?v={YOUTUBE_ID}",
        f"https://evil.example/youtu.be/{YOUTUBE_ID}",
        f"https://evil.example/?u=https://youtu.be/{YOUTUBE_ID}",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/feed/trending",
        "https://vimeo.com/channels/staffpicks",
        f"javascript:alert(1)//youtu.be/{YOUTUBE_ID}",
        f"//youtu.be/{YOUTUBE_ID}",
        "",
        None,
    ],
)
def test_other_addresses_are_refused(address):
    assert parse_video_url(address) is None


def test_only_the_platforms_of_the_setting_are_accepted(settings):
    settings.VIDEO_EMBED_PROVIDERS = ["youtube"]

    assert parse_video_url("https://vimeo.com/76979871") is None
    assert parse_video_url(f"https://youtu.be/{YOUTUBE_ID}").provider.name == "youtube"


def test_the_editor_is_given_only_the_platforms_named():
    providers = editor_providers(["vimeo"])

    assert [provider["name"] for provider in providers] == ["vimeo"]
    # One "/regex/" string: django-ckeditor-5 turns it into a RegExp (a list of them would become one wrong one).
    assert providers[0]["url"].startswith("/") and providers[0]["url"].endswith("/")
    assert all(pattern in providers[0]["url"] for pattern in PROVIDERS["vimeo"].patterns)


def started_with(providers):
    environment = {
        **os.environ,
        "DJANGO_VIDEO_EMBED_PROVIDERS": providers,
        "DJANGO_SETTINGS_MODULE": "clinic.settings.test",
    }
    code = "import django; django.setup(); from django.conf import settings as s; print(s.VIDEO_EMBED_PROVIDERS)"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_an_unknown_platform_in_the_setting_stops_the_site_from_starting():
    started = started_with("youtube,dailymotion")

    assert started.returncode != 0
    assert "DJANGO_VIDEO_EMBED_PROVIDERS: 'dailymotion' is not a video platform the site knows" in started.stderr


def test_the_setting_names_the_platforms_allowed():
    assert started_with(" vimeo ").stdout.strip() == "['vimeo']"
