"""Feeds, sitemap and robots.txt: well-formed XML with exactly the published articles."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

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


def test_sitemap_lists_home_published_articles_with_lastmod_categories_and_tags(client, articles):
    sitemap = xml_of(client, reverse("sitemap"), "application/xml")

    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in sitemap}
    assert set(entries) == {
        f"{SITE}/",
        f"{SITE}/blog/prolotherapy/",
        f"{SITE}/blog/spring-skincare/",
        f"{SITE}/category/regenerative-medicine/",
        f"{SITE}/category/skin/",
        f"{SITE}/tag/joint-pain/",
    }
    assert entries[f"{SITE}/blog/prolotherapy/"] == articles[0].updated_at.date().isoformat()


def test_sitemap_leaves_out_categories_with_only_drafts(client, articles):
    CategoryFactory(slug="only-drafts")
    ArticleFactory(category=CategoryFactory(slug="draft-category"), draft=True)

    body = client.get(reverse("sitemap")).content.decode()

    assert "only-drafts" not in body
    assert "draft-category" not in body


def test_robots_txt_points_at_the_sitemap(client, articles):
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
