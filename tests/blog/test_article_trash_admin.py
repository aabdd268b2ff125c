"""The article admin's Trash (core.admin.TrashAdminMixin, shared with pages): delete asks and moves to the Trash,
restore brings the article back with its comments, and only editors empty the Trash."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from blog.models import Article, Comment
from clinic.roles import AUTHOR
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_editor_moves_an_article_to_the_trash_and_restores_it_with_its_comments(editor_client):
    article = ArticleFactory(title="Knee pain explained", slug="knee-pain")
    CommentFactory(article=article, status=Comment.Status.APPROVED)
    delete = reverse("admin:blog_article_delete", args=[article.pk])

    confirmation = editor_client.get(delete).content.decode()
    assert "<title>Move to the Trash?" in confirmation
    assert "Its 1 comment, references and history are kept." in confirmation
    listed = editor_client.post(delete, {"post": "yes"}, follow=True).content.decode()

    article.refresh_from_db()
    assert article.is_trashed and "Trash (1)" in listed
    assert Client().get("/blog/knee-pain/").status_code == 404
    page = editor_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    assert "This article is in the Trash: restore it to change it." in page
    restored = editor_client.post(reverse("admin:blog_article_restore", args=[article.pk]), follow=True)
    assert "“Knee pain explained” is restored, as it was." in restored.content.decode()
    assert Client().get("/blog/knee-pain/").status_code == 200
    assert article.comments.count() == 1


def test_an_author_trashes_and_restores_their_own_article_but_never_deletes_it_for_good():
    author = UserFactory(username="author", is_staff=True)
    author.groups.add(Group.objects.get(name=AUTHOR))
    client = Client()
    client.force_login(author)
    article = ArticleFactory(author=author, slug="own")
    changelist = reverse("admin:blog_article_changelist")

    client.post(changelist, {"action": "move_to_trash", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).is_trashed
    in_trash = client.get(changelist + "?trash=in").content.decode()
    assert "Restore selected articles" in in_trash and "permanently" not in in_trash
    assert client.get(reverse("admin:blog_article_delete", args=[article.pk])).status_code == 403
    client.post(changelist + "?trash=in", {"action": "restore_from_trash", "_selected_action": [article.pk]})
    assert not Article.objects.get(pk=article.pk).is_trashed
