"""What search engines and social networks read from each page, parsed as they would."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from blog.metadata import person_name
from blog.models import AuthorProfile, Reference
from clinic.metadata import DEFAULT_LOGO_SIZE
from clinic.models import ClinicSettings
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


def graph_of(head):
    """The nodes of the page's one JSON-LD graph."""
    (document,) = head.json_ld
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def node(nodes, type_name):
    (found,) = [item for item in nodes if item["@type"] == type_name]
    return found


def references(value):
    """Every {"@id": ...} pointer anywhere in `value`."""
    if isinstance(value, dict):
        if list(value) == ["@id"]:
            return [value["@id"]]
        return [found for item in value.values() for found in references(item)]
    if isinstance(value, list):
        return [found for item in value for found in references(item)]
    return []


def assert_references_resolve(nodes):
    ids = [item["@id"] for item in nodes]
    assert len(ids) == len(set(ids))
    assert set(references(nodes)) <= set(ids)


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
    nodes = graph_of(head_of(client, article.get_absolute_url()))
    posting, crumbs = node(nodes, "BlogPosting"), node(nodes, "BreadcrumbList")
    url = f"{SITE}/blog/what-is-prolotherapy/"

    assert posting["@id"] == f"{url}#article"
    assert posting["headline"] == "What Is Prolotherapy?"
    assert posting["image"]["url"] == f"{SITE}{article.featured_image.url}"
    assert node(nodes, "Person") == {"@type": "Person", "@id": f"{url}#author", "name": "Emily Harper"}
    assert posting["author"] == {"@id": f"{url}#author"}
    assert posting["publisher"] == {"@id": f"{SITE}/#clinic"}
    assert node(nodes, "MedicalClinic")["logo"] == {
        "@type": "ImageObject", "url": f"{SITE}/static/img/logo.png", "width": 512, "height": 512
    }  # fmt: skip
    assert datetime.datetime.fromisoformat(posting["datePublished"]) == article.published_at
    assert datetime.datetime.fromisoformat(posting["dateModified"]) == article.updated_at
    assert posting["mainEntityOfPage"] == {"@id": f"{url}#webpage"}
    assert node(nodes, "WebPage")["mainEntity"] == {"@id": f"{url}#article"}
    assert node(nodes, "WebPage")["breadcrumb"] == {"@id": crumbs["@id"]}
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Regenerative Health Clinic",
        "Regenerative Medicine",
        "What Is Prolotherapy?",
    ]
    assert crumbs["itemListElement"][1]["item"] == f"{SITE}/category/regenerative-medicine/"
    assert_references_resolve(nodes)


def test_json_ld_is_one_graph_tying_the_reviewer_and_citations_to_the_article(client, article):
    author = AuthorProfile.objects.create(
        user=article.author, display_name="Dr. Emily Harper", slug="emily-harper", credentials="MD",
        job_title="Medical director",
    )  # fmt: skip
    reviewer = AuthorProfile.objects.create(
        user=UserFactory(), display_name="Dr. Michael Chen", slug="michael-chen", credentials="DO"
    )
    article.medical_reviewer, article.last_reviewed_at = reviewer, datetime.date(2026, 3, 1)
    article.save()
    Reference.objects.create(article=article, position=1, authors="Rabago D", title="Dextrose prolotherapy.")

    head = head_of(client, article.get_absolute_url())
    nodes = graph_of(head)

    assert sorted(item["@type"] for item in nodes) == [
        "BlogPosting", "BreadcrumbList", "MedicalClinic", "MedicalWebPage", "Person", "Person", "WebSite"
    ]  # fmt: skip
    assert_references_resolve(nodes)
    page, posting = node(nodes, "MedicalWebPage"), node(nodes, "BlogPosting")
    people = {item["@id"]: item for item in nodes if item["@type"] == "Person"}
    assert page["mainEntity"] == {"@id": posting["@id"]}
    assert posting["mainEntityOfPage"] == {"@id": page["@id"]}
    assert page["citation"][0]["name"] == "Dextrose prolotherapy."
    assert people[posting["author"]["@id"]] == {
        "@type": "Person",
        "@id": f"{SITE}{author.get_absolute_url()}#person",
        "name": "Emily Harper",
        "url": f"{SITE}{author.get_absolute_url()}",
        "honorificPrefix": "Dr.",
        "honorificSuffix": "MD",
        "jobTitle": "Medical director",
        "worksFor": {"@id": f"{SITE}/#clinic"},
    }
    assert people[page["reviewedBy"]["@id"]]["name"] == "Michael Chen"
    assert people[page["reviewedBy"]["@id"]]["honorificSuffix"] == "DO"
    assert node(nodes, "WebSite")["publisher"] == {"@id": node(nodes, "MedicalClinic")["@id"]}


def test_an_author_who_reviews_their_own_article_is_one_person(client, article):
    profile = AuthorProfile.objects.create(user=article.author, display_name="Dr. Emily Harper", slug="emily-harper")
    article.medical_reviewer, article.last_reviewed_at = profile, datetime.date(2026, 3, 1)
    article.save()

    nodes = graph_of(head_of(client, article.get_absolute_url()))

    assert [item["name"] for item in nodes if item["@type"] == "Person"] == ["Emily Harper"]
    assert node(nodes, "MedicalWebPage")["reviewedBy"] == node(nodes, "BlogPosting")["author"]
    assert_references_resolve(nodes)


@pytest.mark.parametrize(
    ("display_name", "credentials", "expected"),
    [
        ("Dr. Emily Harper", "MD", ("Dr.", "Emily Harper", "MD")),
        ("Prof. Dr. Anna Berg", "", ("Prof. Dr.", "Anna Berg", "")),
        ("Emily Harper, MD, PhD", "", ("", "Emily Harper", "MD, PhD")),
        ("Dr Drew", "", ("Dr", "Drew", "")),
        ("Dr.", "", ("", "Dr.", "")),
        ("Madonna", " ", ("", "Madonna", "")),
        ("", "", ("", "", "")),
    ],
)
def test_person_name_keeps_honorifics_and_credentials_apart(display_name, credentials, expected):
    assert person_name(display_name, credentials) == expected


def test_json_ld_cannot_be_broken_out_of(client, article):
    article.title = "</script><script>alert(1)</script>"
    article.save()

    html = client.get(article.get_absolute_url()).content.decode()
    head = head_of(client, article.get_absolute_url())

    assert "<script>alert(1)" not in html
    assert node(graph_of(head), "BlogPosting")["headline"] == "</script><script>alert(1)</script>"


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
    ["home", "blog:search"],
)
def test_every_listing_page_has_title_description_and_canonical(client, article, url_name):
    head = head_of(client, reverse(url_name))

    assert head.title
    assert head.one("description")
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [f"{SITE}{reverse(url_name)}"]


def test_archive_pages_have_their_own_metadata(client, article):
    category = head_of(client, article.category.get_absolute_url())
    second_home_page = head_of(client, reverse("home") + "?page=1")

    assert category.title == "Category: Regenerative Medicine — Regenerative Health Clinic"
    assert node(graph_of(category), "BreadcrumbList")["itemListElement"][-1]["name"] == "Regenerative Medicine"
    assert [item["@type"] for item in graph_of(second_home_page)] == ["WebSite", "MedicalClinic", "CollectionPage"]


def test_search_pages_are_not_indexed(client, article):
    assert head_of(client, reverse("blog:search") + "?q=knee").one("robots") == "noindex, follow"


def listing_urls(article):
    profile = AuthorProfile.objects.create(
        user=article.author, display_name="Dr. Emily Harper", slug="emily-harper", credentials="MD",
        bio="Dr. Harper leads the clinic's regenerative medicine team. " * 6,
    )  # fmt: skip
    return {
        "home": reverse("home"),
        "category": article.category.get_absolute_url(),
        "tag": article.tags.first().get_absolute_url(),
        "author": profile.get_absolute_url(),
        "year": reverse("blog:archive-year", kwargs={"year": 2026}),
        "month": reverse("blog:archive-month", kwargs={"year": 2026, "month": 3}),
        "search": reverse("blog:search") + "?q=prolotherapy",
    }


def test_every_listing_page_is_one_graph_whose_references_resolve(client, article):
    for kind, url in listing_urls(article).items():
        nodes = graph_of(head_of(client, url))

        assert_references_resolve(nodes)
        page = next(item for item in nodes if item["@id"].endswith("#webpage"))
        assert page["isPartOf"] == {"@id": f"{SITE}/#website"}, kind
        assert {"WebSite", "MedicalClinic"} <= {item["@type"] for item in nodes}, kind


def test_author_page_is_a_profile_page_about_the_person_with_one_description(client, article):
    url = listing_urls(article)["author"]

    head = head_of(client, url)
    nodes = graph_of(head)

    assert node(nodes, "ProfilePage")["mainEntity"] == {"@id": node(nodes, "Person")["@id"]}
    assert node(nodes, "Person")["name"] == "Emily Harper"
    description = head.one("description")
    assert description.startswith("Dr. Harper leads the clinic's regenerative medicine team.")
    assert len(description) <= 160
    assert head.one("og:description") == head.one("twitter:description") == description


def test_listing_pages_share_the_clinics_share_image_on_a_large_card(client, article):
    clinic = ClinicSettings.load()
    clinic.share_image = uploaded_image("share.png", size=(1200, 630))
    clinic.share_image_alt = "The clinic's waiting room"
    clinic.save()

    for kind, url in listing_urls(article).items():
        head = head_of(client, url)

        assert head.one("og:image") == f"{SITE}{clinic.share_image.url}", kind
        assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630"), kind
        assert head.one("og:image:alt") == "The clinic's waiting room", kind
        assert head.one("twitter:card") == "summary_large_image", kind
        assert head.one("twitter:image") == f"{SITE}{clinic.share_image.url}", kind
        assert head.one("twitter:image:alt") == "The clinic's waiting room", kind


def test_listing_pages_fall_back_to_the_logo_on_a_small_card(client, article):
    home = reverse("home")
    default = head_of(client, home)
    clinic = ClinicSettings.load()
    clinic.logo = uploaded_image("logo.png", size=(600, 600))
    clinic.save()

    uploaded = head_of(client, home)

    assert default.one("og:image") == f"{SITE}/static/img/logo.png"
    assert (default.one("og:image:width"), default.one("og:image:height")) == tuple(map(str, DEFAULT_LOGO_SIZE))
    assert uploaded.one("og:image") == f"{SITE}{clinic.logo.url}"
    assert (uploaded.one("og:image:width"), uploaded.one("og:image:height")) == ("600", "600")
    for head in (default, uploaded):
        assert head.one("og:image:alt") == "Logo of Regenerative Health Clinic"
        assert head.one("twitter:card") == "summary"


def test_default_logo_size_is_the_files(settings):
    from PIL import Image

    with Image.open(settings.BASE_DIR / "static" / "img" / "logo.png") as logo:
        assert logo.size == DEFAULT_LOGO_SIZE


def test_article_without_a_featured_image_shares_the_clinics_image(client, article):
    article.featured_image = ""
    article.save()

    head = head_of(client, article.get_absolute_url())

    assert head.one("og:image") == f"{SITE}/static/img/logo.png"
    assert head.one("twitter:card") == "summary"
    assert "image" not in node(graph_of(head), "BlogPosting")
