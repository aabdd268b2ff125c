"""A video in an article, in Chromium: nothing is asked of another host until the reader presses play, then the
platform's privacy-enhanced player loads; the placeholder passes axe-core, works with the keyboard alone, and is a
plain link without JavaScript. The editor's media embed takes YouTube and Vimeo addresses and refuses others.

Every request to another host is recorded and aborted (`page.route`), so nothing leaves the machine.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article
from embeds.models import VideoEmbed
from tests.browser.test_keyboard import tab_to
from tests.factories import ArticleFactory
from tests.helpers import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

YOUTUBE = '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></oembed></figure>'
VIMEO = '<figure class="media"><oembed url="https://vimeo.com/76979871"></oembed></figure>'
TITLE = "Knee exercises after PRP"


@pytest.fixture
def video_article(db):
    VideoEmbed.objects.create(provider="youtube", video_id="dQw4w9WgXcQ", title=TITLE)
    return ArticleFactory(
        title="Two videos", slug="two-videos", body=f"<p>First:</p>{YOUTUBE}<p>Then:</p>{VIMEO}<p>The end.</p>"
    )


def outside_requests(page, live_server):
    """Record every request the page makes to another host, and abort it: nothing leaves the machine."""
    site, outside = urlsplit(live_server.url).netloc, []

    def route(route):
        if urlsplit(route.request.url).netloc == site:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return outside


def test_nothing_is_asked_of_a_video_platform_until_the_reader_presses_play(new_context, live_server, video_article):
    page = new_context(viewport=DESKTOP).new_page()
    requested, console = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    outside = outside_requests(page, live_server)

    page.goto(live_server.url + video_article.get_absolute_url(), wait_until="networkidle")
    play = page.get_by_role("link", name=f"Play video: {TITLE}")
    expect(play).to_be_visible()
    play.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/static/js/video.js") for url in requested)
    assert outside == []

    play.click()

    frame = page.locator(f'iframe[title="{TITLE}"]')
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&rel=0")
    expect(play).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert outside == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&rel=0"]

    page.get_by_role("link", name="Play video: Video on Vimeo").click()
    vimeo = page.locator('iframe[title="Video on Vimeo"]')
    expect(vimeo).to_have_attribute("src", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1")
    expect(page.locator("iframe")).to_have_count(2)
    # The page's policy allowed both players (a refused frame would be reported here and never requested).
    assert [text for text in console if "Content Security Policy" in text] == []
    assert outside[1:] == ["https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"]
    assert not any("youtube.com" in url.replace("youtube-nocookie.com", "") for url in outside)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_video_placeholder_has_no_axe_violations(axe_context, live_server, video_article, color_scheme, viewport):
    page = axe_context(color_scheme=color_scheme, viewport=viewport).new_page()
    outside = outside_requests(page, live_server)

    page.goto(live_server.url + video_article.get_absolute_url())
    expect(page.locator(".video__link")).to_have_count(2)

    assert axe_violations(page) == []
    assert page.locator(".video__screen img").evaluate_all("images => images.map(image => image.alt)") == ["", ""]
    assert outside == []


def test_the_placeholder_is_reached_with_tab_and_played_with_enter(new_context, live_server, video_article):
    page = new_context(viewport=PHONE).new_page()
    outside = outside_requests(page, live_server)
    page.goto(live_server.url + video_article.get_absolute_url())

    focused = tab_to(page, lambda focused: focused["name"].startswith("Play video:"))

    assert focused["tag"] == "a" and TITLE in focused["name"]
    size = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert size["width"] >= 44 and size["height"] >= 44
    page.keyboard.press("Enter")
    frame = page.locator(f'iframe[title="{TITLE}"]')
    expect(frame).to_be_focused()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert page.url == live_server.url + video_article.get_absolute_url()
    assert outside == [frame.get_attribute("src")]


def test_without_javascript_the_placeholder_is_a_link_to_the_video(new_context, live_server, video_article):
    page = new_context(java_script_enabled=False).new_page()
    outside = outside_requests(page, live_server)
    page.goto(live_server.url + video_article.get_absolute_url())
    assert outside == []

    link = page.get_by_role("link", name=f"Play video: {TITLE}")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

    with page.expect_request("https://www.youtube.com/watch?v=dQw4w9WgXcQ"):
        link.click()

    assert outside == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]


def test_the_editor_embeds_a_youtube_address_and_refuses_another_platform(logged_in_page, live_server):
    page = logged_in_page
    outside = outside_requests(page, live_server)
    page.goto(live_server.url + reverse("admin:blog_article_add"))
    page.locator("#id_title").press_sequentially("Exercises after PRP")
    page.locator(".ck-editor__editable[contenteditable=true]").click()
    page.keyboard.type("Watch this first.")

    page.get_by_role("button", name="Insert media").click()
    address = page.get_by_label("Media URL")
    address.fill("https://www.dailymotion.com/video/x8abcde")
    page.get_by_role("button", name="Insert", exact=True).click()
    expect(page.get_by_text("This media URL is not supported.")).to_be_visible()
    expect(address).to_have_value("https://www.dailymotion.com/video/x8abcde")

    address.fill("https://youtu.be/dQw4w9WgXcQ?t=42")
    page.get_by_role("button", name="Insert", exact=True).click()
    expect(page.locator(".ck-editor__editable .ck-media__wrapper")).to_have_count(1)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    body = Article.objects.get(slug="exercises-after-prp").body
    expect_embed = '<figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=42s">'
    assert expect_embed in body and "dailymotion" not in body
    assert outside == []
