"""A reader on a phone subscribes to new articles from the end of an article, confirms from the email and changes
how often, in a real browser, with a real mail server and the worker's code sending."""

import re

import pytest
from playwright.sync_api import expect

from newsletter.models import Subscriber
from newsletter.services import manage_url
from tests.helpers import horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
READER = "maria@example.com"


def link_path(message, name):
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https://blog\.clinic\.example(/newsletter/{name}/\S+/)", text)[1]


def test_a_reader_subscribes_on_a_phone_confirms_and_changes_how_often(
    new_context, live_server, demo_site, mailed, monkeypatch
):
    monkeypatch.setattr("newsletter.forms.MIN_SECONDS_TO_SUBMIT", 0)  # a browser test types at once
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server.url + demo_site["article with comments and the form"])
    form = page.get_by_role("region", name="Enjoyed this article? Get new ones by email")

    form.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors")).to_contain_text("Please enter your email address.")

    with mailed(READER) as sent:
        page.get_by_role("textbox", name="Email").first.fill(READER)
        page.get_by_label("A weekly digest").first.check()
        page.locator("main").get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check your inbox")
    assert horizontal_overflow(page) == 0

    page.goto(live_server.url + link_path(sent[0], "confirm"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("subscribed")
    subscriber = Subscriber.objects.get(email=READER)
    assert (subscriber.status, subscriber.frequency) == ("confirmed", "weekly")

    # The "Change how often" link of every email after this one.
    page.goto(live_server.url + manage_url(subscriber).removeprefix("https://blog.clinic.example"))
    page.locator("main").get_by_label("Each new article").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: each new article")
    assert Subscriber.objects.get(email=READER).frequency == "each"
    assert horizontal_overflow(page) == 0
