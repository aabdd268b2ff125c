"""The clinic's administrator moves the old WordPress site in from the admin, in a real browser: uploads the export
and the uploads folder, reads the dry run's report while a worker runs it, imports for real, and a reader follows
an old link to the imported article."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.helpers import PHONE, axe_violations, horizontal_overflow, log_in, run_tasks
from tests.wordpress.test_admin_import import uploads_zip
from tests.wordpress.test_import import clinic_export

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_imports_the_old_site_from_the_admin(live_server, axe_context, tmp_path):
    page = axe_context().new_page()
    administrator = UserFactory(username="owner", is_staff=True, is_superuser=True)
    export, uploads = tmp_path / "export.xml", tmp_path / "uploads.zip"
    export.write_bytes(clinic_export())
    uploads.write_bytes(uploads_zip().read())
    log_in(page, live_server, administrator)

    page.get_by_role("link", name="Imports from WordPress").click()
    page.get_by_role("link", name="Add import from WordPress").click()
    page.get_by_label("WordPress export (.xml)").set_input_files(str(export))
    page.get_by_label("uploads folder (.zip)").set_input_files(str(uploads))
    expect(page.get_by_label("Dry run: read everything and report, change nothing")).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    assert run_tasks() == 1
    page.reload()
    expect(page.get_by_role("heading", name="What an import would do from https://old-clinic.example")).to_be_visible()
    expect(page.get_by_text("posts: 4 imported")).to_be_visible()
    expect(page.get_by_role("heading", name="Files missing from the uploads folder (2)")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Import for real").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    run_tasks()  # the import, then the renditions of the image it stored
    page.reload()
    expect(page.get_by_role("heading", name="What was imported from https://old-clinic.example")).to_be_visible()

    reader = axe_context(viewport=PHONE).new_page()
    reader.goto(live_server.url + "/2020/02/what-is-prolotherapy/")
    expect(reader).to_have_url(live_server.url + "/blog/what-is-prolotherapy/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("What Is Prolotherapy")
    expect(reader.get_by_text("How long is the recovery?")).to_be_visible()
    assert horizontal_overflow(reader) <= 0
    assert axe_violations(reader) == []
