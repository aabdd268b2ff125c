"""Allowlist sanitizing of the rich text editors store, with nh3.

The allowlist is what the CKEditor 5 toolbar configured in settings can produce (headings, emphasis, links,
lists, quotes, tables, images with captions and the image styles, and the gallery of images WordPress's
`[gallery]` becomes); everything else is dropped, so pasted
markup, scripts, event handlers and `javascript:`/`data:` URLs never reach a reader. Images may only show files
from our own storage (what the editor's upload makes): an image elsewhere would be fetched from another host.
"""

import html
import re

import nh3
from django.utils.html import strip_tags

from .images import stored_name_from_url

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
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}
ALLOWED_CLASSES = {
    "code": {"language-plaintext"},
    "figure": {
        "image",
        "gallery",
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


def _keep_attribute(element, attribute, value):
    if element == "img" and attribute == "src" and stored_name_from_url(value) is None:
        return None
    return value


def sanitize_html(html):
    """Return `html` reduced to the markup the article editor can produce."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        attribute_filter=_keep_attribute,
    )


def plain_text(markup):
    """The words a reader reads in stored rich text: no tags, entities as the characters they stand for
    (`&amp;` is "&", `&nbsp;` a space), blocks apart, white space collapsed. Text, not HTML: escape it to show it."""
    return " ".join(html.unescape(strip_tags(BLOCK_BOUNDARY.sub(" ", markup))).split())
