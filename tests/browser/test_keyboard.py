"""The article page with the keyboard alone: every stop shows where the focus is, sharing and commenting work."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        name: (element.getAttribute('aria-label') || element.innerText || element.name || element.id || '').trim(),
        tag: element.tagName.toLowerCase(),
        id: element.id,
        indicator: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_to(page, wanted, limit=150):
    """Press Tab until `wanted(focused)` holds; every stop on the way must show a focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["indicator"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def test_skip_link_share_and_comment_without_a_mouse(new_context, live_server, article, fast_forms):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, lambda focused: focused["name"] == "Copy link")
    page.keyboard.press("Enter")
    expect(page.locator(".share__status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + article.get_absolute_url()

    tab_to(page, lambda focused: focused["id"] == "id_body")
    page.keyboard.type("Can prolotherapy help a knee that still hurts after surgery?")
    page.keyboard.press("Tab")
    page.keyboard.type("Maria Lopez")
    page.keyboard.press("Tab")
    page.keyboard.type("maria@example.com")
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Website")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="I agree that the clinic stores")).to_be_focused()
    page.keyboard.press("Space")
    tab_to(page, lambda focused: focused["tag"] == "button" and focused["name"] == "Post comment")
    page.keyboard.press("Enter")

    own = page.locator(".comment", has_text="knee that still hurts")
    expect(own).to_contain_text("Your comment is awaiting moderation.")


def test_a_failed_comment_puts_the_focus_on_the_error_summary(new_context, live_server, article, fast_forms):
    page = new_context().new_page()
    page.goto(live_server.url + article.get_absolute_url())

    tab_to(page, lambda focused: focused["id"] == "id_body")
    page.keyboard.type("A question without a name.")
    tab_to(page, lambda focused: focused["tag"] == "button" and focused["name"] == "Post comment")
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please enter your name.")
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("A question without a name.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Name")).to_be_focused()
