"""The clinic's brand colour: refused when white text on it cannot be read, and every shade derived from it reads."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from clinic.theme import (
    DARK_BACKGROUND,
    DARK_SURFACE,
    DEFAULT_BRAND_COLOR,
    LIGHT_BACKGROUNDS,
    contrast,
    theme_css,
    theme_properties,
    validate_brand_color,
)

hex_colors = st.integers(0, 0xFFFFFF).map(lambda value: f"#{value:06x}")


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("value", ["#ffcc00", "#7fbfbf", "teal", "#0b616", "#0b6163; }", ""])
def test_colours_white_text_cannot_be_read_on_or_that_are_not_colours_are_refused(value):
    with pytest.raises(ValidationError):
        validate_brand_color(value)


@given(hex_colors.filter(lambda color: contrast(color, "#ffffff") >= 4.5))
def test_every_accepted_brand_colour_gives_readable_links_in_light_and_dark_mode(brand):
    validate_brand_color(brand)
    themes = theme_properties(brand)
    light, dark = themes["light"], themes["dark"]

    assert contrast(light["brand"], "#ffffff") >= 4.5
    light_backgrounds = (*LIGHT_BACKGROUNDS, light["accent"])
    dark_backgrounds = (DARK_BACKGROUND, DARK_SURFACE, dark["accent"])
    assert min(contrast(light["link"], background) for background in light_backgrounds) >= 4.5
    assert min(contrast(dark["link"], background) for background in dark_backgrounds) >= 4.5


def test_the_css_holds_nothing_but_the_computed_colours():
    assert theme_css("#0B6163").startswith(":root{--color-brand:#0b6163;")
    assert "</style>" not in theme_css("</style><script>")
    assert theme_css("</style><script>") == theme_css("#0b6163")


def test_site_css_defaults_are_what_the_theme_computes_and_its_backgrounds_are_the_ones_checked():
    """site.css carries the default colours for pages rendered without the theme (500, 503); they must not drift."""
    with open(finders.find("css/site.css")) as file:
        light_css, dark_css = file.read().split("@media (prefers-color-scheme: dark)", 1)

    def properties(css):
        return dict(re.findall(r"--color-([a-z-]+): (#[0-9a-f]{6});", css))

    light, dark = properties(light_css), properties(dark_css.split("}", 1)[0])
    computed = theme_properties(DEFAULT_BRAND_COLOR)

    assert {name: light[name] for name in computed["light"]} == computed["light"]
    assert {name: dark.get(name, light[name]) for name in computed["dark"]} == computed["dark"]
    assert (light["bg"], light["surface"]) == LIGHT_BACKGROUNDS
    assert (dark["bg"], dark["surface"]) == (DARK_BACKGROUND, DARK_SURFACE)
