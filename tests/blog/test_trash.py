"""The Trash: deleting an article moves it there, off the site, everything kept; restore; delete for good."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, Comment
from blog.tasks import articles_trash_purge_daily
from clinic.roles import AUTHOR, CONTRIBUTOR
from tests.factories import ArticleFactory, CommentFactory, TagFactory
from tests.helpers import role_member, run_tasks

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_article_changelist")


def delete_url(article):
    return reverse("admin:blog_article_delete", args=[article.pk])


def restore_url(article):
    return reverse("admin:blog_article_restore", args=[article.pk])


@pytest.fixture
def article(db):
    tag = TagFactory(name="Knees")
    article = ArticleFactory(title="PRP for knees", slug="prp-for-knees", tags=[tag])
    CommentFactory.create_batch(2, article=article)
    return article


PUBLIC = ["/", "/blog/", "/feed/", "/sitemap-articles.xml", "/search/?q=knees", "/tag/knees/"]


def public_mentions(client, title):
    return [path for path in PUBLIC if title in client.get(path, follow=True).content.decode()]


def test_deleting_an_article_moves_it_to_the_trash_off_every_public_page(editor_client, article, client):
    assert public_mentions(client, "PRP for knees")  # the walk finds it while it is published

    page = editor_client.get(delete_url(article)).content.decode()
    response = editor_client.post(delete_url(article), {"post": "yes"}, follow=True)

    assert "Its 2 comments, references and history are kept." in page and "for 30 days" in page
    assert "“PRP for knees” is in the Trash and off the site" in response.content.decode()
    article.refresh_from_db()
    assert article.is_trashed and article.slug_before_trash == "prp-for-knees"
    assert Comment.objects.filter(article=article).count() == 2
    assert Client().get("/blog/prp-for-knees/").status_code == 404
    assert public_mentions(Client(), "PRP for knees") == []
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_the_list_leaves_the_trash_out_and_opens_it_with_its_count(editor_client, article):
    editor_client.post(delete_url(article), {"post": "yes"})
    ArticleFactory(title="Still here")

    listing = editor_client.get(CHANGELIST)
    trash = editor_client.get(CHANGELIST, {"trash": "in"})

    assert [a.title for a in listing.context["cl"].result_list] == ["Still here"]
    assert 'href="?trash=in" class="viewlink">Trash (1)</a>' in listing.content.decode()
    assert [a.title for a in trash.context["cl"].result_list] == ["PRP for knees"]
    actions = [choice for choice, _label in trash.context["action_form"].fields["action"].choices]
    assert actions == ["", "restore_from_trash", "delete_selected"]


def test_a_trashed_article_is_read_only_and_restored_in_one_click_with_its_comments(editor_client, article):
    editor_client.post(delete_url(article), {"post": "yes"})

    page = editor_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    response = editor_client.post(restore_url(article), follow=True)

    assert "This article is in the Trash: restore it to change it." in page and "Restore from the Trash" in page
    assert "“PRP for knees” is restored, as it was." in response.content.decode()
    article.refresh_from_db()
    assert (article.slug, article.status, article.trashed_at) == ("prp-for-knees", Article.Status.PUBLISHED, None)
    assert Client().get("/blog/prp-for-knees/").status_code == 200
    assert article.comments.count() == 2
    assert not article.redirects.exists()


def test_an_article_whose_address_was_taken_meanwhile_comes_back_as_a_draft(editor_client, article):
    editor_client.post(delete_url(article), {"post": "yes"})
    ArticleFactory(title="New PRP article", slug="prp-for-knees")

    response = editor_client.post(restore_url(article), follow=True)

    article.refresh_from_db()
    assert (article.slug, article.status, article.is_trashed) == ("prp-for-knees-2", Article.Status.DRAFT, False)
    assert (
        "The address /blog/prp-for-knees/ was taken while “PRP for knees” was in the Trash, so it is back as a draft "
        "at /blog/prp-for-knees-2/: check its address, then publish it."
    ) in response.content.decode()


def test_only_editors_delete_for_good(article):
    author, author_client = role_member(AUTHOR)
    own = ArticleFactory(author=author, title="Mine")
    author_client.post(delete_url(own), {"post": "yes"})
    assert Article.objects.get(pk=own.pk).is_trashed  # an author trashes their own article

    assert author_client.get(delete_url(own)).status_code == 403
    trash = author_client.get(CHANGELIST, {"trash": "in"})
    assert "delete_selected" not in trash.content.decode()
    assert author_client.post(restore_url(own)).status_code == 302
    assert not Article.objects.get(pk=own.pk).is_trashed


def test_an_editor_empties_the_trash_with_the_comments(editor_client, article):
    editor_client.post(delete_url(article), {"post": "yes"})

    confirm = editor_client.get(delete_url(article)).content.decode()
    editor_client.post(delete_url(article), {"post": "yes"})

    assert "Are you sure you want to delete" in confirm
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.exists()


def test_contributors_never_trash(article):
    contributor, client = role_member(CONTRIBUTOR)
    own = ArticleFactory(author=contributor, draft=True)

    assert client.post(delete_url(own), {"post": "yes"}).status_code == 403
    assert not Article.objects.get(pk=own.pk).is_trashed


def test_a_bulk_move_to_the_trash_and_back(editor_client):
    articles = ArticleFactory.create_batch(3)

    editor_client.post(CHANGELIST, {"action": "move_to_trash", "_selected_action": [a.pk for a in articles[:2]]})
    assert Article.objects.in_trash().count() == 2
    editor_client.post(
        CHANGELIST + "?trash=in", {"action": "restore_from_trash", "_selected_action": [a.pk for a in articles]}
    )

    assert not Article.objects.in_trash().exists()


def test_the_daily_task_deletes_what_stayed_past_the_setting(editor_client, settings):
    settings.TRASH_DAYS = 7
    old, recent = ArticleFactory(title="Old"), ArticleFactory(title="Recent")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        editor_client.post(delete_url(old), {"post": "yes"})
    editor_client.post(delete_url(recent), {"post": "yes"})

    articles_trash_purge_daily.enqueue()
    run_tasks()

    assert list(Article.objects.values_list("title", flat=True)) == ["Recent"]
