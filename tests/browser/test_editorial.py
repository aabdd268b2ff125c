"""Scheduling, previewing and restoring a revision in the real admin, checked from a reader's browser."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Article
from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(page, url):
    return page.goto(url).status


def test_editor_schedules_previews_and_restores_a_revision(new_context, live_server, editor, time_machine):
    editor_page, reader = new_context().new_page(), new_context().new_page()
    log_in(editor_page, live_server, editor)

    editor_page.goto(live_server.url + reverse("admin:blog_article_add"))
    editor_page.locator("#id_title").press_sequentially("Knee Recovery Timeline")
    editor_page.locator(".ck-editor__editable[contenteditable=true]").click()
    editor_page.keyboard.type("Weeks one to four: rest and gentle movement.")
    editor_page.get_by_label("Status:").select_option("published")
    when = timezone.localtime(timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    editor_page.locator("#id_published_at_0").fill(when.strftime("%Y-%m-%d"))
    editor_page.locator("#id_published_at_1").fill(when.strftime("%H:%M:%S"))
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="knee-recovery-timeline")
    public_url = live_server.url + article.get_absolute_url()
    assert status_of(reader, public_url) == 404

    with editor_page.context.expect_page() as preview_info:
        editor_page.get_by_role("link", name="Preview").click()
    preview = preview_info.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview — not published.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Knee Recovery Timeline")
    assert status_of(reader, live_server.url + article.get_preview_url()) == 404

    # The live server runs in this process: travelling here moves its clock too, and it keeps running.
    time_machine.move_to(when - datetime.timedelta(seconds=5))
    assert status_of(reader, public_url) == 404
    time_machine.move_to(when)
    assert status_of(reader, public_url) == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Knee Recovery Timeline")

    editor_page.reload()
    editor_page.locator("#id_title").fill("Knee Recovery Timeline, Rewritten")
    editor_page.get_by_role("button", name="Save", exact=True).click()
    expect(editor_page.locator(".messagelist")).to_contain_text("was changed successfully")
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Knee Recovery Timeline, Rewritten")

    editor_page.goto(live_server.url + reverse("admin:blog_article_history", args=[article.pk]))
    expect(editor_page.locator("#change-history")).to_contain_text("Knee Recovery Timeline, Rewritten")
    editor_page.locator("#change-history tbody tr").last.get_by_role("link", name="Knee Recovery Timeline").click()
    editor_page.get_by_role("button", name="Revert").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("“Knee Recovery Timeline” was changed successfully")

    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Knee Recovery Timeline")
