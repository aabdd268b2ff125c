import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Article, Comment
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory
from tests.helpers import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:blog_article_add")


def test_editor_creates_and_publishes_an_article_through_the_admin(editor_client, editor, client):
    response = editor_client.post(ADD_URL, article_form(editor))

    assert response.status_code == 302
    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.is_published
    assert article.author == editor
    assert [tag.name for tag in article.tags.all()] == ["Joint Pain"]
    assert article.featured_image.name.startswith("articles/")
    assert "<script" not in article.body

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Prolotherapy is <strong>regenerative</strong>." in page
    assert '<source type="image/webp" srcset="/media/renditions/' in page


def test_editor_saves_a_draft_that_readers_cannot_see(editor_client, editor, client):
    editor_client.post(ADD_URL, article_form(editor, status=Article.Status.DRAFT))

    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_featured_image_without_alt_text_is_refused_next_to_the_field(editor_client, editor):
    response = editor_client.post(ADD_URL, article_form(editor, featured_image_alt=""))

    assert response.status_code == 200
    assert not Article.objects.exists()
    assert response.context["adminform"].form.errors["featured_image_alt"] == [
        "Describe the featured image for readers who cannot see it."
    ]
    assert 'value="What Is Prolotherapy?"' in response.content.decode()


def test_fake_featured_image_is_refused(editor_client, editor):
    fake = SimpleUploadedFile("hero.jpg", b"not an image", content_type="image/jpeg")

    response = editor_client.post(ADD_URL, article_form(editor, featured_image=fake))

    assert response.status_code == 200
    assert "featured_image" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_duplicate_slug_is_refused_with_a_message(editor_client, editor):
    ArticleFactory(slug="what-is-prolotherapy")

    response = editor_client.post(ADD_URL, article_form(editor))

    assert "Article with this Slug already exists." in response.context["adminform"].form.errors["slug"]


def test_add_form_uses_ckeditor_and_prepopulates_the_slug(editor_client, editor):
    html = editor_client.get(ADD_URL).content.decode()

    assert "django_ckeditor_5/dist/bundle.js" in html
    assert 'class="django_ckeditor_5"' in html
    assert reverse("core:editor-image-upload") in html
    assert 'data-prepopulated-fields="[{&quot;id&quot;: &quot;#id_slug&quot;' in html
    assert f'<option value="{editor.pk}" selected>' in html


def test_changelist_shows_columns_and_status_including_scheduled(editor_client):
    ArticleFactory(title="Live article", category=CategoryFactory(name="Regenerative Medicine"))
    ArticleFactory(title="Future article", scheduled=True)
    ArticleFactory(title="Draft article", draft=True)

    html = editor_client.get(reverse("admin:blog_article_changelist")).content.decode()

    for column in (
        "column-title",
        "column-status_label",
        "column-published_at",
        "column-category",
        "column-author_name",
    ):
        assert column in html
    assert "Scheduled" in html
    assert "Draft" in html
    assert "Regenerative Medicine" in html


def test_changelist_search_finds_by_title(editor_client):
    ArticleFactory(title="What Is Prolotherapy?")
    ArticleFactory(title="Skincare in spring")

    response = editor_client.get(reverse("admin:blog_article_changelist"), {"q": "prolotherapy"})

    assert [article.title for article in response.context["cl"].result_list] == ["What Is Prolotherapy?"]


def test_change_form_has_view_on_site(editor_client, article):
    html = editor_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()

    assert "View on site" in html


def test_article_form_is_grouped_with_help_for_every_field_an_editor_fills(editor_client, article):
    response = editor_client.get(reverse("admin:blog_article_change", args=[article.pk]))
    adminform = response.context["adminform"]
    form = adminform.form

    assert [name for name, _ in adminform.fieldsets] == ["Content", "Media", "Publishing", "SEO", "Medical review"]
    editable = [name for _, options in adminform.fieldsets for name in options["fields"] if name in form.fields]
    assert len(editable) > 15
    assert [name for name in editable if not form.fields[name].help_text] == []
    assert "Who signs it, when readers see it" in response.content.decode()


def test_every_admin_page_shows_the_clinic_comments_to_moderate_and_a_link_to_the_site(editor_client, article):
    CommentFactory.create_batch(2, article=article, status=Comment.Status.PENDING)

    for url in (reverse("admin:index"), reverse("admin:blog_article_change", args=[article.pk])):
        html = editor_client.get(url).content.decode()
        assert "Regenerative Health Clinic — editing" in html
        assert '?status__exact=pending">2 comments to moderate</a>' in html
        assert '<a href="/">View site</a>' in html


def test_tag_autocomplete_answers_for_the_article_form(editor_client):
    TagFactory(name="Joint Pain")
    TagFactory(name="Skincare")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "joint", "app_label": "blog", "model_name": "article", "field_name": "tags"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Joint Pain"]


def test_non_staff_cannot_reach_the_admin(client, article):
    response = client.get(reverse("admin:blog_article_change", args=[article.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
