import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, AuthorProfile
from clinic.roles import AUTHOR, CONTRIBUTOR
from tests.factories import ArticleFactory, TagFactory, UserFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(article):
    tag = TagFactory(name="Joint Pain", slug="joint-pain")
    article.tags.add(tag)
    AuthorProfile.objects.create(user=article.author, display_name="Dr. A", slug="dr-a")
    ArticleFactory(title="Neighbour", tags=[tag], category=article.category)
    return ArticleFactory(
        title="Scheduled knee article",
        slug="scheduled-knee-article",
        tags=[tag],
        category=article.category,
        author=article.author,
        body="<p>knee</p>",
        published_at=timezone.now() + datetime.timedelta(hours=2),
    )


def public_pages(article):
    published_at = timezone.localtime(article.published_at)
    return [
        article.get_absolute_url(),
        reverse("home"),
        article.category.get_absolute_url(),
        reverse("blog:tag-detail", kwargs={"slug": "joint-pain"}),
        reverse("blog:author-detail", kwargs={"slug": "dr-a"}),
        reverse("blog:archive-month", kwargs={"year": published_at.year, "month": published_at.month}),
        reverse("blog:feed-rss"),
        reverse("blog:feed-atom"),
        reverse("sitemap-section", kwargs={"section": "articles"}),
        reverse("blog:search") + "?q=knee",
        reverse("blog:article-detail", kwargs={"slug": "what-is-prolotherapy"}),  # related posts
    ]


def test_a_scheduled_article_is_invisible_everywhere_until_its_time(client, scheduled):
    for url in public_pages(scheduled):
        response = client.get(url)
        assert "Scheduled knee article" not in response.content.decode(), url
        assert "scheduled-knee-article" not in response.content.decode(), url


def test_a_scheduled_article_appears_when_its_time_comes_with_no_job_to_run(client, scheduled, monkeypatch):
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    for url in public_pages(scheduled):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "scheduled-knee-article" in response.content.decode(), url


def test_admin_list_shows_scheduled_with_its_time(editor_client):
    ArticleFactory(published_at=datetime.datetime(2031, 5, 4, 9, 30, tzinfo=datetime.timezone.utc))

    html = editor_client.get(reverse("admin:blog_article_changelist")).content.decode()

    assert "Scheduled for May 4, 2031, 9:30 a.m." in html


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_editor_previews_an_unpublished_article_as_readers_will_see_it(editor_client, state):
    article = ArticleFactory(title="Not yet public", body="<p>Preview <strong>body</strong></p>", **state)

    response = editor_client.get(article.get_preview_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not published." in html
    assert '<h1 class="article__title">Not yet public</h1>' in html
    assert "Preview <strong>body</strong>" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_anyone_but_staff_gets_404_for_the_preview_address(client, editor):
    article = ArticleFactory(draft=True, title="Secret draft")
    reader = UserFactory()

    assert client.get(article.get_preview_url()).status_code == 404
    client.force_login(reader)
    assert client.get(article.get_preview_url()).status_code == 404


def test_another_staff_member_is_told_whose_preview_it_is(client, editor):
    article = ArticleFactory(draft=True, title="Secret draft", author=editor)
    other_author = UserFactory(is_staff=True, first_name="Wei", last_name="Chen")
    other_author.groups.add(Group.objects.get(name=AUTHOR))
    client.force_login(other_author)

    response = client.get(article.get_preview_url())

    assert response.status_code == 403
    html = response.content.decode()
    assert "Secret draft" not in html
    assert "is for its author" in html and "and the editors" in html
    assert "You are logged in as Wei Chen, with the role Author" in html
    assert "log in to the admin first" not in html


@pytest.mark.parametrize("role", [AUTHOR, CONTRIBUTOR])
def test_authors_and_contributors_preview_their_own_drafts(client, role):
    writer = UserFactory(is_staff=True)
    writer.groups.add(Group.objects.get(name=role))
    client.force_login(writer)

    assert client.get(ArticleFactory(draft=True, author=writer).get_preview_url()).status_code == 200


def test_preview_cannot_receive_comments(editor_client):
    article = ArticleFactory(draft=True)

    assert editor_client.post(article.get_preview_url(), {"body": "x"}).status_code == 405


def view_on_site_of(editor_client, article):
    """The change form's "View on site" address (none if the form has no such link) and the whole form."""
    html = editor_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    found = re.search(r'<a href="([^"]*)" class="viewsitelink">View on site</a>', html)
    return (found[1] if found else None), html


@pytest.mark.parametrize(
    ("state", "banner"),
    [("draft", "This is a draft: readers cannot see it."), ("scheduled", "Scheduled for")],
)
def test_for_an_unpublished_article_preview_and_view_on_site_lead_to_its_preview(editor_client, state, banner):
    article = ArticleFactory(title="Knee braces, unpublished", **{state: True})

    address, html = view_on_site_of(editor_client, article)

    assert f'href="{article.get_preview_url()}" target="_blank" rel="noopener">Preview</a>' in html
    assert address == article.get_preview_url()
    shown = editor_client.get(address)
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Preview — not published." in page and banner in page
    assert "Knee braces, unpublished" in page


def test_for_a_published_article_view_on_site_leads_to_its_public_address(editor_client, article):
    address, html = view_on_site_of(editor_client, article)

    assert ">Preview</a>" not in html
    assert address == article.get_absolute_url()
    shown = editor_client.get(address)
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "What Is Prolotherapy?" in page and "Preview — not published." not in page


def test_preview_changes_shows_the_unsaved_form_of_a_published_article_and_saves_nothing(editor_client, client):
    article = ArticleFactory(title="What Is Prolotherapy?", body="<p>The published words.</p>")
    change_url = reverse("admin:blog_article_change", args=[article.pk])
    form = form_data(editor_client.get(change_url).content.decode(), "article_form")
    assert 'value="Preview changes"' in editor_client.get(change_url).content.decode()
    versions = article.history.count()

    response = editor_client.post(
        reverse("admin:blog_article_preview_changes", args=[article.pk]),
        {**form, "title": "What Is Prolotherapy? A Guide", "body": "<p>The corrected words.</p>", "_preview": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview of your unsaved changes." in page
    assert "What Is Prolotherapy? A Guide" in page and "The corrected words." in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    article.refresh_from_db()
    assert article.title == "What Is Prolotherapy?" and article.history.count() == versions
    assert "The published words." in client.get(article.get_absolute_url()).content.decode()


def test_preview_changes_of_a_new_article_stores_no_article(editor_client, editor):
    form = form_data(editor_client.get(reverse("admin:blog_article_add")).content.decode(), "article_form")
    form.update(title="A new draft", slug="a-new-draft", body="<p>Draft words.</p>", author=str(editor.pk))

    response = editor_client.post(reverse("admin:blog_article_preview_add"), form)

    assert "Draft words." in response.content.decode()
    assert not Article.objects.filter(slug="a-new-draft").exists()


def test_preview_changes_of_an_invalid_form_shows_the_form_with_its_errors(editor_client, article):
    change_url = reverse("admin:blog_article_change", args=[article.pk])
    form = form_data(editor_client.get(change_url).content.decode(), "article_form", title="")

    response = editor_client.post(reverse("admin:blog_article_preview_changes", args=[article.pk]), form)

    assert response.context["adminform"].form.errors["title"]
