"""Allowlist sanitizing of the rich text editors store, with nh3.

The allowlist is what the CKEditor 5 toolbar configured in settings can produce (headings, emphasis, links,
lists, quotes, tables, images with captions and the image styles, and the gallery of images WordPress's
`[gallery]` becomes); everything else is dropped, so pasted
markup, scripts, event handlers and `javascript:`/`data:` URLs never reach a reader. Images may only show files
from our own storage (what the editor's upload makes): an image elsewhere would be fetched from another host.
A video is kept only as the media embed stores it, `<figure class="media"><oembed url="..."></oembed></figure>`,
for an address of an allowed platform (core/video.py), in its canonical form; any other figure of that class,
its content included, and any other `oembed` go.
"""

import html
import re

import nh3
from django.utils.html import strip_tags

from .images import stored_name_from_url
from .video import parse_video_url

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    # CKEditor's subscript, superscript, strikethrough, code, code block and horizontal line (H₂O, 10⁶: a
    # medical text needs them; WordPress content has them).
    "sub",
    "sup",
    "s",
    "code",
    "pre",
    "hr",
    # The media embed's element (a video), kept only inside its figure: see _videos_kept.
    "oembed",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "oembed": {"url"},
}
ALLOWED_CLASSES = {
    "code": {"language-plaintext"},
    "figure": {
        "image",
        "gallery",
        "media",
        "table",
        "image-style-side",
        "image-style-align-left",
        "image-style-align-right",
        "image-style-align-center",
    },
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags that end a block of text: "one.</p><p>Two" reads "one. Two", where "<strong>He</strong>llo" reads "Hello".
BLOCK_BOUNDARY = re.compile(
    r"<(?:br|hr|/?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|tr|td|th|pre))\b[^>]*>"
)


# A video as the media embed stores it, once sanitized (the address canonical and HTML-escaped).
VIDEO_FIGURE = re.compile(r'<figure class="media"><oembed url="([^"<>]+)"></oembed></figure>')
_FIGURE_TAG = re.compile(r'<figure(?: class="([^"]*)")?>|</figure>')
_OEMBED_TAG = re.compile(r"</?oembed\b[^>]*>")
# Stands for a kept video while the rest is cleaned: html5ever never writes a NUL (it becomes U+FFFD).
_KEPT_VIDEO = "\x00{}\x00"


def _keep_attribute(element, attribute, value):
    if element == "img" and attribute == "src" and stored_name_from_url(value) is None:
        return None
    if element == "oembed" and attribute == "url":
        video = parse_video_url(value)
        return video.url if video else None
    return value


def _videos_kept(cleaned):
    """`cleaned` (nh3's output) with only the media embed's exact markup for an allowed video left: any other
    figure of class "media" goes with everything inside it, any other `oembed` tag goes."""
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return _KEPT_VIDEO.format(len(kept) - 1)

    cleaned = VIDEO_FIGURE.sub(keep, cleaned)
    while True:
        opened = next((tag for tag in _FIGURE_TAG.finditer(cleaned) if "media" in (tag.group(1) or "").split()), None)
        if opened is None:
            break
        depth, end = 0, len(cleaned)
        for tag in _FIGURE_TAG.finditer(cleaned, opened.start()):
            depth += -1 if tag.group(0) == "</figure>" else 1
            if depth == 0:
                end = tag.end()
                break
        cleaned = cleaned[: opened.start()] + cleaned[end:]
    cleaned = _OEMBED_TAG.sub("", cleaned)
    return re.sub(r"\x00(\d+)\x00", lambda match: kept[int(match.group(1))], cleaned)


def sanitize_html(html):
    """Return `html` reduced to the markup the article editor can produce."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        attribute_filter=_keep_attribute,
    )
    return _videos_kept(cleaned) if "oembed" in cleaned or "media" in cleaned else cleaned


def plain_text(markup):
    """The words a reader reads in stored rich text: no tags, entities as the characters they stand for
    (`&amp;` is "&", `&nbsp;` a space), blocks apart, white space collapsed. Text, not HTML: escape it to show it."""
    return " ".join(html.unescape(strip_tags(BLOCK_BOUNDARY.sub(" ", markup))).split())
