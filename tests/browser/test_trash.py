"""The Trash in the browser: an editor deletes an article with comments, a reader finds it gone, it comes back."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, CommentFactory
from tests.helpers import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_article_goes_to_the_trash_and_comes_back_with_its_comments(new_context, live_server, editor):
    article = ArticleFactory(title="PRP for knees", slug="prp-for-knees")
    CommentFactory(article=article, name="Maria Lopez", body="It helped my knee.")
    reader = new_context(viewport=PHONE).new_page()
    page = new_context().new_page()
    log_in(page, live_server, editor)

    page.goto(live_server.url + reverse("admin:blog_article_change", args=[article.pk]))
    page.get_by_role("link", name="Move to the Trash").click()
    expect(page.get_by_text("Its 1 comment, references and history are kept.")).to_be_visible()
    page.get_by_role("button", name="Move to the Trash").click()
    expect(page.locator(".messagelist")).to_contain_text("“PRP for knees” is in the Trash and off the site")

    answer = reader.goto(live_server.url + "/blog/prp-for-knees/")
    assert answer.status == 404
    reader.goto(live_server.url + "/blog/")
    expect(reader.get_by_role("link", name="PRP for knees")).to_have_count(0)

    page.get_by_role("link", name="Trash (1)").click()
    page.get_by_role("link", name="PRP for knees").click()
    expect(page.get_by_text("This article is in the Trash: restore it to change it.")).to_be_visible()
    page.get_by_role("button", name="Restore from the Trash").click()
    expect(page.locator(".messagelist")).to_contain_text("is restored, as it was.")

    reader.goto(live_server.url + "/blog/prp-for-knees/")
    expect(reader.get_by_role("heading", name="PRP for knees", level=1)).to_be_visible()
    expect(reader.locator(".comment", has_text="It helped my knee.")).to_be_visible()
