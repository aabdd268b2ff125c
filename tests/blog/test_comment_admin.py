import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from blog.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_comment_changelist")


def run_action(client, action, comments):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [comment.pk for comment in comments]})


def test_admin_index_shows_the_pending_count(editor_client):
    CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.APPROVED)

    html = editor_client.get(reverse("admin:index")).content.decode()

    assert "<strong>3</strong> comments awaiting moderation" in html
    assert f"{CHANGELIST}?status__exact=pending" in html


def test_changelist_filters_by_status_and_article_and_searches(editor_client, article):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Question about knees")
    CommentFactory(status=Comment.Status.PENDING, body="Elsewhere")
    CommentFactory(article=article, body="Approved one")

    by_status = editor_client.get(CHANGELIST, {"status__exact": "pending", "article__id__exact": article.pk})
    by_search = editor_client.get(CHANGELIST, {"q": "knees"})

    assert list(by_status.context["cl"].result_list) == [pending]
    assert list(by_search.context["cl"].result_list) == [pending]


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM),
        ("move_to_trash", Comment.Status.APPROVED, Comment.Status.TRASH),
        ("restore", Comment.Status.TRASH, Comment.Status.PENDING),
        ("restore", Comment.Status.SPAM, Comment.Status.PENDING),
    ],
)
def test_bulk_moderation_actions(editor_client, action, start, end):
    comments = CommentFactory.create_batch(2, status=start)
    untouched = CommentFactory(status=start)

    response = run_action(editor_client, action, comments)

    assert response.status_code == 302
    assert {comment.status for comment in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {end}
    assert Comment.objects.get(pk=untouched.pk).status == start


def test_staff_without_moderation_permission_gets_no_moderation_actions(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_comment", "change_comment"]))
    client.force_login(viewer)
    comment = CommentFactory(status=Comment.Status.PENDING)

    html = client.get(CHANGELIST).content.decode()
    run_action(client, "approve", [comment])

    assert 'value="approve"' not in html
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_editor_can_edit_a_comment(editor_client):
    comment = CommentFactory(body="Typo in teh text")

    response = editor_client.post(
        reverse("admin:blog_comment_change", args=[comment.pk]),
        {
            "article": comment.article.pk,
            "parent": "",
            "body": "Typo in the text",
            "status": "approved",
            "name": comment.name,
            "email": comment.email,
            "url": "",
        },
    )

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).body == "Typo in the text"


def test_reply_from_the_admin_is_an_approved_clinic_reply(editor_client, editor):
    question = CommentFactory(body="Is it safe?")
    changelist = editor_client.get(CHANGELIST).content.decode()
    add_url = reverse("admin:blog_comment_add") + f"?parent={question.pk}&amp;article={question.article_id}"
    assert f'<a href="{add_url}">Reply</a>' in changelist

    response = editor_client.post(
        reverse("admin:blog_comment_add"),
        {
            "article": question.article_id,
            "parent": question.pk,
            "body": "Yes, when given by a qualified physician.",
            "status": "pending",
            "name": "",
            "email": "",
            "url": "",
        },
    )

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert reply.status == Comment.Status.APPROVED
    assert reply.user == editor
    assert reply.depth == 2
    assert reply.thread == question
    assert reply.is_clinic_reply


def test_discussion_settings_is_one_page_that_cannot_be_added_or_deleted(editor_client):
    settings_object = DiscussionSettings.load()

    response = editor_client.get(reverse("admin:blog_discussionsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:blog_discussionsettings_change", args=[settings_object.pk])
    assert editor_client.get(reverse("admin:blog_discussionsettings_add")).status_code == 403


def test_editor_changes_discussion_settings(editor_client):
    url = reverse("admin:blog_discussionsettings_change", args=[DiscussionSettings.load().pk])
    form = {
        "require_moderation": "",
        "auto_approve_known_commenters": "on",
        "hold_link_count": "3",
        "moderation_words": "refund",
        "disallowed_words": "casino",
        "close_after_days": "90",
        "thread_depth": "4",
        "comments_per_page": "20",
        "notify_moderators": "on",
        "notify_authors": "",
        "ip_retention_days": "30",
    }

    assert editor_client.post(url, form).status_code == 302

    saved = DiscussionSettings.load()
    assert (saved.require_moderation, saved.hold_link_count, saved.thread_depth) == (False, 3, 4)
    assert saved.disallowed_word_list == ["casino"]
    assert DiscussionSettings.objects.count() == 1


def test_export_action_downloads_everything_about_the_selected_commenters(editor_client):
    maria = CommentFactory(email="maria@example.com", body="First", ip_address="192.0.2.9")
    CommentFactory(email="MARIA@example.com", body="Second")
    CommentFactory(email="other@example.com", body="Not hers")

    response = run_action(editor_client, "export_commenter_data", [maria])

    assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    data = json.loads(response.content)
    assert [entry["email"] for entry in data] == ["maria@example.com"]
    assert sorted(comment["comment"] for comment in data[0]["comments"]) == ["First", "Second"]
    assert data[0]["comments"][0]["ip_address"] == "192.0.2.9"


def test_erase_action_removes_the_selected_commenters_data(editor_client):
    maria = CommentFactory(email="maria@example.com", name="Maria Lopez", url="https://maria.example")
    other = CommentFactory(email="other@example.com")

    run_action(editor_client, "erase_commenter_data", [maria])

    maria.refresh_from_db()
    assert (maria.name, maria.email, maria.url, maria.ip_address, maria.user_agent) == ("Anonymous", "", "", None, "")
    assert Comment.objects.get(pk=other.pk).email == "other@example.com"
