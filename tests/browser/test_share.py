"""The share box in a real browser: "Copy link" and named links that open in a new tab.

That no page asks another host for anything is tests/browser/test_accessibility.py's concern."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, CommentFactory, uploaded_image

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_article(live_server, settings):
    settings.SITE_URL = live_server.url
    article = ArticleFactory(
        title="What Is Prolotherapy?",
        slug="what-is-prolotherapy",
        featured_image=uploaded_image(size=(800, 450)),
        featured_image_alt="Teal picture",
    )
    ArticleFactory.create_batch(3, category=article.category, featured_image=uploaded_image(), featured_image_alt="x")
    CommentFactory(article=article)
    return article


def test_copy_link_puts_the_canonical_url_on_the_clipboard(new_context, live_server, shared_article):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + shared_article.get_absolute_url())

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator(".share__status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/blog/what-is-prolotherapy/"


def test_share_links_open_in_a_new_tab_and_are_named(new_context, live_server, shared_article):
    page = new_context().new_page()
    page.goto(live_server.url + shared_article.get_absolute_url())

    facebook = page.get_by_role("link", name="Share on Facebook")

    expect(facebook).to_have_attribute("target", "_blank")
    expect(facebook).to_have_attribute("rel", "noopener noreferrer")
    expect(page.get_by_role("link", name="Share by email")).to_have_attribute("href", re.compile("^mailto:"))
