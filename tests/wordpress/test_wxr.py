"""Reading WordPress exports (wordpress/wxr.py) over the official importer's own test files in ../shared/wxr/, as
they are: each is read, or refused with a reason and a line, never a crash; hostile XML is refused unread."""

import datetime
import io
from pathlib import Path

import pytest

from wordpress.wxr import Author, Item, Site, Term, WXRError, read_wxr

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "wxr"
# Files the parser must refuse, with what the person is told.
REFUSED = {
    "crazy-cdata.xml": ("not well-formed XML", 18),  # a CDATA section nested in another: not XML at all
    "malformed-simple.xml": ("not well-formed XML", 14),
    "malformed.xml": ("no RSS channel", None),
    "missing-version-tag.xml": ("no WXR version", None),
    "invalid-version-tag.xml": ("Unknown WXR version “abc”", None),
}
UTC = datetime.timezone.utc


def every_export():
    return sorted(path.name for path in SHARED.glob("*.xml"))


def read(name):
    return list(read_wxr(SHARED / name))


def of(kind, found):
    return [thing for thing in found if isinstance(thing, kind)]


def wxr(body, version="1.2"):
    return io.BytesIO(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/{version}/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Clinic</title><wp:wxr_version>{version}</wp:wxr_version>{body}</channel></rss>""".encode()
    )


def test_the_shared_exports_are_all_here():
    assert len(every_export()) >= 37, f"../shared/wxr/ is missing or incomplete at {SHARED}"


@pytest.mark.parametrize("name", every_export())
def test_every_export_is_read_or_refused_with_its_reason(name):
    if name in REFUSED:
        reason, line = REFUSED[name]
        with pytest.raises(WXRError) as refused:
            read(name)
        assert reason in refused.value.reason
        assert refused.value.line == line
        return
    found = read(name)
    assert isinstance(found[0], Site) and found[0].wxr_version in {"1.0", "1.1", "1.2"}
    assert len(found) > 1
    assert all(isinstance(thing, (Author, Term, Item)) for thing in found[1:])


def test_a_whole_site_reads_with_its_authors_terms_posts_pages_and_comments():
    found = read("small-export.xml")
    site, authors, terms, items = found[0], of(Author, found), of(Term, found), of(Item, found)
    by_id = {item.id: item for item in items}

    assert (site.title, site.base_site_url, site.wxr_version) == ("trunk", "http://localhost/", "1.1")
    assert authors[1] == Author(
        id=2, login="editor", email="editor@example.org", display_name="editor", first_name="FirstName",
        last_name="LastName",
    )  # fmt: skip
    assert {(term.taxonomy, term.slug) for term in terms} >= {("category", "alpha"), ("post_tag", "tag1")}
    hello = by_id[1]
    assert (hello.post_type, hello.status, hello.slug) == ("post", "publish", "hello-world")
    assert hello.title == "Hello world!"
    assert hello.date_gmt == datetime.datetime(2011, 1, 18, 7, 40, 14, tzinfo=UTC)
    assert hello.terms == [("category", "uncategorized", "Uncategorized")]
    assert hello.comments[0].author and hello.comments[0].approved == "1"
    assert by_id[4].parent == 6 and by_id[4].post_type == "page"  # a child page before its parent
    assert by_id[9].status == "draft" and by_id[9].date_gmt is None  # "0000-00-00 00:00:00"
    assert by_id[13].terms[:2] == [("post_tag", "tag1", "Tag1"), ("post_tag", "tag2", "Tag2")]


def test_every_utf_8_trap_comes_through_unchanged():
    item = of(Item, read("wxr-utf-8-challenges.xml"))[0]

    assert item.title == '"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost \u202a🌲\u202c'
    assert "c𝕠uldn't 𝔱𝔯𝔞𝔳𝔢𝔩" in item.content and "\u200c\u200b\u200d" in item.content
    assert item.meta["_utf8_test"] == ["🚀 Test with 𝔻𝕠𝕦𝕓𝕝𝕖 𝔖𝔱𝔯𝔲𝔠𝔨: ℍ𝔢𝔩𝔩𝔬 \u202eolleH\u202c 𝖂𝖔𝖗𝖫𝖉! "]


def test_only_wordpress_s_own_namespaces_count():
    found = read("namespace-edge-cases.xml")

    assert [author.login for author in of(Author, found)] == ["real_user", "version_conflict"]
    mixed = of(Item, found)[0]
    assert mixed.meta == {"normal_key": ["normal_value"]}  # the postmeta that redefined wp: is not WordPress's


def test_serialized_meta_is_kept_as_wordpress_stored_it():
    item = of(Item, read("test-serialized-postmeta-with-cdata.xml"))[0]

    assert any(value.startswith(("a:", "s:", "O:")) for values in item.meta.values() for value in values)


@pytest.mark.parametrize(
    "hostile",
    [
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
    ids=["entity expansion", "external entity", "external DTD"],
)
def test_hostile_xml_is_refused_before_anything_is_read(hostile):
    body = wxr("<item><title>&b;</title><wp:post_id>1</wp:post_id></item>").getvalue().decode()
    head, _, rest = body.partition("\n")
    with pytest.raises(WXRError) as refused:
        list(read_wxr(io.BytesIO(f"{head}\n{hostile}\n{rest}".encode())))

    assert "document type or entities" in refused.value.reason


def test_items_are_read_one_at_a_time_as_the_file_streams_in():
    """The first post is yielded before the parser meets the broken end of the file: nothing waits for the whole."""
    broken = wxr("<item><title>First</title><wp:post_id>1</wp:post_id></item><item><title>Sec").getvalue()
    reader = read_wxr(io.BytesIO(broken[: broken.rindex(b"</channel>")]))

    assert isinstance(next(reader), Site)
    assert next(reader).title == "First"
    with pytest.raises(WXRError, match="not well-formed"):
        next(reader)


def test_anything_but_an_rss_channel_is_not_an_export():
    with pytest.raises(WXRError, match="no RSS channel"):
        list(read_wxr(io.BytesIO(b"<html><body>Not an export</body></html>")))
