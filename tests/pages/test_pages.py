"""Pages: a tree whose addresses follow it, visible on every surface only when they and their parents are."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicSettings
from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, editor_group
from pages.models import Page, PageRedirect
from tests.factories import ArticleFactory, AuthorProfileFactory, PageFactory, UserFactory, uploaded_image
from tests.helpers import form_data

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


def page_form(**overrides):
    return {
        "title": "Prolotherapy",
        "slug": "prolotherapy",
        "parent": "",
        "order": "0",
        "body": "<p>An injection that helps <strong>ligaments</strong> heal.</p><script>alert(1)</script>",
        "featured_image_alt": "",
        "template": Page.Template.PLAIN,
        "status": Page.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        **overrides,
    }


def test_a_page_lives_at_the_address_of_its_place_in_the_tree_with_breadcrumbs(client):
    treatments = PageFactory(title="Treatments", slug="treatments")
    page = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)

    response = client.get("/treatments/prolotherapy/")

    assert page.get_absolute_url() == "/treatments/prolotherapy/"
    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav class="breadcrumbs" aria-label="Breadcrumbs">' in html
    assert '<a href="/treatments/">Treatments</a>' in html
    assert '<li aria-current="page">Prolotherapy</li>' in html
    assert '"@type": "BreadcrumbList"' in html
    assert "What the clinic wants patients to know." in html
    assert "comment" not in html.lower().split("<main", 1)[1].split("</main>", 1)[0]


def test_an_editor_creates_a_page_under_another_in_the_admin_and_its_body_is_sanitized(editor_client):
    treatments = PageFactory(title="Treatments", slug="treatments")

    response = editor_client.post(reverse("admin:pages_page_add"), page_form(parent=treatments.pk))

    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get(slug="prolotherapy")
    assert page.path == "treatments/prolotherapy" and page.published_at is not None
    assert "<script>" not in page.body and "<strong>ligaments</strong>" in page.body
    assert editor_client.get("/treatments/prolotherapy/").status_code == 200


@pytest.mark.parametrize(
    "slug", ["admin", "blog", "category", "tag", "author", "search", "feed", "static", "media", "preview", "2026"]
)
def test_a_top_level_slug_that_would_shadow_an_address_of_the_site_is_refused_next_to_the_field(editor_client, slug):
    response = editor_client.post(reverse("admin:pages_page_add"), page_form(title="Clash", slug=slug))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors and f"/{slug}/" in errors["slug"][0]
    assert 'value="Clash"' in response.content.decode()
    assert not Page.objects.exists()


def test_the_same_slug_is_allowed_below_another_page(editor_client):
    about = PageFactory(slug="about")

    response = editor_client.post(reverse("admin:pages_page_add"), page_form(slug="search", parent=about.pk))

    assert response.status_code == 302
    assert Page.objects.get(slug="search").path == "about/search"


def test_a_duplicate_address_among_siblings_is_refused_and_nothing_saved(editor_client):
    treatments = PageFactory(slug="treatments")
    PageFactory(slug="prolotherapy", parent=treatments)

    response = editor_client.post(reverse("admin:pages_page_add"), page_form(parent=treatments.pk))

    assert response.status_code == 200
    assert "Another page already has the address /treatments/prolotherapy/" in str(
        response.context["adminform"].form.errors["slug"]
    )
    assert Page.objects.count() == 2


def test_a_parent_that_would_make_a_loop_is_refused(editor_client):
    treatments = PageFactory(title="Treatments", slug="treatments")
    child = PageFactory(slug="prolotherapy", parent=treatments)
    grandchild = PageFactory(slug="knees", parent=child)
    change = reverse("admin:pages_page_change", args=[treatments.pk])
    html = editor_client.get(change).content.decode()

    for below in (treatments, grandchild):
        response = editor_client.post(change, form_data(html, "page_form", parent=below.pk))
        assert response.status_code == 200
        assert "parent" in response.context["adminform"].form.errors
    treatments.refresh_from_db()
    assert treatments.parent is None and treatments.path == "treatments"
    grandchild.parent = treatments
    treatments.parent = grandchild
    with pytest.raises(Exception, match="cannot sit under itself"):
        treatments.full_clean()


def test_renaming_or_moving_a_published_page_keeps_its_old_addresses_and_those_below_as_301s(editor_client):
    treatments = PageFactory(title="Treatments", slug="treatments")
    about = PageFactory(title="About", slug="about")
    page = PageFactory(title="Prolotherapy", slug="prolotherapy", parent=treatments)
    knees = PageFactory(title="Knees", slug="knees", parent=page)
    change = reverse("admin:pages_page_change", args=[page.pk])

    html = editor_client.get(change).content.decode()
    response = editor_client.post(change, form_data(html, "page_form", slug="prolo", parent=about.pk))

    assert response.status_code == 302
    knees.refresh_from_db()
    assert knees.path == "about/prolo/knees"
    for old, new in [
        ("/treatments/prolotherapy/", "/about/prolo/"),
        ("/treatments/prolotherapy/knees/", "/about/prolo/knees/"),
    ]:
        moved = Client().get(old + "?ref=newsletter")
        assert moved.status_code == 301 and moved["Location"] == new + "?ref=newsletter"
    assert Client().get("/about/prolo/knees/").status_code == 200


def test_renaming_a_draft_leaves_no_redirect_and_a_page_takes_its_old_address_back(client):
    draft = PageFactory(slug="first-try", draft=True)
    draft.slug = "second-try"
    draft.save()
    assert not PageRedirect.objects.exists()

    page = PageFactory(slug="old")
    page.slug = "new"
    page.save()
    assert client.get("/old/").status_code == 301
    PageFactory(slug="old")
    assert client.get("/old/").status_code == 200
    assert not PageRedirect.objects.filter(old_path="old").exists()


def test_draft_and_scheduled_pages_and_pages_under_them_are_invisible_on_every_surface(client):
    draft = PageFactory(title="Secret section", slug="secret", draft=True)
    under_draft = PageFactory(title="Inside the secret", slug="inside", parent=draft)
    scheduled = PageFactory(title="Coming soon", slug="coming", scheduled=True)
    visible = PageFactory(title="Our team", slug="team")

    for address in ("/secret/", "/secret/inside/", "/coming/"):
        assert client.get(address).status_code == 404
    sitemap = client.get(reverse("sitemap-section", kwargs={"section": "pages"})).content.decode()
    assert "/team/" in sitemap
    for hidden in (draft, under_draft, scheduled):
        assert hidden.get_absolute_url() not in sitemap
    assert list(Page.objects.published()) == [visible]


def test_a_scheduled_page_appears_when_its_time_comes(client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        PageFactory(slug="coming", published_at=timezone.now() + datetime.timedelta(hours=2))
        assert client.get("/coming/").status_code == 404
        traveller.shift(datetime.timedelta(hours=2, seconds=1))
        assert client.get("/coming/").status_code == 200


def test_an_editor_previews_a_draft_and_nobody_else_sees_it(editor_client):
    draft = PageFactory(title="Draft page", slug="draft-page", draft=True)

    preview = editor_client.get(draft.get_preview_url())

    assert preview.status_code == 200 and "This is a draft: readers cannot see it." in preview.content.decode()
    assert "noindex" in preview["X-Robots-Tag"]
    assert Client().get(draft.get_preview_url()).status_code == 404
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_re_saving_an_existing_page_with_a_featured_image_keeps_it(editor_client):
    page = PageFactory(slug="about", featured_image=uploaded_image("team.png"), featured_image_alt="Our team")
    change = reverse("admin:pages_page_change", args=[page.pk])
    html = editor_client.get(change).content.decode()

    response = editor_client.post(change, form_data(html, "page_form", title="About us"))

    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.title == "About us" and page.featured_image and page.featured_image_alt == "Our team"
    assert editor_client.get("/about/").status_code == 200


def test_the_contact_page_shows_the_clinic_and_a_map_link_and_the_team_page_its_people(client):
    clinic = ClinicSettings.load()
    clinic.street_address, clinic.city, clinic.phone = "12 Harbour Street", "Portland", "+1 555 010 0100"
    clinic.save()
    PageFactory(title="Contact", slug="contact", template=Page.Template.CONTACT)
    AuthorProfileFactory(display_name="Dr. Jane Doe", credentials="MD")
    PageFactory(title="Our team", slug="our-team", template=Page.Template.TEAM)

    contact = client.get("/contact/").content.decode()
    team = client.get("/our-team/").content.decode()

    assert "12 Harbour Street" in contact and 'href="tel:+15550100100"' in contact
    assert "https://www.openstreetmap.org/search?query=12%20Harbour%20Street" in contact
    assert '"@type": "ContactPage"' in contact and "<iframe" not in contact
    assert "Dr. Jane Doe, MD" in team


def test_pages_belong_to_editors_not_to_authors_or_contributors(client):
    editor_group()
    for role, allowed in [(EDITOR, True), (AUTHOR, False), (CONTRIBUTOR, False)]:
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        assert (client.get(reverse("admin:pages_page_changelist")).status_code == 200) is allowed


def chain(depth, prefix):
    """`depth` pages, each under the one before; the deepest is returned."""
    parent = None
    for level in range(depth):
        parent = PageFactory(slug=f"{prefix}-{level}", parent=parent)
    return parent


@pytest.mark.parametrize("depth", [1, 5])
def test_a_page_renders_in_the_same_queries_whatever_the_depth_and_the_number_of_pages(client, depth):
    small = chain(depth, "small")
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())

    for section in range(100):
        chain(5, f"section-{section}")
    large = chain(depth, "large")
    client.get(large.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        response = client.get(large.get_absolute_url())

    assert Page.objects.count() == 500 + 2 * depth
    assert response.status_code == 200
    assert len(many) == len(few) <= 4, [query["sql"] for query in many.captured_queries]


def choose_home_page(page):
    clinic = ClinicSettings.load()
    clinic.home_page = page
    clinic.save()


def test_with_a_page_as_home_page_the_site_address_shows_it_and_the_articles_move_to_blog(client):
    ArticleFactory(title="Knee pain explained")
    welcome = PageFactory(title="Welcome to the clinic", slug="welcome")
    choose_home_page(welcome)

    home = client.get(reverse("home")).content.decode()
    articles = client.get("/blog/")
    own_address = client.get("/welcome/?utm=x")

    assert "Welcome to the clinic" in home and "Knee pain explained" not in home
    assert f'<link rel="canonical" href="{SITE}/">' in home
    assert articles.status_code == 200 and "Knee pain explained" in articles.content.decode()
    assert f'<link rel="canonical" href="{SITE}/blog/">' in articles.content.decode()
    assert '<a href="/blog/">Articles</a>' in home.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert own_address.status_code == 301 and own_address["Location"] == "/?utm=x"
    PageFactory(title="Our team", slug="team", parent=welcome)
    team = client.get("/welcome/team/").content.decode()
    assert '<a href="/">Welcome to the clinic</a>' in team
    assert team.count(f'"item": "{SITE}/"') == 1  # one home crumb in the JSON-LD
    sitemap = client.get(reverse("sitemap-section", kwargs={"section": "home"})).content.decode()
    assert f"<loc>{SITE}/</loc>" in sitemap and f"<loc>{SITE}/blog/</loc>" in sitemap


def test_with_the_latest_articles_as_home_page_blog_redirects_home_and_an_unpublished_choice_changes_nothing(client):
    ArticleFactory(title="Knee pain explained")
    assert client.get("/blog/?page=2").headers["Location"] == "/?page=2"
    assert "Knee pain explained" in client.get("/").content.decode()

    choose_home_page(PageFactory(title="Not yet", slug="not-yet", draft=True))

    assert "Knee pain explained" in client.get("/").content.decode()
    assert client.get("/blog/").status_code == 301


def test_search_shows_matching_published_pages_labelled_above_the_articles(client):
    PageFactory(title="Prolotherapy", slug="prolotherapy", body="<p>Injections for ligaments.</p>")
    PageFactory(title="About", slug="about", body="<p>We also offer prolotherapy.</p>")
    PageFactory(title="Prolotherapy prices", slug="prices", draft=True)
    ArticleFactory(title="What is prolotherapy?", body="<p>prolotherapy</p>")

    html = client.get(reverse("blog:search"), {"q": "prolotherapy"}).content.decode()

    pages = html.split('aria-labelledby="search-pages-title"', 1)[1].split("</section>", 1)[0]
    assert pages.index('href="/prolotherapy/"') < pages.index('href="/about/"')  # the title match first
    assert "Prolotherapy prices" not in html
    assert '<p class="search-result__meta">Page</p>' in pages
    assert "1 article found." in html and html.index("search-pages-title") < html.index("1 article found.")
    assert "search-pages-title" not in client.get(reverse("blog:search"), {"q": "knee"}).content.decode()


def test_search_finds_pages_by_the_words_readers_read_never_by_their_markup(client):
    PageFactory(
        title="Fees",
        slug="fees",
        body='<p><strong>Prices</strong>&nbsp;&amp; insurance</p><p><a href="/contact/">Ask us</a></p>',
    )

    def pages_found(query):
        return "search-pages-title" in client.get(reverse("blog:search"), {"q": query}, follow=True).content.decode()

    assert pages_found("prices") and pages_found("insurance &") and pages_found("ask")
    assert not pages_found("strong") and not pages_found("href") and not pages_found("nbsp")
    assert not pages_found("contact")  # only in a link's address


def test_a_page_with_share_links_shows_them_named_for_a_page(client):
    PageFactory(slug="prolotherapy", show_share_links=True)
    PageFactory(slug="privacy")

    assert "Link to this page" in client.get("/prolotherapy/").content.decode()
    assert "share__fallback" not in client.get("/privacy/").content.decode()
