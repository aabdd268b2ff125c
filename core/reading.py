"""Text as a reader reads it, out of the HTML an editor writes: for comparing two versions of a body."""

from collections import Counter
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import mark_safe

BREAK = "\n"

# Tags that start a new line for a reader (CKEditor 5's blocks, lists, tables, figures and line breaks).
BLOCK_TAGS = {
    "address", "blockquote", "br", "div", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip

# What an editor calls the formatting a tag gives.
FORMATTING_NAMES = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline", "s": "strikethrough",
    "a": "link", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "ul": "bulleted list", "ol": "numbered list", "blockquote": "quote", "table": "table", "img": "image",
    "figure": "figure", "figcaption": "caption", "code": "code", "sup": "superscript", "sub": "subscript",
    "oembed": "video",
}  # fmt: skip


class _Reading(HTMLParser):
    """Walk HTML once, collecting the text a reader reads (with block breaks) and the markup around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.markup = [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.text.append(BREAK)
        if tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.text.append(f" [image: {alt}] " if alt else " [image] ")
        self.markup.append(("<", tag, tuple(sorted((name, " ".join((value or "").split())) for name, value in attrs))))

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.text.append(BREAK)
        self.markup.append((">", tag))

    def handle_data(self, data):
        self.text.append(data)
        words = " ".join(data.split())
        if words:
            self.markup.append(("text", words))


def _read(html):
    reading = _Reading()
    reading.feed(html or "")
    reading.close()
    return reading


def reader_text(html):
    """The text of `html` as a reader reads it: a line per block, entities decoded, spaces collapsed."""
    lines = (" ".join(line.split()) for line in "".join(_read(html).text).split(BREAK))
    return BREAK.join(line for line in lines if line)


def _tokens(text):
    """Words, with a line break token between blocks, so words of two paragraphs never run together."""
    tokens = []
    for line in text.split(BREAK):
        if tokens:
            tokens.append(BREAK)
        tokens.extend(line.split())
    return tokens


def _run(tokens):
    return " ".join(tokens).replace(f" {BREAK} ", BREAK).strip(f" {BREAK}")


def changed_words(old_html, new_html):
    """The words removed from and added to a text between two versions, each run separated by " … "."""
    old_tokens, new_tokens = _tokens(reader_text(old_html)), _tokens(reader_text(new_html))
    removed, added = [], []
    for operation, i1, i2, j1, j2 in SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False).get_opcodes():
        if operation in ("replace", "delete") and _run(old_tokens[i1:i2]):
            removed.append(_run(old_tokens[i1:i2]))
        if operation in ("replace", "insert") and _run(new_tokens[j1:j2]):
            added.append(_run(new_tokens[j1:j2]))
    return " … ".join(removed), " … ".join(added)


def formatting_changes(old_html, new_html):
    """What formatting was added or removed, e.g. ["bold added", "link removed"], ignoring spaces and entities."""
    old_tags, new_tags = (
        Counter(FORMATTING_NAMES.get(item[1], item[1]) for item in _read(html).markup if item[0] == "<")
        for html in (old_html, new_html)
    )
    added = sorted((new_tags - old_tags).keys())
    removed = sorted((old_tags - new_tags).keys())
    return [f"{name} added" for name in added] + [f"{name} removed" for name in removed]


def same_markup(old_html, new_html):
    """Whether two bodies differ only in spaces, line breaks between tags or how characters are written."""
    return _read(old_html).markup == _read(new_html).markup


def _marked(tokens, mark=None):
    html = escape(" ".join(tokens)).replace(f" {BREAK} ", "<br>").replace(BREAK, "<br>")
    return f"<{mark}>{html}</{mark}>" if mark and html else html


def side_by_side(old_html, new_html):
    """Two versions' text as readers read it, the removed words marked on the old side (<del>) and the added on the
    new (<ins>), a line per block: (old, new) as safe HTML."""
    old_tokens, new_tokens = _tokens(reader_text(old_html)), _tokens(reader_text(new_html))
    old_side, new_side = [], []
    for operation, i1, i2, j1, j2 in SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False).get_opcodes():
        mark = None if operation == "equal" else True
        old_side.append(_marked(old_tokens[i1:i2], mark and "del"))
        new_side.append(_marked(new_tokens[j1:j2], mark and "ins"))
    return tuple(mark_safe(" ".join(part for part in side if part)) for side in (old_side, new_side))  # noqa: S308
