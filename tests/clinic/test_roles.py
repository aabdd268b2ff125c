"""Each role through the admin: what it may see, change and publish."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import Article, Comment, DiscussionSettings
from clinic.models import ClinicSettings
from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, MODERATOR, ROLE_PERMISSIONS
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.helpers import article_form

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_article_changelist")
ADD = reverse("admin:blog_article_add")


def change_url(article):
    return reverse("admin:blog_article_change", args=[article.pk])


@pytest.fixture
def member(client):
    """Log in a new staff member of the given group; return (client, user)."""

    def login(role):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return user

    return login


def test_the_four_groups_exist_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_PERMISSIONS)
    editor = Group.objects.get(name=EDITOR)
    assert editor.permissions.filter(codename="publish_article").exists()
    assert editor.permissions.filter(codename="change_clinicsettings").exists()
    assert not Group.objects.get(name=CONTRIBUTOR).permissions.filter(codename="publish_article").exists()


def test_editor_edits_anyones_article_and_the_settings(client, member):
    member(EDITOR)
    others = ArticleFactory()

    assert client.get(change_url(others)).status_code == 200
    assert client.get(reverse("admin:clinic_clinicsettings_change", args=[ClinicSettings.load().pk])).status_code == 200
    assert client.get(reverse("admin:blog_comment_changelist")).status_code == 200


def test_author_sees_and_changes_only_own_articles(client, member):
    author = member(AUTHOR)
    own = ArticleFactory(author=author, title="Mine")
    others = ArticleFactory(title="Somebody else's")

    changelist = client.get(CHANGELIST)
    response = client.get(change_url(others))

    assert [article.title for article in changelist.context["cl"].result_list] == ["Mine"]
    assert client.get(change_url(own)).status_code == 200
    assert response.status_code == 302
    assert "change_form" not in str([template.name for template in response.templates])
    assert client.post(change_url(others), {"title": "Hijacked"}).status_code in (302, 403)
    assert Article.objects.get(pk=others.pk).title == "Somebody else's"


def test_author_publishes_own_article_as_themselves(client, member):
    author = member(AUTHOR)
    someone = UserFactory()

    response = client.post(ADD, article_form(author, status=Article.Status.PUBLISHED, author=someone.pk))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_published
    assert article.author == author


@pytest.mark.parametrize("role", [AUTHOR, CONTRIBUTOR, MODERATOR])
def test_only_editors_touch_the_settings(client, member, role):
    member(role)

    assert client.get(reverse("admin:clinic_clinicsettings_change", args=[ClinicSettings.load().pk])).status_code == 403
    url = reverse("admin:blog_discussionsettings_change", args=[DiscussionSettings.load().pk])
    assert client.get(url).status_code == 403


def test_contributor_can_only_save_drafts(client, member):
    contributor = member(CONTRIBUTOR)

    html = client.get(ADD).content.decode()
    response = client.post(ADD, article_form(contributor, status=Article.Status.PUBLISHED))

    assert 'name="status"' not in html
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_contributor_cannot_change_a_published_article_even_their_own(client, member):
    contributor = member(CONTRIBUTOR)
    published = ArticleFactory(author=contributor)
    draft = ArticleFactory(author=contributor, draft=True)

    assert client.get(change_url(draft)).status_code == 200
    html = client.get(change_url(published)).content.decode()
    assert 'name="title"' not in html


def test_moderator_moderates_comments_and_cannot_write_articles(client, member):
    member(MODERATOR)
    comment = CommentFactory(status=Comment.Status.PENDING)

    response = client.post(
        reverse("admin:blog_comment_changelist"), {"action": "approve", "_selected_action": [comment.pk]}
    )

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    assert client.get(ADD).status_code == 403
    assert 'name="title"' not in client.get(change_url(comment.article)).content.decode()


def test_author_cannot_delete_someone_elses_article(client, member):
    member(AUTHOR)
    others = ArticleFactory()

    client.post(reverse("admin:blog_article_delete", args=[others.pk]), {"post": "yes"})

    assert Article.objects.filter(pk=others.pk).exists()
