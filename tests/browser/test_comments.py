"""Commenting in a real browser: post, moderate in the admin, read, reply."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Comment, DiscussionSettings
from tests.helpers import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_comment(page, body):
    form = page.get_by_role("region", name="Comments")
    form.get_by_role("textbox", name="Comment").fill(body)
    form.get_by_role("textbox", name="Name").fill("Maria Lopez")
    form.get_by_role("textbox", name="Email").fill("maria@example.com")
    form.get_by_label("I agree that the clinic stores").check()


def test_comment_moderation_from_post_to_threaded_reply(new_context, live_server, article, editor, fast_forms):
    # Otherwise her reply would be published at once: she already has an approved comment by then.
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"auto_approve_known_commenters": False})
    article_url = live_server.url + article.get_absolute_url()
    # Three people, three separate browsers (cookies and all); pytest-playwright closes them afterwards.
    commenter, reader, moderator = (new_context().new_page() for _ in range(3))

    commenter.goto(article_url)
    fill_comment(commenter, "Does prolotherapy help an old ankle sprain?")
    commenter.get_by_label("Save my name, email, and website").check()
    commenter.get_by_role("button", name="Post comment").click()
    own = commenter.locator(".comment", has_text="old ankle sprain")
    expect(own).to_contain_text("Your comment is awaiting moderation.")

    reader.goto(article_url)
    expect(reader.get_by_text("old ankle sprain")).to_have_count(0)

    log_in(moderator, live_server, editor)
    moderator.goto(live_server.url + reverse("admin:index"))
    moderator.get_by_role("link", name="1 comment awaiting moderation").click()
    moderator.locator("tr", has_text="old ankle sprain").locator("input[type=checkbox]").check()
    moderator.get_by_label("Action:").select_option("approve")
    moderator.get_by_role("button", name="Go").click()
    expect(moderator.locator(".messagelist")).to_contain_text("1 comment(s) approved")

    reader.reload()
    expect(reader.get_by_text("old ankle sprain")).to_be_visible()
    expect(reader.get_by_role("heading", name="One thought on “What Is Prolotherapy?”")).to_be_visible()

    commenter.reload()
    commenter.locator(".comment", has_text="old ankle sprain").get_by_role("link", name="Reply").click()
    expect(commenter.get_by_role("heading", name="Reply to Maria Lopez")).to_be_visible()
    expect(commenter.get_by_role("textbox", name="Name")).to_have_value("Maria Lopez")
    commenter.get_by_role("textbox", name="Comment").fill("Update: it was an old injury from 2019.")
    commenter.get_by_label("I agree that the clinic stores").check()
    commenter.get_by_role("button", name="Post reply").click()
    expect(commenter.locator(".comment .comment", has_text="old injury")).to_contain_text("awaiting moderation")

    Comment.objects.filter(body__contains="old injury").update(status=Comment.Status.APPROVED)
    reader.reload()
    parent = reader.locator(".comment", has_text="old ankle sprain").first
    expect(parent.locator(".comment-list--children .comment")).to_contain_text("old injury from 2019")
    expect(reader.get_by_text("maria@example.com")).to_have_count(0)
    assert PASSWORD not in reader.content()


def test_moderator_filters_the_comments_by_an_article_found_by_typing(page, live_server, editor):
    from tests.factories import CommentFactory

    CommentFactory(article__title="Knee injections explained", body="About my knee")
    CommentFactory(article__title="Skincare in spring", body="About my skin", status=Comment.Status.PENDING)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, editor)
    page.goto(live_server.url + reverse("admin:blog_comment_changelist") + "?status__exact=approved")

    page.locator(".autocomplete-filter .select2-selection").click()
    page.locator(".select2-search__field").fill("knee")
    page.get_by_role("option", name="Knee injections explained").click()

    expect(page.locator("#result_list")).to_contain_text("About my knee")
    expect(page.locator("#result_list")).not_to_contain_text("About my skin")
    expect(page.locator("#changelist-filter li.selected", has_text="Knee injections explained")).to_be_visible()
    assert "status__exact=approved" in page.url  # the other filters are kept
    assert errors == []
