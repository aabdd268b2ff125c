"""Existing uploads become library items (library/migrations/0002_existing_uploads.py), run on prepared rows."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from library.models import MediaItem, MediaUsage
from tests.factories import ArticleFactory, PageFactory, UserFactory, image_bytes
from wordpress.models import Imported

pytestmark = pytest.mark.django_db
migration = importlib.import_module("library.migrations.0002_existing_uploads")


def stored(name, size=(300, 200)):
    return default_storage.save(name, ContentFile(image_bytes("PNG", size=size)))


def migrate():
    migration.existing_uploads(apps, connection.schema_editor())


def test_every_used_and_imported_image_becomes_one_item_with_its_texts():
    author = UserFactory(is_staff=True)
    featured, in_body, imported = (
        stored("articles/2025/01/a.png"),
        stored("editor/2025/01/b.png"),
        stored("editor/2019/05/knee.png"),
    )
    article = ArticleFactory(
        author=author,
        title="Knee pain",
        featured_image=featured,
        featured_image_alt="A runner holding her knee",
        body=f'<p><img src="/media/{in_body}" alt="A brace"></p><p><img src="/media/{featured}" alt="Again"></p>'
        '<p><img src="/media/editor/2025/01/missing.png" alt="Gone"></p>',
    )
    page = PageFactory(body=f'<p><img src="/media/{in_body}" alt="Another brace"></p>')
    Imported.objects.create(kind="attachment", wp_key="30", file=imported, source_hash="x",
                            details={"title": "Knee", "alt": "A knee being examined", "caption": "In 2019",
                                     "description": ""})  # fmt: skip
    Imported.objects.create(kind="attachment", wp_key="31", file="documents/2019/05/consent.pdf", source_hash="y")
    # As before the library existed: the rows saving made are not there yet.
    MediaItem.objects.all().delete()

    migrate()

    items = {item.file.name: item for item in MediaItem.objects.all()}
    assert set(items) == {featured, in_body, imported}
    assert (items[featured].title, items[featured].alt_text) == ("Knee pain", "A runner holding her knee")
    assert items[featured].uploaded_by == author and items[featured].uploaded_at == article.created_at
    assert (items[featured].width, items[featured].height) == (300, 200)
    assert items[in_body].alt_text == "A brace"
    assert (items[imported].title, items[imported].alt_text, items[imported].caption) == (
        "Knee",
        "A knee being examined",
        "In 2019",
    )
    assert items[imported].uploaded_by is None
    assert sorted((usage.obj, usage.field) for usage in items[featured].usages()) == [
        (article, "body"),
        (article, "featured_image"),
    ]
    assert {usage.obj for usage in items[in_body].usages()} == {article, page}


def test_running_it_again_or_on_an_empty_database_adds_nothing():
    migrate()
    assert not MediaItem.objects.exists()

    name = stored("articles/2025/01/c.png")
    ArticleFactory(featured_image=name, featured_image_alt="x")
    before = list(MediaItem.objects.values_list("pk", "file"))
    usages = MediaUsage.objects.count()

    migrate()

    assert list(MediaItem.objects.values_list("pk", "file")) == before
    assert MediaUsage.objects.count() == usages == 1
