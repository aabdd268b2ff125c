"""Refusals say what happened and what to do, in the clinic's words, never as if something were broken."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, MODERATOR
from tests.factories import ArticleFactory, AuthorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff(role, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def change_url(article):
    return reverse("admin:blog_article_change", args=[article.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", [AUTHOR, CONTRIBUTOR])
def test_opening_another_authors_article_says_whose_it_is_and_whom_to_ask(client, role):
    chen = AuthorProfileFactory(display_name="Dr. Chen", credentials="MD")
    others = ArticleFactory(author=chen.user, title="Knee injections")
    client.force_login(staff(role))

    response = client.get(change_url(others), follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:blog_article_changelist")
    assert messages_of(response) == [
        "This article belongs to Dr. Chen, MD; only editors can change other authors' articles. "
        "If it needs a change, ask an editor."
    ]
    assert "doesn’t exist" not in response.content.decode()


def test_another_authors_article_history_and_delete_pages_say_whose_it_is(client):
    others = ArticleFactory(author=UserFactory(first_name="Wei", last_name="Chen"))
    client.force_login(staff(AUTHOR))

    deleted = client.get(reverse("admin:blog_article_delete", args=[others.pk]), follow=True)

    assert "This article belongs to Wei Chen" in " ".join(messages_of(deleted))


def test_an_article_that_really_does_not_exist_is_still_reported_missing(client):
    client.force_login(staff(AUTHOR))

    response = client.get(reverse("admin:blog_article_change", args=[987654]), follow=True)
    odd = client.get(reverse("admin:blog_article_change", args=["not-a-number"]), follow=True)

    assert "doesn’t exist" in " ".join(messages_of(response))
    assert odd.status_code == 200


def test_contributor_opening_their_published_article_is_told_why_it_is_read_only(client):
    contributor = staff(CONTRIBUTOR)
    article = ArticleFactory(
        author=contributor,
        body="<h2>Before your appointment</h2><p>Bring your scans&nbsp;and <strong>a list</strong>.</p>",
    )
    client.force_login(contributor)

    response = client.get(change_url(article))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This article is published, so only an editor can change it now." in html
    assert "ask an editor" in html
    assert '<div class="article-body-as-published"><h2>Before your appointment</h2>' in html
    assert "<strong>a list</strong>" in html
    assert "&lt;p&gt;" not in html and "&lt;h2&gt;" not in html
    assert 'name="title"' not in html


def test_the_read_only_body_is_sanitized_again_before_it_is_shown(client):
    contributor = staff(CONTRIBUTOR)
    article = ArticleFactory(author=contributor)
    type(article).objects.filter(pk=article.pk).update(body='<p onclick="steal()">Hi</p><script>steal()</script>')
    client.force_login(contributor)

    html = client.get(change_url(article)).content.decode()

    assert "steal()" not in html
    assert "<p>Hi</p>" in html


def test_contributor_still_gets_the_form_for_their_own_draft(client):
    contributor = staff(CONTRIBUTOR)
    client.force_login(contributor)

    html = client.get(change_url(ArticleFactory(author=contributor, draft=True))).content.decode()

    assert 'name="title"' in html
    assert "only an editor can change it" not in html


def test_logged_in_staff_refused_a_page_are_told_their_role_and_whom_to_ask(client):
    staff(EDITOR, first_name="Ana", last_name="Ruiz", email="ana@example.com")
    client.force_login(staff(AUTHOR, first_name="Wei", last_name="Chen"))

    response = client.get(reverse("admin:auth_user_changelist"))

    html = response.content.decode()
    assert response.status_code == 403
    assert "You are logged in as Wei Chen, with the role Author, and your role does not include this page." in html
    assert "ask an editor to do it for you or to change your role" in html
    assert "Ana Ruiz" in html and "mailto:ana@example.com" in html
    assert "log in to the admin first" not in html
    assert reverse("admin:index") in html


def test_a_refused_editor_is_sent_to_the_sites_administrator(client, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:auth_group_changelist"))

    html = response.content.decode()
    assert response.status_code == 403
    assert "with the role Editor" in html
    assert "superuser" in html
    assert "log in to the admin first" not in html


def test_a_moderator_refused_the_settings_reads_the_role_sentence(client):
    client.force_login(staff(MODERATOR))

    html = client.get(reverse("admin:clinic_clinicsettings_changelist")).content.decode()

    assert "with the role Moderator, and your role does not include this page." in html


def test_visitors_refused_a_page_are_still_told_to_log_in(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from clinic.views import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "If you work at the clinic, log in to the admin first." in response.content.decode()


def test_a_logged_in_person_without_admin_access_is_told_why_on_the_login_page(client):
    client.force_login(UserFactory(first_name="Maria", last_name="Lopez", is_staff=False))

    response = client.get(reverse("admin:index"), follow=True)

    html = " ".join(response.content.decode().split())
    assert "You are logged in as Maria Lopez, and this account has no access to the admin" in html
    assert "ask an editor to give you a role" in html
    assert "not authorized" not in html
    assert 'id="login-form"' in html
