"""Review before publishing, in the browser: a contributor submits, the editor sends it back, the contributor fixes
it, the editor publishes."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article
from clinic.roles import CONTRIBUTOR, sync_roles
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_draft_goes_from_contributor_to_editor_and_back_then_live(new_context, live_server, editor):
    sync_roles()
    contributor = UserFactory(username="contributor", is_staff=True, email="writer@example.com")
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    article = ArticleFactory(author=contributor, draft=True, title="Tendon healing explained")
    edit = live_server.url + reverse("admin:blog_article_change", args=[article.pk])
    writer, reviewer = new_context().new_page(), new_context().new_page()
    log_in(writer, live_server, contributor)
    log_in(reviewer, live_server, editor)

    writer.goto(edit)
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("is waiting for review; the editors are told.")

    reviewer.goto(live_server.url + reverse("admin:index"))
    reviewer.locator("#review-queue-heading + ul").get_by_role("link", name="Tendon healing explained").click()
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_text("Say what needs changing")).to_be_visible()
    reviewer.get_by_label("Changes requested").fill("Add a sentence on recovery time.")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator(".messagelist")).to_contain_text("is back with its writer, with your note.")

    writer.goto(edit)
    expect(writer.locator(".review-note")).to_contain_text("Add a sentence on recovery time.")
    writer.locator(".ck-editor__editable[contenteditable=true]").click()
    writer.keyboard.press("Control+End")
    writer.keyboard.type(" Recovery takes six to eight weeks.")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("is waiting for review")

    reviewer.goto(edit)
    reviewer.get_by_label("Status:").select_option("published")
    reviewer.get_by_role("button", name="Save", exact=True).click()
    expect(reviewer.locator(".messagelist")).to_contain_text("was changed successfully")

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_published
    assert "Recovery takes six to eight weeks." in article.body
    assert article.review_note == ""
