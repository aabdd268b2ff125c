"""What readers get for a video: a link to it on its platform with a play button (the player only on a click, by
static/js/video.js), and a Content-Security-Policy allowing exactly that platform's player, on that page only."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from blog.models import Article
from core.pagecache import renew
from embeds.models import VideoEmbed
from tests.core.test_headers import directives
from tests.factories import ArticleFactory, PageFactory
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db
YOUTUBE = '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></oembed></figure>'
VIMEO = '<figure class="media"><oembed url="https://vimeo.com/76979871"></oembed></figure>'


def test_a_video_is_a_link_to_its_page_with_the_player_named_for_the_script(client):
    article = ArticleFactory(body="<p>Watch:</p>" + YOUTUBE)
    VideoEmbed.objects.create(provider="youtube", video_id="dQw4w9WgXcQ", title="Knee <exercises> & more")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<a class="video__link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert 'data-video-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;rel=0"' in html
    assert 'Play video:</span> <span class="video__title">Knee &lt;exercises&gt; &amp; more</span>' in html
    assert "<iframe" not in html and "<oembed" not in html
    assert '<script src="/static/js/video.js" defer></script>' in html


def test_the_policy_allows_the_players_of_the_page_s_videos_and_no_other(client):
    plain = ArticleFactory()
    youtube = ArticleFactory(body=YOUTUBE)
    both = ArticleFactory(body=YOUTUBE + VIMEO)

    assert "frame-src" not in directives(client.get(plain.get_absolute_url()))
    assert "video.js" not in client.get(plain.get_absolute_url()).content.decode()
    assert directives(client.get(youtube.get_absolute_url()))["frame-src"] == [
        "'self'", "https://www.youtube-nocookie.com"
    ]  # fmt: skip
    assert directives(client.get(both.get_absolute_url()))["frame-src"] == [
        "'self'", "https://player.vimeo.com", "https://www.youtube-nocookie.com"
    ]  # fmt: skip
    assert "frame-src" not in directives(client.get(reverse("home")))


def test_a_cached_page_keeps_the_policy_it_was_stored_with(settings):
    settings.PAGE_CACHE_SECONDS = 600
    renew()
    path = ArticleFactory(body=VIMEO).get_absolute_url()

    first, second = wsgi(path), wsgi(path)

    assert second.hit
    assert "frame-src 'self' https://player.vimeo.com" in second.headers["Content-Security-Policy"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "frame-src" not in wsgi(reverse("home")).headers["Content-Security-Policy"]


def test_pages_show_videos_too(client):
    page = PageFactory(body="<p>Our clinic:</p>" + VIMEO)

    response = client.get(page.get_absolute_url())

    assert 'data-video-player="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"' in response.text
    assert directives(response)["frame-src"] == ["'self'", "https://player.vimeo.com"]


def test_a_video_of_a_platform_taken_off_the_allowlist_is_a_plain_link(client, settings):
    article = ArticleFactory(body=VIMEO)
    settings.VIDEO_EMBED_PROVIDERS = ["youtube"]

    response = client.get(article.get_absolute_url())

    assert (
        '<a href="https://vimeo.com/76979871" rel="noopener noreferrer">Watch the video on Vimeo</a>' in response.text
    )
    assert "data-video-player" not in response.text
    assert "frame-src" not in directives(response)


def test_a_video_stored_without_a_save_is_fetched_for_its_first_reader_once(client):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=YOUTUBE)  # as a bulk import or an older release would

    for _ in range(3):
        assert "Video on YouTube" in client.get(article.get_absolute_url()).text

    assert DBTaskResult.objects.filter(task_path="embeds.tasks.video_fetch").count() == 1
