"""Tools → Import from WordPress in the admin: upload, a dry run's report, the import for real by a worker, and
what is refused before anything is stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Article
from tests.helpers import run_tasks
from tests.wordpress.exports import SITE
from tests.wordpress.test_import import clinic_export, photo_with_gps
from wordpress.models import ImportRun, private_storage

pytestmark = pytest.mark.django_db
ADD = reverse("admin:wordpress_importrun_add")


def uploads_zip(members=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in (members or {"wp-content/uploads/2020/02/knee.jpg": photo_with_gps()}).items():
            archive.writestr(name, content)
    return SimpleUploadedFile("uploads.zip", buffer.getvalue(), content_type="application/zip")


def upload(client, *, export=None, uploads=None, dry_run=True):
    data = {"export": SimpleUploadedFile("export.xml", export or clinic_export(), content_type="text/xml")}
    if uploads is not None:
        data["uploads"] = uploads
    if dry_run:
        data["dry_run"] = "on"
    return client.post(ADD, data)


def test_a_dry_run_then_the_import_for_real_each_by_a_worker_with_their_reports(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, uploads=uploads_zip())
    dry_run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:wordpress_importrun_change", args=[dry_run.pk]
    )
    waiting = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in waiting and '<meta http-equiv="refresh"' in waiting

    assert run_tasks() == 1
    report = admin_client.get(response["Location"]).content.decode()
    assert "What an import would do from https://old-clinic.example" in report
    assert "posts: 4 imported" in report and "comments: 4 imported" in report
    assert f"{SITE}/wp-content/uploads/2020/02/lost.png (used by What Is Prolotherapy)" in report
    assert '<meta http-equiv="refresh"' not in report
    assert not Article.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = admin_client.post(reverse("admin:wordpress_importrun_import_for_real", args=[dry_run.pk]))
    real = ImportRun.objects.get(dry_run=False)
    assert started["Location"] == reverse("admin:wordpress_importrun_change", args=[real.pk])
    run_tasks()  # the import, then the renditions of the images it stored
    real.refresh_from_db()
    assert real.status == ImportRun.Status.DONE and real.done == real.total == 5
    report = admin_client.get(started["Location"]).content.decode()
    assert "What was imported from https://old-clinic.example" in report
    article = Article.objects.get(slug="what-is-prolotherapy")
    assert article.featured_image.name.startswith("editor/")  # from the zip's wp-content/uploads
    assert real.export.name == dry_run.export.name


def test_a_file_that_is_no_export_is_refused_next_to_the_field_and_nothing_is_stored(admin_client):
    response = upload(admin_client, export=b"PK\x03\x04 a zip, not the export")

    assert response.status_code == 200
    assert "This is not a WordPress export" in response.content.decode()
    assert not ImportRun.objects.exists()

    response = upload(admin_client, uploads=SimpleUploadedFile("uploads.zip", b"not a zip"))
    assert "must be a .zip archive" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_archive_reaching_outside_its_folder_fails_the_run_and_imports_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, uploads=uploads_zip({"../../evil.jpg": b"x"}), dry_run=False)

    run_tasks()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "a file outside its folder: ../../evil.jpg" in run.error
    assert not Article.objects.exists()
    assert (
        "a file outside its folder"
        in admin_client.get(reverse("admin:wordpress_importrun_change", args=[run.pk])).content.decode()
    )


def test_an_editor_cannot_import(editor_client):
    assert editor_client.get(ADD).status_code == 403
    assert upload(editor_client).status_code == 403
    assert not ImportRun.objects.exists()


def test_deleting_a_run_deletes_its_uploaded_files(admin_client, django_capture_on_commit_callbacks):
    upload(admin_client, uploads=uploads_zip())
    run = ImportRun.objects.get()
    names = [run.export.name, run.uploads.name]

    admin_client.post(reverse("admin:wordpress_importrun_delete", args=[run.pk]), {"post": "yes"})

    assert not ImportRun.objects.exists()
    assert not any(private_storage().exists(name) for name in names)
