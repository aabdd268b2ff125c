"""The clinic's brand colour turned into the CSS custom properties of the site, light and dark.

Editors choose one colour in the clinic settings. Everything the stylesheet paints with it is worked out here
so that every pairing keeps WCAG AA contrast: links are darkened (light mode) or lightened (dark mode) until
they read on every background they sit on, whatever colour was chosen.
"""

import functools
import hashlib
import math
import re
from base64 import b64encode

from django.core.exceptions import ValidationError

DEFAULT_BRAND_COLOR = "#0b6163"
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE, BLACK = "#ffffff", "#000000"
TEXT_CONTRAST = 4.5
# The page backgrounds of site.css that links and tinted boxes sit on; the dark ones follow prefers-color-scheme.
LIGHT_BACKGROUNDS = ("#ffffff", "#f6f9f9")
DARK_BACKGROUND, DARK_SURFACE = "#0f1717", "#172222"


def _channels(color):
    return [int(color[i : i + 2], 16) for i in (1, 3, 5)]


def relative_luminance(color):
    """WCAG 2.2's relative luminance of a #rrggbb colour."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in _channels(color)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(color, other, share):
    """`color` with `share` (0–1) of `other` mixed in."""
    mixed = (round(a + (b - a) * share) for a, b in zip(_channels(color), _channels(other), strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def readable_on(color, backgrounds, toward):
    """The least change of `color` toward `toward` (black or white) that reads as text on all `backgrounds`."""
    for step in range(21):
        candidate = mix(color, toward, step / 20)
        if min(contrast(candidate, background) for background in backgrounds) >= TEXT_CONTRAST:
            return candidate
    return toward


def validate_brand_color(value):
    if not HEX_COLOR.match(value or ""):
        raise ValidationError("Write the colour as # followed by six hexadecimal digits, for example #0b6163.")
    ratio = contrast(value, WHITE)
    if ratio < TEXT_CONTRAST:
        raise ValidationError(
            # Rounded down: 4.48 is not 4.5, and "only 4.5:1, asks for 4.5:1" would make no sense.
            f"White text on this colour has a contrast of only {math.floor(ratio * 10) / 10:.1f}:1; WCAG AA asks "
            "for 4.5:1. "
            "Choose a darker shade: the header, buttons and badges put white text on it."
        )


def theme_properties(brand_color):
    """{"light": {...}, "dark": {...}}: the custom properties site.css paints with, from one brand colour."""
    brand = brand_color.lower() if HEX_COLOR.match(brand_color or "") else DEFAULT_BRAND_COLOR
    light_accent = mix(brand, WHITE, 0.9)
    dark_accent = mix(DARK_BACKGROUND, brand, 0.3)
    return {
        "light": {
            "brand": brand,
            "brand-strong": mix(brand, BLACK, 0.25),
            "link": readable_on(brand, (*LIGHT_BACKGROUNDS, light_accent), BLACK),
            "accent": light_accent,
            "accent-border": mix(brand, WHITE, 0.7),
        },
        "dark": {
            "brand": brand,
            "brand-strong": mix(brand, BLACK, 0.25),
            "link": readable_on(mix(brand, WHITE, 0.45), (DARK_BACKGROUND, DARK_SURFACE, dark_accent), WHITE),
            "accent": dark_accent,
            "accent-border": mix(DARK_BACKGROUND, brand, 0.6),
        },
    }


@functools.lru_cache(maxsize=16)
def theme_css(brand_color):
    """The <style> content that follows site.css: its colours, computed from the brand colour.

    Kept per colour: every page renders it, and working the shades out costs about 70 µs.
    """
    themes = theme_properties(brand_color)

    def declarations(properties):
        return "".join(f"--color-{name}:{value};" for name, value in properties.items())

    return (
        f":root{{{declarations(themes['light'])}}}"
        f"@media (prefers-color-scheme:dark){{:root{{{declarations(themes['dark'])}}}}}"
    )


@functools.lru_cache(maxsize=16)
def csp_hash(source):
    """The Content-Security-Policy source expression that allows exactly this inline style."""
    return "'sha256-" + b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"
