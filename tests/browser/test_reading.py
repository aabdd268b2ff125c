"""How the article reads in a real browser: line length, the clinic's colours, dark mode, print and motion."""

import pytest
from playwright.sync_api import expect

from clinic.models import ClinicSettings
from tests.helpers import ARTICLE

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1440, "height": 900}


def computed(page, selector, prop, pseudo=None):
    return page.evaluate(
        "([selector, prop, pseudo]) => getComputedStyle(document.querySelector(selector), pseudo)[prop]",
        [selector, prop, pseudo],
    )


def characters_per_line(page):
    """Average characters per full line over the article's paragraphs of three lines or more."""
    return page.evaluate(
        """() => {
            const counts = [];
            for (const paragraph of document.querySelectorAll('.prose > p')) {
                const lineHeight = parseFloat(getComputedStyle(paragraph).lineHeight);
                const lines = Math.round(paragraph.getBoundingClientRect().height / lineHeight);
                if (lines >= 3) counts.push(paragraph.textContent.length / lines);
            }
            return counts.reduce((sum, count) => sum + count, 0) / counts.length;
        }"""
    )


def test_article_lines_stay_readable_on_a_wide_screen(new_context, live_server, demo_site):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(live_server.url + ARTICLE)

    assert 60 <= characters_per_line(page) <= 80
    line_height, font_size = (
        float(computed(page, ".prose p", prop).removesuffix("px")) for prop in ("lineHeight", "fontSize")
    )
    assert line_height >= 1.5 * font_size


def test_the_clinic_colour_paints_the_header_and_dark_mode_follows_the_system(new_context, live_server, demo_site):
    ClinicSettings.objects.update(brand_color="#7a3e9d")
    light = new_context(color_scheme="light").new_page()
    dark = new_context(color_scheme="dark").new_page()
    console = []
    dark.on("console", lambda message: console.append(message.text))

    light.goto(live_server.url + ARTICLE)
    dark.goto(live_server.url + ARTICLE)

    assert computed(light, ".site-header", "backgroundColor") == "rgb(122, 62, 157)"
    assert computed(dark, ".site-header", "backgroundColor") == "rgb(122, 62, 157)"
    assert computed(light, "body", "backgroundColor") == "rgb(255, 255, 255)"
    assert computed(dark, "body", "backgroundColor") == "rgb(15, 23, 23)"
    assert computed(dark, "body", "color") == "rgb(228, 237, 237)"
    # Links are a lighter shade of the brand colour in the dark, worked out by clinic/theme.py.
    assert computed(dark, ".article__review a", "color") != computed(light, ".article__review a", "color")
    assert [text for text in console if "Content Security Policy" in text] == []


def test_printing_an_article_leaves_out_navigation_sharing_and_the_form_and_prints_reference_addresses(
    new_context, live_server, demo_site
):
    page = new_context().new_page()
    page.goto(live_server.url + ARTICLE)
    left_out = [
        page.locator(selector) for selector in (".site-nav", ".site-search", ".share", ".comment-form", ".related")
    ]
    for part in left_out:
        expect(part).to_be_visible()

    page.emulate_media(media="print")

    for part in left_out:
        expect(part).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".references")).to_be_visible()
    reference_link = page.locator(".references a").first
    href = reference_link.get_attribute("href")
    assert href.startswith("https://")
    assert href in computed(page, ".references a", "content", "::after")
    assert computed(page, "body", "backgroundColor") == "rgb(255, 255, 255)"

    page.emulate_media(media="screen")
    assert computed(page, ".references a", "content", "::after") == "none"


@pytest.mark.parametrize(("reduced_motion", "scrolling"), [("reduce", "auto"), ("no-preference", "smooth")])
def test_motion_follows_the_reader_preference(new_context, live_server, demo_site, reduced_motion, scrolling):
    page = new_context(reduced_motion=reduced_motion).new_page()
    page.goto(live_server.url + "/")

    assert computed(page, "html", "scrollBehavior") == scrolling
    assert (computed(page, ".card", "transitionDuration") == "0s") == (reduced_motion == "reduce")
