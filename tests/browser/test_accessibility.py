"""Every kind of public page in a real browser: axe-core finds nothing, light and dark, on a phone and a desktop.

axe-core comes from npm (`package.json`) and is added to each page as an init script, which the page's
Content-Security-Policy does not block, so the pages are checked exactly as readers get them.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from blog.models import Article
from tests.helpers import ARTICLE, DESKTOP, PHONE, axe_violations, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def submit_empty_comment(page, base_url):
    page.goto(base_url + ARTICLE)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("alert")).to_contain_text("Your comment was not sent")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_axe_violations_and_no_sideways_scrolling(axe_context, live_server, demo_site, color_scheme, viewport):
    page = axe_context(color_scheme=color_scheme, viewport=viewport).new_page()
    found = {}
    for name, path in demo_site.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "404" else 200), name
        found[name] = axe_violations(page)
        if overflow := horizontal_overflow(page):
            found[name].append(f"the page scrolls sideways by {overflow}px")
        if (headings := page.locator("h1").count()) != 1:
            found[name].append(f"{headings} h1 headings")
    submit_empty_comment(page, live_server.url)
    found["form after a failed submission"] = axe_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_every_image_has_alt_text_and_decorative_ones_are_empty(new_context, live_server, demo_site):
    page = new_context(viewport=DESKTOP).new_page()
    images_seen = 0
    for name, path in demo_site.items():
        page.goto(live_server.url + path)
        images = page.evaluate(
            """() => [...document.images].map(img => ({
                src: img.currentSrc || img.src,
                alt: img.getAttribute('alt'),
                hidden: !!img.closest('[aria-hidden=true]'),
            }))"""
        )
        images_seen += len(images)
        assert [image["src"] for image in images if image["alt"] is None] == [], name
        assert [image["src"] for image in images if image["hidden"] and image["alt"] != ""] == [], name
    page.goto(live_server.url + ARTICLE)
    expect(page.locator(".article__hero img")).to_have_attribute(
        "alt", Article.objects.get(slug="what-is-prolotherapy").featured_image_alt
    )
    assert images_seen > 10


def test_no_page_requests_anything_from_another_host_or_breaks_its_security_policy(new_context, live_server, demo_site):
    page = new_context().new_page()
    requested, console = [], []
    page.on("request", lambda request: requested.append((page.url, request.url)))
    page.on("console", lambda message: console.append((page.url, message.text)))
    for path in demo_site.values():
        page.goto(live_server.url + path, wait_until="networkidle")
    submit_empty_comment(page, live_server.url)

    site = urlsplit(live_server.url).netloc
    assert len({url for _, url in requested}) > len(demo_site)
    assert any(url.endswith(".css") for _, url in requested)
    assert any("/media/" in url for _, url in requested)
    assert [(on, url) for on, url in requested if urlsplit(url).netloc != site and not url.startswith("data:")] == []
    assert [(on, text) for on, text in console if "Content Security Policy" in text] == []
