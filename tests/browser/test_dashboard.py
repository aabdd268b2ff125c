"""The dashboard as an editor starts the day with it: a quick draft, then the comments waiting, in one click."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Article, Comment
from tests.factories import CommentFactory
from tests.helpers import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_drafts_and_moderates_from_the_dashboard(new_context, live_server, editor):
    comment = CommentFactory(status=Comment.Status.PENDING, name="Maria Lopez", body="Does it hurt?")
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, editor)

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Give the draft a title.")).to_be_visible()
    page.get_by_label("Title").fill("Knee pain after running")
    page.get_by_label("A few lines").fill("Start with the three causes.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft “Knee pain after running” saved.")
    page.locator("#my-drafts-heading + ul").get_by_role("link", name="Knee pain after running").click()
    expect(page.locator("#id_title")).to_have_value("Knee pain after running")
    assert Article.objects.get(title="Knee pain after running").status == Article.Status.DRAFT

    page.goto(live_server.url + reverse("admin:index"))
    comments = page.locator("[data-comment-list]")
    expect(comments).to_contain_text("Does it hurt?")
    approve = comments.get_by_role("button", name="Approve the comment by Maria Lopez")
    box = approve.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    approve.click()
    expect(page.locator("#moderation-status")).to_have_text("Comment by Maria Lopez approved.")
    expect(comments.get_by_role("button", name="Unapprove the comment by Maria Lopez")).to_be_visible()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
