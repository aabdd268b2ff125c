"""Reading a WordPress export ("Tools → Export → All content", WXR 1.0-1.2) into plain data, as a stream.

`read_wxr(file)` yields, in the file's order, one `Site` (the channel's own fields, before anything else), then
`Author`, `Term` and `Item` objects (posts, pages, attachments, menu items... with their meta and comments). It
knows nothing of this site's models: the importer maps what it reads.

- The file is parsed by defusedxml's iterparse: a DTD, entity declarations or external references (XML bombs,
  files read from the server) are refused, and each item is dropped from memory once yielded, so memory stays
  flat however long the export.
- Only WordPress's own namespaces count (`http(s)://wordpress.org/export/1.x/` and its excerpt namespace, RSS's
  content and Dublin Core): an element that redefines the `wp:` prefix to another namespace is ignored.
- A file that is not XML, not an RSS channel, or has no WXR version WordPress wrote, raises `WXRError` with the
  reason and, where the parser knows it, the line.
- Meta values are kept as WordPress stored them (PHP-serialized ones included); dates "0000-00-00 00:00:00"
  (drafts never scheduled) become None.
"""

import datetime
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WXR_VERSIONS = {"1.0", "1.1", "1.2"}
_WP = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
_EXCERPT = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"


class WXRError(Exception):
    """The file cannot be read as a WordPress export: `reason`, and the `line` where the parser stopped if known."""

    def __init__(self, reason, line=None):
        self.reason, self.line = reason, line
        super().__init__(f"{reason} (line {line})" if line else reason)


@dataclass
class Site:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


@dataclass
class Author:
    id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category, a tag or another taxonomy's term (nav menus are terms of "nav_menu")."""

    taxonomy: str
    slug: str
    name: str = ""
    id: int | None = None
    parent: str = ""  # the parent's slug
    description: str = ""
    meta: dict = field(default_factory=dict)


@dataclass
class Comment:
    id: int | None
    content: str = ""
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime.datetime | None = None  # the site's local time, naive
    date_gmt: datetime.datetime | None = None  # aware, UTC
    approved: str = ""  # "1", "0", "spam", "trash"
    type: str = ""  # "" (a comment), "comment", "pingback", "trackback"
    parent: int | None = None
    user_id: int | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Item:
    id: int | None
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""  # the author's login
    content: str = ""
    excerpt: str = ""
    date: datetime.datetime | None = None  # the site's local time, naive
    date_gmt: datetime.datetime | None = None  # aware, UTC
    status: str = ""
    slug: str = ""
    parent: int | None = None
    menu_order: int = 0
    comment_status: str = ""
    sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    terms: list = field(default_factory=list)  # (taxonomy, slug, name)
    meta: dict = field(default_factory=dict)  # key -> [values], in the file's order
    comments: list = field(default_factory=list)


def read_wxr(file):
    """Yield the Site, then the Authors, Terms and Items of the WXR `file` (a path or a binary file object)."""
    site, site_given, channel, depth = Site(), False, None, 0
    try:
        for event, element in iterparse(file, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if (depth, element.tag) not in ((1, "rss"), (2, "channel")) and depth < 3:
                    raise WXRError("This is not a WordPress export: it has no RSS channel.")
                channel = element if depth == 2 else channel
                continue
            depth -= 1
            if depth != 2:  # only the channel's own children are read here; each reader takes its element's
                continue
            name = "item" if element.tag == "item" else _wp_name(element.tag)
            if element.tag in ("title", "link", "description", "language"):
                setattr(site, element.tag, _text(element))
            elif name in ("wxr_version", "base_site_url", "base_blog_url"):
                setattr(site, name, _text(element).strip())
            elif name in _READERS:
                if not site_given:
                    _check_version(site)
                    site_given = True
                    yield site
                yield _READERS[name](element)
            channel.remove(element)  # what was read leaves memory, and what was not read too
    except ElementTree.ParseError as error:
        raise WXRError(f"The file is not well-formed XML: {_reason(error)}", error.position[0]) from error
    except DefusedXmlException as error:
        raise WXRError(
            "The file declares a document type or entities, which a WordPress export never does: refused "
            f"({type(error).__name__})."
        ) from error
    if channel is None:
        raise WXRError("This is not a WordPress export: it has no RSS channel.")
    if not site_given:
        _check_version(site)
        yield site


def _check_version(site):
    if not site.wxr_version:
        raise WXRError("This is not a WordPress export: it has no WXR version (wp:wxr_version).")
    if site.wxr_version not in WXR_VERSIONS:
        raise WXRError(f"Unknown WXR version “{site.wxr_version}”: WordPress writes 1.0, 1.1 or 1.2.")


def _reason(error):
    return re.sub(r": line \d+, column \d+$", "", str(error))


def _wp_name(tag):
    """The local name of a tag in WordPress's export namespace, else None."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return local if _WP.match(namespace) else None


def _fields(element):
    """{local name: element} of the element's children in WordPress's namespaces, RSS's own, content and dc."""
    found = {}
    for child in element:
        tag = child.tag
        if not tag.startswith("{"):
            found.setdefault(tag, child)
            continue
        namespace, _, local = tag[1:].partition("}")
        if _WP.match(namespace):
            found.setdefault(local, child)
        elif _EXCERPT.match(namespace):
            found.setdefault("excerpt:" + local, child)
        elif namespace == _CONTENT:
            found.setdefault("content:" + local, child)
        elif namespace == _DC:
            found.setdefault("dc:" + local, child)
    return found


def _text(element):
    return "".join(element.itertext()) if element is not None else ""


def _value(fields, name):
    return _text(fields.get(name)).strip()


def _number(fields, name):
    value = _value(fields, name)
    return int(value) if value.isdigit() else None


def _date(value, *, utc):
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc) if utc else moment


def _meta(element, tag):
    """{key: [values]} of the element's `tag` children (postmeta, commentmeta, termmeta) in WordPress's namespace."""
    meta = {}
    for child in element:
        if _wp_name(child.tag) != tag:
            continue
        fields = _fields(child)
        key = _value(fields, "meta_key")
        if key:
            meta.setdefault(key, []).append(_text(fields.get("meta_value")))
    return meta


def _author(element):
    fields = _fields(element)
    return Author(
        id=_number(fields, "author_id"),
        login=_value(fields, "author_login"),
        email=_value(fields, "author_email"),
        display_name=_value(fields, "author_display_name"),
        first_name=_value(fields, "author_first_name"),
        last_name=_value(fields, "author_last_name"),
    )


# What each kind of term calls its fields: (taxonomy, or None when the term names it; slug, name, parent, description).
_TERM_FIELDS = {
    "category": ("category", "category_nicename", "cat_name", "category_parent", "category_description"),
    "tag": ("post_tag", "tag_slug", "tag_name", None, "tag_description"),
    "term": (None, "term_slug", "term_name", "term_parent", "term_description"),
}


def _term(element, kind):
    taxonomy, slug, name, parent, description = _TERM_FIELDS[kind]
    fields = _fields(element)
    return Term(
        taxonomy=taxonomy or _value(fields, "term_taxonomy"),
        id=_number(fields, "term_id"),
        slug=_value(fields, slug),
        name=_value(fields, name),
        parent=_value(fields, parent) if parent else "",
        description=_value(fields, description),
        meta=_meta(element, "termmeta"),
    )


def _comment(element):
    fields = _fields(element)
    parent = _number(fields, "comment_parent")
    user = _number(fields, "comment_user_id")
    return Comment(
        id=_number(fields, "comment_id"),
        content=_text(fields.get("comment_content")),
        author=_value(fields, "comment_author"),
        email=_value(fields, "comment_author_email"),
        url=_value(fields, "comment_author_url"),
        ip=_value(fields, "comment_author_IP"),
        date=_date(_value(fields, "comment_date"), utc=False),
        date_gmt=_date(_value(fields, "comment_date_gmt"), utc=True),
        approved=_value(fields, "comment_approved"),
        type=_value(fields, "comment_type"),
        parent=parent or None,
        user_id=user or None,
        meta=_meta(element, "commentmeta"),
    )


def _item(element):
    fields = _fields(element)
    return Item(
        id=_number(fields, "post_id"),
        post_type=_value(fields, "post_type"),
        title=_value(fields, "title"),
        link=_value(fields, "link"),
        guid=_value(fields, "guid"),
        creator=_value(fields, "dc:creator"),
        content=_text(fields.get("content:encoded")),
        excerpt=_text(fields.get("excerpt:encoded")),
        date=_date(_value(fields, "post_date"), utc=False),
        date_gmt=_date(_value(fields, "post_date_gmt"), utc=True),
        status=_value(fields, "status"),
        slug=_value(fields, "post_name"),
        parent=_number(fields, "post_parent") or None,
        menu_order=_number(fields, "menu_order") or 0,
        comment_status=_value(fields, "comment_status"),
        sticky=_value(fields, "is_sticky") == "1",
        password=_value(fields, "post_password"),
        attachment_url=_value(fields, "attachment_url"),
        terms=[
            (child.get("domain", ""), child.get("nicename", ""), _text(child).strip())
            for child in element
            if child.tag == "category"
        ],
        meta=_meta(element, "postmeta"),
        comments=[_comment(child) for child in element if _wp_name(child.tag) == "comment"],
    )


_READERS = {
    "author": _author,
    "category": lambda element: _term(element, "category"),
    "tag": lambda element: _term(element, "tag"),
    "term": lambda element: _term(element, "term"),
    "item": _item,
}
