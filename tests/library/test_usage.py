"""Library items and where they are used: made from uploads, found in bodies, kept up to date on every save."""

import pytest

from blog.models import Article
from library.models import MediaItem
from library.usage import body_images
from tests.factories import ArticleFactory, MediaItemFactory, PageFactory, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db


def test_a_new_featured_image_becomes_a_library_item_with_its_alt_text():
    author = UserFactory(is_staff=True)
    article = ArticleFactory(
        author=author,
        title="Wrist fractures",
        featured_image=uploaded_image("x-ray.png"),
        featured_image_alt="An x-ray of a healed wrist",
    )

    item = MediaItem.objects.get(file=article.featured_image.name)
    assert (item.title, item.alt_text) == ("Wrist fractures", "An x-ray of a healed wrist")
    assert item.uploaded_by == author
    assert item.width == 64 and item.height == 48
    assert [(usage.obj, usage.field, usage.is_public) for usage in item.usages()] == [(article, "featured_image", True)]


def test_resaving_an_article_keeps_one_item_and_one_usage():
    article = ArticleFactory(featured_image=uploaded_image(), featured_image_alt="A knee")
    article.title = "A new title"
    article.save()
    article.save()

    assert MediaItem.objects.count() == 1
    assert len(MediaItem.objects.get().usages()) == 1


def test_body_images_of_our_storage_are_found_with_their_alt_text(settings):
    html = (
        '<p><img src="/media/editor/2026/11/a.png" alt="First &amp; best"></p>'
        "<p><img alt='Second' src='/media/editor/2026/11/b.webp'></p>"
        '<img src="https://elsewhere.example/c.png" alt="Elsewhere"><img src="/media/../etc/passwd" alt="">'
    )

    assert body_images(html) == [("editor/2026/11/a.png", "First & best"), ("editor/2026/11/b.webp", "Second")]


def test_an_image_inserted_in_a_body_is_used_there_and_gains_the_alt_text_written_there():
    item = MediaItemFactory(alt_text="")
    page = PageFactory(body=f'<p><img src="{item.url}" alt="A treatment room with a window"></p>')

    item.refresh_from_db()
    assert item.alt_text == "A treatment room with a window"
    assert [(usage.obj, usage.field) for usage in item.usages()] == [(page, "body")]

    page.body = "<p>No picture any more.</p>"
    page.save()
    assert item.usages() == []


def test_an_items_own_alt_text_is_kept_when_a_place_overrides_it():
    item = MediaItemFactory(alt_text="A knee joint model")
    ArticleFactory(body=f'<p><img src="{item.url}" alt="The model our physicians use"></p>')

    item.refresh_from_db()
    assert item.alt_text == "A knee joint model"


def test_deleting_an_article_for_good_removes_its_usage():
    item = MediaItemFactory()
    article = ArticleFactory(body=f'<p><img src="{item.url}" alt="x"></p>')
    assert len(item.usages()) == 1

    Article.objects.filter(pk=article.pk).delete()

    assert item.usages() == []


def test_a_draft_is_a_usage_readers_cannot_see():
    item = MediaItemFactory()
    draft = ArticleFactory(draft=True, body=f'<p><img src="{item.url}" alt="x"></p>')

    assert [(usage.obj, usage.is_public) for usage in item.usages()] == [(draft, False)]
