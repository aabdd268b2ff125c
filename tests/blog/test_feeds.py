"""Feeds, the sitemap index and its pages, robots.txt: well-formed XML with exactly the published articles."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.sitemaps import ArticleSitemap
from clinic.sitemaps import SITEMAPS
from core.pagecache import renew
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

SITE = "https://clinic.example"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def articles(settings):
    settings.SITE_URL = SITE
    medicine = CategoryFactory(name="Regenerative Medicine", slug="regenerative-medicine")
    skin = CategoryFactory(name="Skin", slug="skin")
    tag = TagFactory(name="Joint Pain", slug="joint-pain")
    published = [
        ArticleFactory(title="Prolotherapy", slug="prolotherapy", category=medicine, tags=[tag]),
        ArticleFactory(title="Spring skincare", slug="spring-skincare", category=skin),
    ]
    ArticleFactory(title="Draft article", slug="draft-article", category=medicine, draft=True)
    ArticleFactory(title="Scheduled article", slug="scheduled-article", category=medicine, scheduled=True)
    CommentFactory(article=published[0], email="secret.commenter@example.com")
    return published


def xml_of(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert "secret.commenter@example.com" not in body
    return ET.fromstring(response.content)


def test_rss_feed_lists_exactly_the_published_articles(client, articles):
    rss = xml_of(client, reverse("blog:feed-rss"), "application/rss+xml")

    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("./channel/item")
    assert sorted(item.findtext("title") for item in items) == ["Prolotherapy", "Spring skincare"]
    links = {item.findtext("link") for item in items}
    assert links == {f"{SITE}/blog/prolotherapy/", f"{SITE}/blog/spring-skincare/"}
    assert all(item.findtext("pubDate") for item in items)
    assert rss.findtext("./channel/link") == f"{SITE}/"


def test_atom_feed_lists_exactly_the_published_articles(client, articles):
    atom = xml_of(client, reverse("blog:feed-atom"), "application/atom+xml")

    entries = atom.findall(f"{ATOM}entry")
    assert sorted(entry.findtext(f"{ATOM}title") for entry in entries) == ["Prolotherapy", "Spring skincare"]
    assert all(entry.findtext(f"{ATOM}updated") for entry in entries)
    self_link = [link.get("href") for link in atom.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == [f"{SITE}/feed/atom/"]


@pytest.mark.parametrize(("name", "content_type"), [("rss", "application/rss+xml"), ("atom", "application/atom+xml")])
def test_category_feeds_list_only_that_categorys_published_articles(client, articles, name, content_type):
    feed = xml_of(client, reverse(f"blog:category-feed-{name}", kwargs={"slug": "regenerative-medicine"}), content_type)

    titles = [element.text for element in feed.iter() if element.tag in ("title", f"{ATOM}title")]
    assert "Prolotherapy" in titles
    assert "Spring skincare" not in titles
    assert "Draft article" not in titles
    assert "Scheduled article" not in titles
    assert "Regenerative Medicine — Regenerative Health Clinic" in titles


def test_unknown_category_feed_is_404(client, articles):
    assert client.get(reverse("blog:category-feed-rss", kwargs={"slug": "nope"})).status_code == 404


def sitemap_pages(client):
    """The index's entries (address → lastmod), and every page it lists, parsed."""
    index = xml_of(client, reverse("sitemap"), "application/xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    listed = {entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod") for entry in index}
    pages = {loc: xml_of(client, loc.removeprefix(SITE), "application/xml") for loc in listed}
    return listed, pages


def sitemap_entries(client):
    _listed, pages = sitemap_pages(client)
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for page in pages.values() for url in page}


def test_sitemap_is_an_index_of_every_section_each_with_lastmod(client, articles):
    listed, pages = sitemap_pages(client)

    names = ("home", "pages", "articles", "categories", "tags")
    assert set(listed) == {f"{SITE}/sitemap-{name}.xml" for name in names}
    # Each section as recent as its latest published change: the draft and the scheduled article, changed
    # last, do not count; the one tag is on the first article only.
    latest = max(article.updated_at for article in articles).isoformat()
    assert [listed[f"{SITE}/sitemap-{name}.xml"] for name in ("home", "articles", "categories")] == [latest] * 3
    assert listed[f"{SITE}/sitemap-tags.xml"] == articles[0].updated_at.isoformat()
    assert all(page.tag == f"{SITEMAP}urlset" for page in pages.values())


def test_sitemap_lists_home_published_articles_with_lastmod_categories_and_tags(client, articles):
    entries = sitemap_entries(client)

    assert set(entries) == {
        f"{SITE}/",
        f"{SITE}/blog/prolotherapy/",
        f"{SITE}/blog/spring-skincare/",
        f"{SITE}/category/regenerative-medicine/",
        f"{SITE}/category/skin/",
        f"{SITE}/tag/joint-pain/",
    }
    assert entries[f"{SITE}/blog/prolotherapy/"] == articles[0].updated_at.date().isoformat()
    # An archive is as recent as the latest change among its published articles; drafts do not count.
    assert entries[f"{SITE}/category/regenerative-medicine/"] == articles[0].updated_at.date().isoformat()
    assert all(entries.values())


def test_sitemap_leaves_out_categories_with_only_drafts(client, articles):
    CategoryFactory(slug="only-drafts")
    ArticleFactory(category=CategoryFactory(slug="draft-category"), draft=True)

    entries = sitemap_entries(client)

    assert not [loc for loc in entries if "only-drafts" in loc or "draft-category" in loc]
    assert not [loc for loc in entries if "draft-article" in loc or "scheduled-article" in loc]


def test_every_sitemap_page_holds_at_most_5000_addresses(client, articles):
    assert {section.limit for section in SITEMAPS.values()} == {5000}


def test_a_section_one_past_its_limit_has_two_pages(client, articles, monkeypatch):
    """As 5,001 articles make two pages of 5,000 and 1: the limit is lowered rather than 5,001 articles made."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ArticleFactory(slug="third-published")
    listed, pages = sitemap_pages(client)
    first, second = (f"{SITE}/sitemap-articles.xml", f"{SITE}/sitemap-articles.xml?p=2")

    assert {first, second} <= set(listed)
    assert listed[first] == listed[second]
    assert [len(pages[first]), len(pages[second])] == [2, 1]
    locations = {url.findtext(f"{SITEMAP}loc") for loc in (first, second) for url in pages[loc]}
    assert locations == {f"{SITE}/blog/{slug}/" for slug in ("prolotherapy", "spring-skincare", "third-published")}
    assert client.get(reverse("sitemap-section", kwargs={"section": "articles"}) + "?p=3").status_code == 404
    assert client.get(reverse("sitemap-section", kwargs={"section": "nothing"})).status_code == 404


def test_sitemap_pages_ask_the_same_queries_however_many_addresses_they_hold(client, articles, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 30)
    page = reverse("sitemap-section", kwargs={"section": "articles"})
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as index_queries:
            client.get(reverse("sitemap"))
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(page)
        counts.append((len(index_queries), len(page_queries), response.content.count(b"<url>")))
        renew()  # nothing stored from the first round
        ArticleFactory.create_batch(25, category=CategoryFactory(), tags=[TagFactory()])

    (index_few, page_few, shown_few), (index_many, page_many, shown_many) = counts
    assert (shown_few, shown_many) == (2, 27)
    assert (index_many, page_many) == (index_few, page_few)


def test_robots_txt_points_at_the_sitemap_index(client, articles):
    response = client.get(reverse("robots-txt"))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert reverse("robots-txt") == "/robots.txt"
    assert reverse("sitemap") == "/sitemap.xml"


def test_robots_txt_keeps_crawlers_out_of_previews(client, articles):
    lines = client.get(reverse("robots-txt")).content.decode().splitlines()

    assert "Disallow: /preview/" in lines
    assert reverse("blog:article-preview", kwargs={"pk": articles[0].pk}).startswith("/preview/")
    assert "Disallow: /search/" in lines
