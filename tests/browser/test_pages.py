"""Pages and menus in a real browser: an editor adds a page and puts it in the header; a reader on a phone
reaches it through the dropdown, with the keyboard alone too."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from menus.models import Menu
from pages.models import Page
from tests.helpers import DESKTOP, PHONE, axe_violations, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_adds_a_page_under_treatments_and_to_the_header_and_a_reader_on_a_phone_opens_it(
    logged_in_page, live_server, demo_site, new_context
):
    page = logged_in_page
    page.goto(live_server.url + reverse("admin:pages_page_add"))
    page.locator("#id_title").press_sequentially("Shockwave therapy")
    expect(page.locator("#id_slug")).to_have_value("shockwave-therapy")
    page.get_by_label("Parent:").select_option(label="Treatments (/treatments/)")
    editable = page.locator(".ck-editor__editable[contenteditable=true]")
    editable.click()
    page.keyboard.type("Sound waves that wake up a tendon's healing.")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    shockwave = Page.objects.get(slug="shockwave-therapy")
    assert shockwave.get_absolute_url() == "/treatments/shockwave-therapy/"

    header = Menu.at(Menu.Location.HEADER)
    page.goto(live_server.url + reverse("admin:menus_menu_change", args=[header.pk]))
    new_row = page.locator(".inline-related:not(.has_original):not(.empty-form)").first
    new_row.locator("select[name$='-kind']").select_option("page")
    new_row.locator("input[name$='-order']").fill("3")
    new_row.locator("select[name$='-parent']").select_option(label="Treatments")
    new_row.locator("[aria-labelledby$='-page-container']").click()
    page.locator(".select2-search__field").fill("Shockwave")
    page.locator(".select2-results__option", has_text="Shockwave therapy").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

    reader = new_context(viewport=PHONE).new_page()
    reader.goto(live_server.url + "/")
    menu = reader.get_by_role("navigation", name="Main")
    menu.locator("summary", has_text="Treatments").click()
    menu.get_by_role("link", name="Shockwave therapy").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Shockwave therapy")
    expect(reader.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("Treatments")
    assert horizontal_overflow(reader) == 0

    keyboard = new_context(viewport=DESKTOP).new_page()
    keyboard.goto(live_server.url + "/")
    summary = keyboard.get_by_role("navigation", name="Main").locator("summary", has_text="Treatments")
    summary.focus()
    keyboard.keyboard.press("Enter")
    for name in ("Treatments: overview", "Prolotherapy", "PRP therapy", "Shockwave therapy"):
        keyboard.keyboard.press("Tab")
        expect(keyboard.locator(":focus")).to_have_text(name)
    keyboard.keyboard.press("Escape")
    expect(summary).to_be_focused()
    main_menu = keyboard.get_by_role("navigation", name="Main")
    expect(main_menu.get_by_role("link", name="Shockwave therapy")).to_be_hidden()
    keyboard.keyboard.press("Enter")
    for _ in range(4):
        keyboard.keyboard.press("Tab")
    keyboard.keyboard.press("Enter")
    expect(keyboard).to_have_url(live_server.url + "/treatments/shockwave-therapy/")
    summary = keyboard.get_by_role("navigation", name="Main").locator("summary", has_text="Treatments")
    summary.click()
    keyboard.get_by_role("heading", level=1).click()
    expect(main_menu.get_by_role("link", name="Prolotherapy", exact=True)).to_be_hidden()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_open_dropdown_and_the_pages_have_no_axe_violations(
    axe_context, live_server, demo_site, color_scheme, viewport
):
    page = axe_context(color_scheme=color_scheme, viewport=viewport).new_page()
    found = {}
    for name in ("page under another", "contact page"):
        page.goto(live_server.url + demo_site[name])
        page.get_by_role("navigation", name="Main").locator("summary", has_text="Treatments").click()
        expect(page.get_by_role("link", name="Prolotherapy", exact=True)).to_be_visible()
        found[name] = axe_violations(page)
        if overflow := horizontal_overflow(page):
            found[name].append(f"the page scrolls sideways by {overflow}px")

    assert {name: problems for name, problems in found.items() if problems} == {}
