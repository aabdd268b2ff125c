import pytest
from django.urls import reverse

from blog.models import Article, ArticleRedirect
from core.reading import changed_words
from tests.factories import ArticleFactory
from tests.helpers import article_form, references_management_form

pytestmark = pytest.mark.django_db


def edit_through_admin(client, editor, article, **changes):
    data = article_form(
        editor,
        title=article.title,
        slug=article.slug,
        excerpt=article.excerpt,
        body=article.body,
        featured_image="",
        featured_image_alt="",
        category=article.category_id or "",
        tags=[tag.pk for tag in article.tags.all()],
        status=article.status,
        published_at_0=article.published_at.strftime("%Y-%m-%d") if article.published_at else "",
        published_at_1=article.published_at.strftime("%H:%M:%S") if article.published_at else "",
        **references_management_form(),
    )
    data.update(changes)
    response = client.post(reverse("admin:blog_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return Article.objects.get(pk=article.pk)


def test_every_save_keeps_a_revision_with_who_and_when(editor_client, editor):
    article = ArticleFactory(title="First title", author=editor)

    edit_through_admin(editor_client, editor, article, title="Second title")
    edit_through_admin(editor_client, editor, article, title="Third title")

    history = list(article.history.order_by("history_date"))
    assert [record.title for record in history] == ["First title", "Second title", "Third title"]
    assert history[-1].history_user == editor
    assert history[-1].history_date is not None


def test_history_page_shows_what_changed_between_revisions(editor_client, editor):
    article = ArticleFactory(author=editor, title="Old title", body="<p>Prolotherapy helps tendons heal.</p>")
    edit_through_admin(
        editor_client, editor, article, title="New title", body="<p>Prolotherapy helps ligaments heal.</p>"
    )

    html = editor_client.get(reverse("admin:blog_article_history", args=[article.pk])).content.decode()

    assert "Old title" in html and "New title" in html
    assert "tendons" in html and "ligaments" in html
    assert "&lt;p&gt;" not in html


def test_changed_words_lists_only_what_differs():
    removed, added = changed_words("<p>one two three four</p>", "<p>one 2 three four five</p>")

    assert (removed, added) == ("two", "2 … five")


def test_restoring_an_old_revision_from_the_admin_changes_the_public_page(editor_client, editor, client):
    article = ArticleFactory(author=editor, title="Original title", body="<p>Original words.</p>")
    edit_through_admin(editor_client, editor, article, title="Rewritten title", body="<p>New words.</p>")
    original = article.history.order_by("history_date").first()

    form_url = reverse("admin:blog_article_simple_history", args=[article.pk, original.history_id])
    assert "Revert" in editor_client.get(form_url).content.decode()
    edit_data = article_form(
        editor,
        title="Original title",
        slug=article.slug,
        excerpt=article.excerpt,
        body="<p>Original words.</p>",
        featured_image_alt="",
        category=article.category_id,
        tags=[],
        status="published",
        published_at_0=article.published_at.strftime("%Y-%m-%d"),
        published_at_1=article.published_at.strftime("%H:%M:%S"),
    )
    edit_data.pop("featured_image")
    response = editor_client.post(form_url, edit_data)

    assert response.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Original title" in page
    assert "Original words." in page
    assert "Rewritten title" not in page


def test_renaming_a_published_article_redirects_the_old_address(client):
    article = ArticleFactory(slug="old-name")

    article.slug = "new-name"
    article.save()

    response = client.get(reverse("blog:article-detail", kwargs={"slug": "old-name"}))
    assert response.status_code == 301
    assert response["Location"] == "/blog/new-name/"


def test_a_chain_of_renames_redirects_every_old_address_to_the_current_one(client):
    article = ArticleFactory(slug="first")
    for slug in ("second", "third", "fourth"):
        article.slug = slug
        article.save()

    for old in ("first", "second", "third"):
        response = client.get(reverse("blog:article-detail", kwargs={"slug": old}))
        assert (response.status_code, response["Location"]) == (301, "/blog/fourth/")
        legacy = client.get(f"/{old}/")
        assert (legacy.status_code, legacy["Location"]) == (301, "/blog/fourth/")


def test_renaming_back_to_an_old_address_takes_it_back(client):
    article = ArticleFactory(slug="original")
    article.slug = "renamed"
    article.save()
    article.slug = "original"
    article.save()

    assert client.get("/blog/original/").status_code == 200
    assert client.get("/blog/renamed/")["Location"] == "/blog/original/"
    assert not ArticleRedirect.objects.filter(old_slug="original").exists()


def test_a_new_article_at_an_old_address_wins_over_the_redirect(client):
    article = ArticleFactory(slug="shared-name")
    article.slug = "moved"
    article.save()

    ArticleFactory(slug="shared-name", title="The new one")

    assert "The new one" in client.get("/blog/shared-name/").content.decode()


def test_renaming_a_draft_leaves_no_redirect():
    article = ArticleFactory(slug="draft-one", draft=True)
    article.slug = "draft-two"
    article.save()

    assert not ArticleRedirect.objects.exists()


def test_redirect_to_an_unpublished_article_is_404(client):
    article = ArticleFactory(slug="was-public")
    article.slug = "now-draft"
    article.save()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    assert client.get("/blog/was-public/").status_code == 404
