"""What search engines and social networks read from each page, parsed as they would."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CategoryFactory, TagFactory, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db

SITE = "https://clinic.example"


class HeadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = "", [], [], []
        self._in_title = self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_title = self._in_json_ld = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def property(self, name):
        return [meta["content"] for meta in self.meta if meta.get("property") == name or meta.get("name") == name]

    def one(self, name):
        (value,) = self.property(name)
        return value


def head_of(client, url):
    parser = HeadParser()
    parser.feed(client.get(url).content.decode())
    return parser


@pytest.fixture
def article(settings):
    settings.SITE_URL = SITE
    author = UserFactory(first_name="Emily", last_name="Harper")
    return ArticleFactory(
        title="What Is Prolotherapy?",
        slug="what-is-prolotherapy",
        author=author,
        excerpt="An injection treatment that helps the body heal chronic joint pain.",
        category=CategoryFactory(name="Regenerative Medicine", slug="regenerative-medicine"),
        tags=[TagFactory(name="Joint Pain"), TagFactory(name="Injections")],
        featured_image=uploaded_image(size=(1200, 630)),
        featured_image_alt="A physician preparing an injection",
        published_at=datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.timezone.utc),
    )


def test_article_title_description_and_canonical(client, article):
    head = head_of(client, article.get_absolute_url())

    assert head.title == "What Is Prolotherapy? — Regenerative Health Clinic"
    assert head.one("description") == "An injection treatment that helps the body heal chronic joint pain."
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [f"{SITE}/blog/what-is-prolotherapy/"]


def test_seo_fields_override_title_and_description(client, article):
    article.seo_title = "Prolotherapy: how it works and who it helps"
    article.seo_description = "A physician explains prolotherapy."
    article.save()

    head = head_of(client, article.get_absolute_url())

    assert head.title == "Prolotherapy: how it works and who it helps"
    assert head.one("description") == "A physician explains prolotherapy."
    assert head.one("og:title") == "Prolotherapy: how it works and who it helps"


def test_default_description_is_cut_at_a_word_within_160_characters(client, article):
    article.excerpt = "Healing " * 40
    article.save()

    description = head_of(client, article.get_absolute_url()).one("description")

    assert len(description) <= 161
    assert description.endswith("Healing…")


def test_opengraph_and_twitter_tags_are_complete_and_absolute(client, article):
    head = head_of(client, article.get_absolute_url())

    assert head.one("og:type") == "article"
    assert head.one("og:title") == "What Is Prolotherapy?"
    assert head.one("og:url") == f"{SITE}/blog/what-is-prolotherapy/"
    assert head.one("og:image") == f"{SITE}{article.featured_image.url}"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("og:image:alt") == "A physician preparing an injection"
    assert head.one("article:published_time") == "2026-03-18T09:00:00+00:00"
    assert head.one("article:modified_time") == article.updated_at.isoformat()
    assert head.one("article:section") == "Regenerative Medicine"
    assert sorted(head.property("article:tag")) == ["Injections", "Joint Pain"]
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == f"{SITE}{article.featured_image.url}"
    for name in ("og:url", "og:image", "twitter:image"):
        assert head.one(name).startswith("https://")


def test_json_ld_blog_posting_and_breadcrumbs(client, article):
    posting, crumbs = head_of(client, article.get_absolute_url()).json_ld

    assert posting["@context"] == "https://schema.org"
    assert posting["@type"] == "BlogPosting"
    assert posting["headline"] == "What Is Prolotherapy?"
    assert posting["image"]["url"] == f"{SITE}{article.featured_image.url}"
    assert posting["author"] == {"@type": "Person", "name": "Emily Harper"}
    assert posting["publisher"]["@type"] == "MedicalClinic"
    assert posting["publisher"]["logo"]["url"] == f"{SITE}/static/img/logo.png"
    assert datetime.datetime.fromisoformat(posting["datePublished"]) == article.published_at
    assert datetime.datetime.fromisoformat(posting["dateModified"]) == article.updated_at
    assert posting["mainEntityOfPage"]["@id"] == f"{SITE}/blog/what-is-prolotherapy/"
    assert crumbs["@type"] == "BreadcrumbList"
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Regenerative Health Clinic",
        "Regenerative Medicine",
        "What Is Prolotherapy?",
    ]
    assert crumbs["itemListElement"][1]["item"] == f"{SITE}/category/regenerative-medicine/"


def test_json_ld_cannot_be_broken_out_of(client, article):
    article.title = "</script><script>alert(1)</script>"
    article.save()

    html = client.get(article.get_absolute_url()).content.decode()
    head = head_of(client, article.get_absolute_url())

    assert "<script>alert(1)" not in html
    assert head.json_ld[0]["headline"] == "</script><script>alert(1)</script>"


def test_feeds_are_advertised(client, article):
    head = head_of(client, article.get_absolute_url())

    alternates = {(link["type"], link["href"]) for link in head.links if link.get("rel") == "alternate"}
    assert ("application/rss+xml", f"{SITE}/feed/") in alternates
    assert ("application/atom+xml", f"{SITE}/feed/atom/") in alternates
    assert ("application/rss+xml", f"{SITE}/category/regenerative-medicine/feed/") in alternates


def test_canonical_comes_from_the_request_without_site_url(client, settings):
    settings.SITE_URL = ""
    article = ArticleFactory(slug="plain")

    head = head_of(client, article.get_absolute_url())

    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == ["http://testserver/blog/plain/"]


@pytest.mark.parametrize(
    "url_name",
    ["blog:article-list", "blog:search"],
)
def test_every_listing_page_has_title_description_and_canonical(client, article, url_name):
    head = head_of(client, reverse(url_name))

    assert head.title
    assert head.one("description")
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [f"{SITE}{reverse(url_name)}"]


def test_archive_pages_have_their_own_metadata(client, article):
    category = head_of(client, article.category.get_absolute_url())
    second_home_page = head_of(client, reverse("blog:article-list") + "?page=1")

    assert category.title == "Category: Regenerative Medicine — Regenerative Health Clinic"
    assert category.json_ld[0]["@type"] == "BreadcrumbList"
    assert [item["@type"] for item in second_home_page.json_ld] == ["MedicalClinic", "WebSite"]


def test_search_pages_are_not_indexed(client, article):
    assert head_of(client, reverse("blog:search") + "?q=knee").one("robots") == "noindex, follow"
