import io
import json
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import UserFactory, animated_gif_bytes, image_bytes, png_bytes, uploaded_image

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("core:editor-image-upload")


def stored_files():
    root = default_storage.path("")
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def upload(client, file):
    response = client.post(UPLOAD_URL, {"upload": file})
    return response, json.loads(response.content)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_real_image_is_stored_and_its_url_returned(editor_client, image_format):
    response, data = upload(editor_client, uploaded_image(f"scan.{image_format.lower()}", image_format))

    assert response.status_code == 200
    stored = data["url"].removeprefix("/media/")
    assert default_storage.exists(stored)
    with default_storage.open(stored) as stored_file, Image.open(stored_file) as image:
        assert image.format == image_format


def test_stored_name_is_generated_not_the_clients(editor_client):
    _, data = upload(editor_client, uploaded_image("../../etc/passwd patient-name.png"))

    assert data["url"].startswith("/media/editor/")
    assert "patient" not in data["url"]
    assert "passwd" not in data["url"]
    assert data["url"].endswith(".png")


def test_uploaded_image_is_served_from_media(editor_client, client):
    _, data = upload(editor_client, uploaded_image())

    response = client.get(data["url"])

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_text_file_renamed_jpg_is_refused_with_a_reason(editor_client):
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    before = stored_files()

    response, data = upload(editor_client, fake)

    assert response.status_code == 400
    assert "not a valid image" in data["error"]["message"]
    assert stored_files() == before


def test_truncated_image_is_refused(editor_client):
    whole = image_bytes("JPEG", size=(400, 300))
    truncated = SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    response, data = upload(editor_client, truncated)

    assert response.status_code == 400
    assert "damaged" in data["error"]["message"]


def test_svg_is_refused(editor_client):
    svg = SimpleUploadedFile(
        "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', content_type="image/png"
    )

    response, _ = upload(editor_client, svg)

    assert response.status_code == 400


def test_unsupported_raster_format_is_refused(editor_client):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")

    response, data = upload(editor_client, SimpleUploadedFile("a.bmp", buffer.getvalue()))

    assert response.status_code == 400
    assert "BMP images are not accepted" in data["error"]["message"]


def test_oversized_file_is_refused(editor_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100

    response, data = upload(editor_client, uploaded_image(size=(200, 200)))

    assert response.status_code == 400
    assert "too large" in data["error"]["message"]


def test_image_with_too_many_pixels_is_refused(editor_client, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100

    response, data = upload(editor_client, uploaded_image(size=(101, 100)))

    assert response.status_code == 400
    assert "101×100 pixels" in data["error"]["message"]


def test_missing_file_is_refused(editor_client):
    response = editor_client.post(UPLOAD_URL, {})

    assert response.status_code == 400
    assert "No file was received" in json.loads(response.content)["error"]["message"]


def test_anonymous_upload_is_refused(client):
    response, data = upload(client, uploaded_image())

    assert response.status_code == 403
    assert "Log in" in data["error"]["message"]


def test_staff_without_article_permission_is_refused(client):
    client.force_login(UserFactory(is_staff=True))

    response, data = upload(client, uploaded_image())

    assert response.status_code == 403
    assert "permission" in data["error"]["message"]


def test_non_staff_user_with_permission_is_refused(client, editor):
    editor.is_staff = False
    editor.save()
    client.force_login(editor)

    response, _ = upload(client, uploaded_image())

    assert response.status_code == 403


def test_get_is_not_allowed(editor_client):
    assert editor_client.get(UPLOAD_URL).status_code == 405


def test_libraries_own_upload_endpoint_is_not_exposed(editor_client):
    response = editor_client.post("/ckeditor5/image_upload/", {"upload": uploaded_image()})

    assert response.status_code == 404


def photo_with_gps(image_format="JPEG"):
    """A photo carrying EXIF: the camera, and GPS coordinates of where it was taken."""
    image = Image.new("RGB", (80, 60), (200, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "PatientPhone Camera"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.0), 3: "W", 4: (122.0, 40.0, 30.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, exif=exif)
    return buffer.getvalue()


def stored_exif(name):
    with default_storage.open(name) as stored, Image.open(stored) as image:
        return dict(image.getexif()), image.info.get("exif")


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_are_stripped_from_editor_uploads(editor_client, image_format):
    raw = photo_with_gps(image_format)
    with Image.open(io.BytesIO(raw)) as original:
        assert 0x8825 in original.getexif()

    _, data = upload(editor_client, SimpleUploadedFile(f"clinic-visit.{image_format.lower()}", raw))

    exif, raw_exif = stored_exif(data["url"].removeprefix("/media/"))
    assert exif == {}
    assert not raw_exif


def test_exif_and_gps_are_stripped_from_featured_images():
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        featured_image=SimpleUploadedFile("hero.jpg", photo_with_gps(), content_type="image/jpeg"),
        featured_image_alt="A knee",
    )

    exif, raw_exif = stored_exif(article.featured_image.name)
    assert exif == {}
    assert not raw_exif
    assert (article.featured_image_width, article.featured_image_height) == (80, 60)


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"GIF89a/*\x00\x00\x00\x00*/=alert(document.domain);//",
        b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
    ],
)
def test_html_and_polyglots_are_refused(editor_client, content):
    response, data = upload(editor_client, SimpleUploadedFile("innocent.png", content, content_type="image/png"))

    assert response.status_code == 400
    assert "not a valid image" in data["error"]["message"]


def test_animated_gif_bomb_is_refused_with_its_frames_and_size(editor_client):
    before = stored_files()

    response, data = upload(editor_client, SimpleUploadedFile("moving.gif", animated_gif_bytes(30, (6000, 6000))))

    assert response.status_code == 400
    assert "30 frames of 6000×6000 pixels, more than we accept" in data["error"]["message"]
    assert stored_files() == before


def test_image_too_large_for_pillow_is_refused_by_its_size_not_as_damaged(editor_client):
    response, data = upload(editor_client, SimpleUploadedFile("huge.png", png_bytes((20000, 20000))))

    assert response.status_code == 400
    assert data["error"]["message"] == "The image is 20000×20000 pixels, more than we accept."


def test_who_may_upload_comes_from_the_setting(client, settings):
    """Any app whose editor takes images names its permissions in EDITOR_UPLOAD_PERMISSIONS; the endpoint obeys."""
    from django.contrib.auth.models import Permission

    member = UserFactory(is_staff=True)
    member.user_permissions.add(Permission.objects.get(codename="change_clinicsettings"))
    client.force_login(member)

    assert upload(client, uploaded_image())[0].status_code == 403
    settings.EDITOR_UPLOAD_PERMISSIONS = ["clinic.change_clinicsettings"]
    assert upload(client, uploaded_image())[0].status_code == 200
    settings.EDITOR_UPLOAD_PERMISSIONS = []
    assert upload(client, uploaded_image())[0].status_code == 403
