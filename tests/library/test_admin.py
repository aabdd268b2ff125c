"""The library in the admin: uploads, texts, where an image is used, deleting; taking a featured image from it."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.urls import reverse

from blog.models import Article
from clinic.roles import AUTHOR
from library.models import MediaItem
from tests.factories import ArticleFactory, MediaItemFactory, PageFactory, UserFactory, uploaded_image
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def article_form(client, article, **changes):
    url = reverse("admin:blog_article_change", args=[article.pk])
    return url, form_data(client.get(url).content.decode(), "article_form", **changes)


def test_an_upload_in_the_library_is_the_uploaders_without_its_metadata(editor_client, editor):
    response = editor_client.post(
        reverse("admin:library_mediaitem_add"),
        {"file": uploaded_image("Knee-Brace_2026.png"), "alt_text": "A knee brace", "caption": "", "credit": ""},
    )

    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert item.uploaded_by == editor and item.title == "Knee Brace 2026"
    assert item.file.name.startswith("library/") and default_storage.exists(item.file.name)


def test_a_library_image_becomes_the_featured_image_with_its_alt_text(editor_client):
    item = MediaItemFactory(alt_text="A physician examining a knee")
    article = ArticleFactory()
    url, data = article_form(editor_client, article, featured_from_library=str(item.pk), featured_image_alt="")

    assert editor_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert article.featured_image.name == item.file.name
    assert article.featured_image_alt == "A physician examining a knee"
    assert MediaItem.objects.count() == 1
    # Saved again unchanged: the same image, nothing new in the library.
    url, data = article_form(editor_client, article)
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.featured_image.name == item.file.name and MediaItem.objects.count() == 1


def test_the_alt_text_typed_beside_a_library_image_wins(editor_client):
    item = MediaItemFactory(alt_text="A physician examining a knee")
    article = ArticleFactory()
    url, data = article_form(
        editor_client, article, featured_from_library=str(item.pk), featured_image_alt="Dr. Lee at work"
    )

    assert editor_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert article.featured_image_alt == "Dr. Lee at work"
    item.refresh_from_db()
    assert item.alt_text == "A physician examining a knee"


def test_a_library_image_without_alt_text_asks_for_one_next_to_the_field(editor_client):
    item = MediaItemFactory(alt_text="")
    article = ArticleFactory(title="Unchanged title")
    url, data = article_form(editor_client, article, featured_from_library=str(item.pk), title="Typed title")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Describe the featured image" in str(response.context["adminform"].form.errors["featured_image_alt"])
    assert 'value="Typed title"' in response.content.decode()
    article.refresh_from_db()
    assert not article.featured_image and article.title == "Unchanged title"


def test_uploading_and_choosing_at_once_is_refused(editor_client):
    item = MediaItemFactory()
    article = ArticleFactory()
    url, data = article_form(editor_client, article, featured_from_library=str(item.pk), featured_image_alt="x")
    data["featured_image"] = uploaded_image()

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "not both" in str(response.context["adminform"].form.errors)


def test_an_author_cannot_take_an_image_they_may_not_see(client):
    author, other = UserFactory(is_staff=True), UserFactory(is_staff=True)
    for user in (author, other):
        user.groups.add(Group.objects.get(name=AUTHOR))
    hidden = MediaItemFactory(uploaded_by=other)
    ArticleFactory(author=other, draft=True, body=f'<p><img src="{hidden.url}" alt="x"></p>')
    article = ArticleFactory(author=author, draft=True)
    client.force_login(author)
    url, data = article_form(client, article, featured_from_library=str(hidden.pk), featured_image_alt="x")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "not available" in str(response.context["adminform"].form.errors["featured_from_library"])
    article.refresh_from_db()
    assert not article.featured_image


def test_a_page_takes_its_featured_image_from_the_library(editor_client):
    item = MediaItemFactory(alt_text="The clinic's waiting room")
    page = PageFactory()
    url = reverse("admin:pages_page_change", args=[page.pk])
    data = form_data(editor_client.get(url).content.decode(), "page_form", featured_from_library=str(item.pk))

    assert editor_client.post(url, data).status_code == 302

    page.refresh_from_db()
    assert (page.featured_image.name, page.featured_image_alt) == (item.file.name, "The clinic's waiting room")


def test_a_new_featured_upload_in_the_admin_is_the_library_item_of_who_uploaded_it(editor_client, editor):
    article = ArticleFactory()
    url, data = article_form(editor_client, article, featured_image_alt="A new photo of the clinic")
    data["featured_image"] = uploaded_image("clinic.png")

    assert editor_client.post(url, data).status_code == 302

    article.refresh_from_db()
    item = MediaItem.objects.get(file=article.featured_image.name)
    assert (item.uploaded_by, item.alt_text) == (editor, "A new photo of the clinic")


def test_an_image_in_use_shows_where_and_cannot_be_deleted(editor_client):
    item = MediaItemFactory()
    article = ArticleFactory(title="Knee pain", featured_image=item.file.name, featured_image_alt="x")
    url = reverse("admin:library_mediaitem_delete", args=[item.pk])

    page = editor_client.get(url).content.decode()
    response = editor_client.post(url, {"post": "yes"})

    assert "cannot be deleted" in page
    assert reverse("admin:blog_article_change", args=[article.pk]) in page and "Knee pain" in page
    assert response.status_code == 200 and "cannot be deleted" in response.content.decode()
    assert MediaItem.objects.filter(pk=item.pk).exists() and default_storage.exists(item.file.name)
    change_page = editor_client.get(reverse("admin:library_mediaitem_change", args=[item.pk])).content.decode()
    assert "Knee pain" in change_page and "featured image" in change_page


def test_an_unused_image_is_deleted_with_its_file(editor_client, django_capture_on_commit_callbacks):
    item = MediaItemFactory()
    name = item.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:library_mediaitem_delete", args=[item.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not MediaItem.objects.exists() and not default_storage.exists(name)


def test_bulk_delete_keeps_images_in_use(editor_client):
    used, unused = MediaItemFactory(), MediaItemFactory()
    ArticleFactory(body=f'<p><img src="{used.url}" alt="x"></p>')

    response = editor_client.post(
        reverse("admin:library_mediaitem_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )

    assert response.status_code in (200, 403)
    assert set(MediaItem.objects.all()) == {used, unused}
    assert Article.objects.count() == 1
