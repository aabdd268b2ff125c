"""Review before publishing: a writer submits, an editor requests changes or publishes, the reviewer reads."""

import datetime

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from blog.models import Article
from clinic.roles import AUTHOR, CONTRIBUTOR
from tests.factories import ArticleFactory, AuthorProfileFactory, CategoryFactory
from tests.helpers import form_data, role_member, run_tasks

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:blog_article_change", args=[article.pk])


def press(client, article, button, **changes):
    """Send the article's form as its page shows it, with `changes`, by the submit button named `button`."""
    html = client.get(change_url(article)).content.decode()
    # The request's transaction commits, as outside tests: the emails are queued once the article is saved.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(change_url(article), {**form_data(html, "article_form", **changes), button: "1"})


@pytest.fixture
def writer():
    return role_member(CONTRIBUTOR, email="writer@example.com")


@pytest.fixture
def reviewer():
    """A clinician (an Author) named as the medical reviewer of the writer's article."""
    user, client = role_member(AUTHOR, email="dr.reviewer@example.com")
    AuthorProfileFactory(user=user, display_name="Dr. Reviewer")
    return user, client


@pytest.fixture
def draft(writer, reviewer):
    return ArticleFactory(author=writer[0], draft=True, title="PRP for knees", medical_reviewer=reviewer[0].profile)


def test_a_contributor_submits_a_draft_and_the_editors_and_the_medical_reviewer_are_told(
    writer, reviewer, draft, editor, mailoutbox
):
    editor.email = "editor@example.com"
    editor.save()
    _user, client = writer
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_submit_for_review"' in page and 'name="_request_changes"' not in page

    response = press(client, draft, "_submit_for_review")
    run_tasks()

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Article.Status.REVIEW and draft.submitted_at is not None
    assert sorted(mailoutbox[0].to) == ["dr.reviewer@example.com", "editor@example.com"]
    assert mailoutbox[0].subject.endswith("“PRP for knees” is waiting for review")
    assert draft.get_preview_url() in mailoutbox[0].body
    assert "is waiting for review; the editors are told." in client.get(change_url(draft)).content.decode()


def test_an_editor_requests_changes_with_a_note_the_writer_sees_and_fixes(writer, draft, editor, mailoutbox):
    user, client = writer
    press(client, draft, "_submit_for_review")
    editor_client = Client()
    editor_client.force_login(editor)
    assert 'name="_request_changes"' in editor_client.get(change_url(draft)).content.decode()

    refused = press(editor_client, draft, "_request_changes", review_note="  ")
    assert "Say what needs changing, so that the writer knows what to do." in refused.content.decode()
    assert Article.objects.get(pk=draft.pk).status == Article.Status.REVIEW

    press(editor_client, draft, "_request_changes", review_note="Cite the 2023 trial.\nShorten the intro.")
    run_tasks()

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    to_writer = [email for email in mailoutbox if email.to == ["writer@example.com"]]
    assert "Cite the 2023 trial." in to_writer[0].body
    page = client.get(change_url(draft)).content.decode()
    assert "<strong>Changes requested:</strong> Cite the 2023 trial.<br>Shorten the intro." in page

    press(client, draft, "_submit_for_review", body="<p>Now with the 2023 trial.</p>")

    draft.refresh_from_db()
    assert (draft.status, draft.review_note) == (Article.Status.REVIEW, "")
    assert "<strong>Changes requested:</strong>" not in client.get(change_url(draft)).content.decode()


def test_a_writer_can_neither_request_changes_nor_write_the_note(writer, draft):
    _user, client = writer
    press(client, draft, "_submit_for_review")

    press(client, draft, "_request_changes", review_note="I approve myself")

    draft.refresh_from_db()
    assert (draft.status, draft.review_note) == (Article.Status.REVIEW, "")


def test_publishing_a_medical_article_records_who_approved_it(editor, reviewer):
    medical = ArticleFactory(
        draft=True,
        category=CategoryFactory(is_medical=True),
        medical_reviewer=reviewer[0].profile,
        last_reviewed_at=datetime.date(2026, 12, 1),
    )
    plain = ArticleFactory(draft=True)
    client = Client()
    client.force_login(editor)

    for article in (medical, plain):
        html = client.get(change_url(article)).content.decode()
        data = form_data(html, "article_form", status="published", published_at_0="2026-12-01", published_at_1="9:00")
        data.update(
            {
                "references-TOTAL_FORMS": "1",
                "references-0-title": "A trial",
                "references-0-pmid": "123456",
                "references-0-position": "1",
                "references-0-authors": "Rabago D",
            }
        )
        client.post(change_url(article), data)

    medical.refresh_from_db()
    plain.refresh_from_db()
    assert medical.status == Article.Status.PUBLISHED and medical.approved_by == editor
    assert plain.status == Article.Status.PUBLISHED and plain.approved_by is None
    assert "Approved for publication by" in client.get(change_url(medical)).content.decode()


def test_the_medical_reviewer_reads_what_waits_for_them_and_nothing_else(writer, reviewer, draft):
    user, client = reviewer
    assert client.get(change_url(draft)).status_code == 302  # a draft is still the writer's own
    press(writer[1], draft, "_submit_for_review")
    other = ArticleFactory(draft=True, title="Someone else's draft")

    listing = client.get(reverse("admin:blog_article_changelist")).content.decode()
    page = client.get(change_url(draft)).content.decode()
    dashboard = client.get(reverse("admin:index")).content.decode()

    assert "PRP for knees" in listing and other.title not in listing
    assert "medical reviewer: read it below or in Preview" in page and 'name="_request_changes"' not in page
    assert client.get(reverse("blog:article-preview", args=[draft.pk])).status_code == 200
    assert "PRP for knees" in dashboard.split('id="review-queue-heading"')[1].split("</section>")[0]
    press(client, draft, "_save", title="Taken over")
    assert Article.objects.get(pk=draft.pk).title == "PRP for knees"


def test_an_article_waiting_for_review_is_on_no_public_page(client, draft):
    draft.status = Article.Status.REVIEW
    draft.published_at = None
    draft.save()

    assert not Article.objects.published().filter(pk=draft.pk).exists()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_history_shows_the_review_state(writer, draft, editor):
    press(writer[1], draft, "_submit_for_review")
    client = Client()
    client.force_login(editor)

    history = client.get(reverse("admin:blog_article_history", args=[draft.pk])).content.decode()

    assert "<td>Waiting for review</td>" in history and "<td>Draft</td>" in history
    assert "&rarr;&nbsp;&nbsp;Waiting for review" in history
