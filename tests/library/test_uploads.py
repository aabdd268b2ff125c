"""Images uploaded in the editor and imported from WordPress join the library."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import MediaItem
from tests.factories import uploaded_image
from tests.wordpress.test_import import clinic_export, run, uploads  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_an_image_uploaded_in_the_editor_is_a_library_item_of_its_uploader(editor_client, editor):
    response = editor_client.post(reverse("core:editor-image-upload"), {"upload": uploaded_image("Knee_X-ray.png")})

    assert response.status_code == 200
    item = MediaItem.objects.get()
    assert response.json()["url"] == item.url
    assert (item.title, item.uploaded_by, item.alt_text) == ("Knee X ray", editor, "")


def test_a_refused_upload_makes_no_library_item(editor_client):
    text = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")

    response = editor_client.post(reverse("core:editor-image-upload"), {"upload": text})

    assert response.status_code == 400
    assert not MediaItem.objects.exists()


def test_wordpress_attachments_become_library_items_with_their_texts(tmp_path, uploads):  # noqa: F811
    run(tmp_path, clinic_export(), uploads=uploads)
    run(tmp_path, clinic_export(), uploads=uploads)  # again: nothing doubles

    item = MediaItem.objects.get()
    assert (item.title, item.alt_text) == ("Knee", "A knee being examined")
    assert item.file.name.startswith("editor/")
    assert sorted(usage.field for usage in item.usages()) == ["body", "featured_image"]


def test_a_dry_run_adds_nothing_to_the_library(tmp_path, uploads):  # noqa: F811
    run(tmp_path, clinic_export(), uploads=uploads, dry_run=True)

    assert not MediaItem.objects.exists()
