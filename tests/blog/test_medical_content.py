"""Trustworthy health content: medical review, review schedule, pre-publish checks, references, disclaimer, CTA."""

import datetime
import json

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, AuthorProfile, Reference
from blog.publishing import heading_problems, publish_problems
from core.editing import KEPT_SALT
from tests.factories import ArticleFactory, CategoryFactory, TagFactory, UserFactory
from tests.helpers import article_form, form_data, references_management_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return AuthorProfile.objects.create(
        user=UserFactory(), display_name="Dr. Michael Chen", slug="michael-chen", credentials="DO",
        job_title="Sports medicine physician",
    )  # fmt: skip


@pytest.fixture
def medical():
    return CategoryFactory(name="Regenerative Medicine", is_medical=True, show_disclaimer=True)


def json_ld_of(html):
    """The nodes of the page's JSON-LD graph."""
    (block,) = html.split('<script type="application/ld+json">')[1:]
    return json.loads(block.split("</script>")[0])["@graph"]


def test_page_shows_who_reviewed_it_and_when(client, reviewer):
    article = ArticleFactory(medical_reviewer=reviewer, last_reviewed_at=datetime.date(2026, 3, 1))

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Medically reviewed by" in html
    assert f'<a href="{reviewer.get_absolute_url()}">Dr. Michael Chen, DO</a>' in html
    assert '<time datetime="2026-03-01">March 1, 2026</time>' in html


def test_json_ld_is_a_medical_web_page_with_reviewer_date_and_citations(client, reviewer):
    article = ArticleFactory(medical_reviewer=reviewer, last_reviewed_at=datetime.date(2026, 3, 1))
    Reference.objects.create(
        article=article, position=1, authors="Rabago D, et al.", title="Dextrose prolotherapy for knee OA.",
        journal="Annals of Family Medicine", year=2013, doi="10.1370/afm.1504", pmid="23690322",
    )  # fmt: skip

    data = json_ld_of(client.get(article.get_absolute_url()).content.decode())
    page = next(item for item in data if item["@type"] == "MedicalWebPage")

    reviewed_by = next(item for item in data if item["@id"] == page["reviewedBy"]["@id"])
    assert (reviewed_by["honorificPrefix"], reviewed_by["name"], reviewed_by["honorificSuffix"]) == (
        "Dr.", "Michael Chen", "DO"
    )  # fmt: skip
    assert reviewed_by["url"].endswith("/author/michael-chen/")
    assert page["lastReviewed"] == "2026-03-01"
    assert page["citation"][0]["name"] == "Dextrose prolotherapy for knee OA."
    assert page["citation"][0]["url"] == "https://doi.org/10.1370/afm.1504"
    assert {"@type": "PropertyValue", "propertyID": "PMID", "value": "23690322"} in page["citation"][0]["identifier"]


def test_articles_without_review_or_references_have_no_medical_web_page(client):
    data = json_ld_of(client.get(ArticleFactory().get_absolute_url()).content.decode())

    assert "MedicalWebPage" not in [item["@type"] for item in data]


def test_next_review_defaults_to_twelve_months_after_the_last():
    assert ArticleFactory(last_reviewed_at=datetime.date(2026, 3, 1)).next_review_at == datetime.date(2027, 3, 1)
    assert ArticleFactory(last_reviewed_at=datetime.date(2024, 2, 29)).next_review_at == datetime.date(2025, 2, 28)
    kept = ArticleFactory(last_reviewed_at=datetime.date(2026, 3, 1), next_review_at=datetime.date(2026, 9, 1))
    assert kept.next_review_at == datetime.date(2026, 9, 1)


def overdue_article(**fields):
    today = timezone.localdate()
    return ArticleFactory(
        last_reviewed_at=today - datetime.timedelta(days=400),
        next_review_at=today - datetime.timedelta(days=1),
        **fields,
    )


def test_admin_filters_and_dashboard_show_overdue_reviews(editor_client):
    overdue = overdue_article(title="Overdue article")
    ArticleFactory(title="Fresh article", last_reviewed_at=timezone.localdate())

    filtered = editor_client.get(reverse("admin:blog_article_changelist"), {"review": "overdue"})
    dashboard = editor_client.get(reverse("admin:index")).content.decode()

    assert list(filtered.context["cl"].result_list) == [overdue]
    assert '<h2 id="reviews-heading">Medical reviews</h2>' in dashboard and "<h3>Overdue</h3>" in dashboard
    assert f'{reverse("admin:blog_article_change", args=[overdue.pk])}">Overdue article</a>' in dashboard
    assert "Fresh article" not in dashboard


def test_overdue_articles_drop_out_of_related_posts_until_reviewed():
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    stale = overdue_article(title="Stale", tags=[tag])
    ArticleFactory(title="Fresh", tags=[tag])

    assert [related.title for related in Article.objects.related_to(article, 3)] == ["Fresh"]

    stale.last_reviewed_at, stale.next_review_at = timezone.localdate(), None
    stale.save()
    assert "Stale" in [related.title for related in Article.objects.related_to(article, 3)]


# Pre-publish checks


def test_publishing_in_a_medical_category_is_refused_with_the_list_of_what_is_missing(editor_client, editor, medical):
    body = '<h3>Skipped a level</h3><figure class="image"><img src="/media/x.png"></figure>'
    data = article_form(editor, category=medical.pk, excerpt="", body=body, featured_image="", featured_image_alt="")

    response = editor_client.post(reverse("admin:blog_article_add"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert html.count("Not published.") == 1
    assert "cannot be published yet" not in html  # said once at the top, not before every message
    errors = response.context["adminform"].form.errors
    for field, problem in (
        ("medical_reviewer", "Name a medical reviewer."),
        ("last_reviewed_at", "Give the date of the last medical review."),
        ("excerpt", "Write an excerpt (or a meta description under SEO)."),
        ("body", "Give every image in the body alt text: 1 image(s) have none"),
        ("body", "The heading “Skipped a level” is a level 3 heading after a level 1 one"),
    ):
        assert any(message.startswith(problem) for message in errors[field]), problem
        assert f'<li><a href="#id_{field}">{problem}' in html, problem  # and in the summary, linked to the field
    references = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert references == ["Add at least one reference."]
    assert '<li><a href="#references-group">Add at least one reference.</a></li>' in html
    assert "Skipped a level" in html


def test_a_draft_in_a_medical_category_can_always_be_saved(editor_client, editor, medical):
    data = article_form(editor, category=medical.pk, status=Article.Status.DRAFT, excerpt="")

    assert editor_client.post(reverse("admin:blog_article_add"), data).status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_complete_medical_article_is_published_with_its_references(editor_client, editor, medical, reviewer, client):
    data = article_form(
        editor,
        category=medical.pk,
        medical_reviewer=reviewer.pk,
        last_reviewed_at="2026-03-01",
        body="<h2>How it works</h2><p>Collagen grows [1].</p><h3>Detail</h3><p>More [2] and [7].</p>",
        **references_management_form(total=2),
        **{
            "references-0-position": "1",
            "references-0-authors": "Rabago D, et al.",
            "references-0-title": "Dextrose prolotherapy for knee osteoarthritis.",
            "references-0-journal": "Annals of Family Medicine",
            "references-0-year": "2013",
            "references-0-doi": "https://doi.org/10.1370/afm.1504",
            "references-0-pmid": "23690322",
            "references-1-position": "2",
            "references-1-authors": "Topol GA, et al.",
            "references-1-title": "Hyperosmolar dextrose injection for Osgood-Schlatter disease.",
            "references-1-doi": "10.1542/peds.2010-1931",
        },
    )

    response = editor_client.post(reverse("admin:blog_article_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.is_published
    assert [reference.doi for reference in article.references.all()] == ["10.1370/afm.1504", "10.1542/peds.2010-1931"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="references-title">References</h2>' in html
    assert '<li id="ref-1">' in html and '<li id="ref-2">' in html
    assert '<a href="https://doi.org/10.1370/afm.1504">doi:10.1370/afm.1504</a>' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/23690322/">PubMed 23690322</a>' in html
    assert '<a class="citation" href="#ref-1" id="cite-1">[1]</a>' in html
    assert '<a class="citation" href="#ref-2" id="cite-2">[2]</a>' in html
    assert "More [2] and [7]." not in html and "and [7]." in html


def test_a_reference_needs_a_doi_pubmed_id_or_link(editor_client, editor):
    data = article_form(
        editor,
        **references_management_form(total=1),
        **{"references-0-position": "1", "references-0-authors": "Someone", "references-0-title": "Something"},
    )

    response = editor_client.post(reverse("admin:blog_article_add"), data)

    assert "Give a DOI, a PubMed ID or a link" in response.content.decode()
    assert not Article.objects.exists()


def test_non_medical_categories_publish_without_the_checks(editor_client, editor):
    data = article_form(editor, excerpt="", category=CategoryFactory(is_medical=False).pk)

    assert editor_client.post(reverse("admin:blog_article_add"), data).status_code == 302
    assert Article.objects.get().is_published


@pytest.mark.parametrize(
    ("headings", "problems"),
    [
        ([(2, "A"), (3, "B"), (4, "C"), (2, "D"), (3, "E")], 0),
        ([(3, "A")], 1),
        ([(2, "A"), (4, "B")], 1),
        ([(2, "A"), (3, "B"), (2, "C"), (4, "D")], 1),
    ],
)
def test_headings_must_not_skip_levels(headings, problems):
    assert len(heading_problems(headings)) == problems


def test_publish_problems_only_concern_published_medical_articles(medical):
    assert publish_problems(Article(status=Article.Status.DRAFT, category=medical, body=""), 0) == []
    assert publish_problems(Article(status=Article.Status.PUBLISHED, category=CategoryFactory(), body=""), 0) == []
    assert publish_problems(Article(status=Article.Status.PUBLISHED, category=medical, body=""), 0)


def test_citation_markers_inside_links_or_attributes_are_left_alone(client):
    article = ArticleFactory(body='<p><a href="https://x.example/[1]">see [1]</a> and [1].</p>')
    Reference.objects.create(article=article, position=1, authors="A", title="T", url="https://x.example")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<a href="https://x.example/[1]" rel="noopener">see [1]</a>' in html
    assert 'and <a class="citation" href="#ref-1" id="cite-1">[1]</a>.' in html


# Disclaimer and call to action


def test_disclaimer_shows_on_chosen_categories_with_editable_text(client, medical):
    from clinic.models import ClinicSettings

    ClinicSettings.objects.update(default_disclaimer="Information only, not medical advice.")
    with_disclaimer = ArticleFactory(category=medical)
    without = ArticleFactory(category=CategoryFactory(show_disclaimer=False))

    assert "Information only, not medical advice." in client.get(with_disclaimer.get_absolute_url()).content.decode()
    assert "Information only, not medical advice." not in client.get(without.get_absolute_url()).content.decode()


def test_call_to_action_uses_the_articles_text_and_link_or_the_site_default(client):
    from clinic.models import ClinicSettings

    ClinicSettings.objects.update(
        appointment_url="https://clinic.example/book", default_cta_text="Book a consultation with us"
    )
    own = ArticleFactory(cta_text="Is prolotherapy right for you? Book a consultation", cta_url="https://c.example/p")
    default = ArticleFactory()

    assert (
        '<a class="cta__link" href="https://c.example/p">Is prolotherapy right for you? Book a consultation</a>'
        in client.get(own.get_absolute_url()).content.decode()
    )
    assert (
        '<a class="cta__link" href="https://clinic.example/book">Book a consultation with us</a>'
        in client.get(default.get_absolute_url()).content.decode()
    )


def test_the_chosen_featured_image_is_kept_across_a_refused_save(editor_client, editor, medical, reviewer):
    data = article_form(editor, category=medical.pk, medical_reviewer=reviewer.pk, last_reviewed_at="2026-03-01")

    refused = editor_client.post(reverse("admin:blog_article_add"), data)

    html = refused.content.decode()
    assert "Kept from your last try: hero.png." in html
    again = form_data(html, "article_form", status="draft")
    assert editor_client.post(reverse("admin:blog_article_add"), again).status_code == 302
    article = Article.objects.get()
    assert article.featured_image.name.startswith("articles/") and article.featured_image_width == 64
    assert not default_storage.exists(signing.loads(again["_kept-featured_image"], salt=KEPT_SALT)["path"])


def test_a_forged_kept_upload_token_is_ignored(editor_client, editor):
    data = article_form(editor, featured_image="", featured_image_alt="", **{"_kept-featured_image": "forged"})

    assert editor_client.post(reverse("admin:blog_article_add"), data).status_code == 302
    assert not Article.objects.get().featured_image


@pytest.fixture
def published_medical_article(medical, reviewer):
    return ArticleFactory(
        category=medical, medical_reviewer=reviewer, last_reviewed_at=datetime.date(2026, 3, 1), excerpt="Short."
    )


def test_a_published_medical_article_without_references_can_still_be_corrected(
    editor_client, published_medical_article
):
    article = published_medical_article
    url = reverse("admin:blog_article_change", args=[article.pk])
    data = form_data(editor_client.get(url).content.decode(), "article_form", title="A corrected title", _save="Save")

    response = editor_client.post(url, data, follow=True)

    assert Article.objects.get(pk=article.pk).title == "A corrected title"
    assert "still needs: Add at least one reference." in response.content.decode()


def test_a_correction_that_brings_in_a_problem_is_refused(editor_client, published_medical_article):
    article = published_medical_article
    url = reverse("admin:blog_article_change", args=[article.pk])
    data = form_data(editor_client.get(url).content.decode(), "article_form", medical_reviewer="", _save="Save")

    response = editor_client.post(url, data)

    assert response.context["adminform"].form.errors["medical_reviewer"] == ["Name a medical reviewer."]
    assert Article.objects.get(pk=article.pk).medical_reviewer is not None


def test_restoring_a_published_revision_of_a_draft_checks_its_references(editor_client, published_medical_article):
    article = published_medical_article
    published = article.history.latest("history_date")
    article.status = Article.Status.DRAFT
    article.save()
    revert_url = reverse("admin:blog_article_simple_history", args=[article.pk, published.history_id])

    response = editor_client.post(
        revert_url, form_data(editor_client.get(revert_url).content.decode(), "historicalarticle_form")
    )

    assert response.status_code == 200
    assert "Add at least one reference." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
