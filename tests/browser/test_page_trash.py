"""The Trash for pages in a real browser: an editor deletes a page with a page under it and a menu entry, a reader
on a phone finds it gone and the page under it still reachable, the editor restores it and everything is back."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pages.models import Page
from tests.helpers import PHONE, axe_violations, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_trashes_a_page_with_a_subpage_and_a_menu_entry_and_restores_it(
    logged_in_page, live_server, demo_site, axe_context
):
    editor = logged_in_page
    about = Page.objects.get(path="about")
    reader = axe_context(viewport=PHONE).new_page()

    def header():
        reader.goto(live_server.url + "/contact/")
        return reader.get_by_role("navigation", name="Main")

    expect(header().locator("summary", has_text="About")).to_be_visible()

    editor.goto(live_server.url + reverse("admin:pages_page_change", args=[about.pk]))
    editor.get_by_role("link", name="Delete").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Move to the Trash?")
    expect(editor.locator("#content")).to_contain_text("The 1 page under it (“Our team”) moves up to the top")
    editor.get_by_role("button", name="Move to the Trash").click()
    expect(editor.locator(".messagelist")).to_contain_text("“About the clinic” is in the Trash and off the site")
    expect(editor.get_by_role("link", name="Trash (1)")).to_be_visible()

    assert reader.goto(live_server.url + "/about/").status == 404
    menu = header()
    expect(menu.locator("summary", has_text="About")).to_have_count(0)
    menu.get_by_role("link", name="Our team").click()  # the page under it moved up, in the menu too
    expect(reader.get_by_role("heading", level=1)).to_have_text("Our team")
    assert reader.url == live_server.url + "/team/"
    reader.goto(live_server.url + "/about/team/")  # an old link to it
    assert reader.url == live_server.url + "/team/"
    reader.goto(live_server.url + "/search/?q=regenerative+medicine+ligaments")
    expect(reader.locator("main")).not_to_contain_text("About the clinic")
    assert horizontal_overflow(reader) == 0
    assert axe_violations(reader) == []

    editor.get_by_role("link", name="Trash (1)").click()
    editor.get_by_role("link", name="About the clinic").click()
    expect(editor.locator(".read-only-reason")).to_contain_text("This page is in the Trash: restore it to change it")
    editor.get_by_role("button", name="Restore from the Trash").click()
    expect(editor.locator(".messagelist")).to_contain_text("“About the clinic” is restored, as it was.")

    menu = header()
    menu.locator("summary", has_text="About").click()
    menu.get_by_role("link", name="Our team").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Our team")
    assert reader.url == live_server.url + "/about/team/"
    assert reader.goto(live_server.url + "/about/").status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("About the clinic")
    assert horizontal_overflow(reader) == 0
