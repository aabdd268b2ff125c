import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

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


def filter_sidebar(response):
    html = response.content.decode()
    return html[html.index('<nav id="changelist-filter"') : html.index("</nav>", html.index('id="changelist-filter"'))]


def test_article_filter_lists_no_articles_however_many_are_commented(editor_client):
    """Every commented article as a link made the list 1.1 MB at 10,000 articles: it is a search box instead."""
    CommentFactory.create_batch(3)
    few = filter_sidebar(editor_client.get(CHANGELIST))
    commented = [comment.article for comment in CommentFactory.create_batch(30)]
    many = filter_sidebar(editor_client.get(CHANGELIST))

    assert len(many) == len(few)
    assert not [article.title for article in commented if article.title in many]
    assert 'data-field-name="article"' in many
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in many


def test_article_filter_filters_by_the_chosen_article_and_names_only_it(editor_client, article):
    chosen = CommentFactory.create_batch(2, article=article)
    other = CommentFactory(body="On another article")

    response = editor_client.get(CHANGELIST, {"article__id__exact": article.pk})
    sidebar = filter_sidebar(response)

    assert set(response.context["cl"].result_list) == set(chosen)
    assert f'<li class="selected">\n    <a href="?article__id__exact={article.pk}">{article.title}</a></li>' in sidebar
    assert other.article.title not in sidebar


def test_article_filter_counts_only_the_chosen_article(editor_client, article):
    CommentFactory.create_batch(2, article=article)
    CommentFactory.create_batch(3)

    sidebar = filter_sidebar(editor_client.get(CHANGELIST, {"article__id__exact": article.pk, "_facets": "1"}))

    assert f"{article.title} (2)</a>" in sidebar


def test_article_filter_search_box_finds_articles_by_what_is_typed(editor_client):
    CommentFactory(article__title="Knee injections explained")
    CommentFactory(article__title="Skincare in spring")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "injec", "app_label": "blog", "model_name": "comment", "field_name": "article"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Knee injections explained"]


def test_article_filter_with_an_impossible_value_is_refused_like_any_filter(editor_client):
    response = editor_client.get(CHANGELIST, {"article__id__exact": "not-a-number"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_moderation_queue_shows_the_pending_comments_newest_first(editor_client):
    older = CommentFactory(status=Comment.Status.PENDING, created_at=timezone.now() - datetime.timedelta(hours=2))
    newer = CommentFactory(status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.APPROVED)

    response = editor_client.get(CHANGELIST, {"status__exact": "pending"})

    assert list(response.context["cl"].result_list) == [newer, older]


def test_comment_list_has_no_date_hierarchy_but_filters_by_recent_dates(editor_client):
    today = CommentFactory()
    CommentFactory(created_at=timezone.now() - datetime.timedelta(days=40))
    response = editor_client.get(CHANGELIST)
    html = response.content.decode()
    past_week = re.search(r'<a href="(\?created_at__gte=[^"]+)">Past 7 days</a>', html)[1]

    assert 'class="toplinks"' not in html  # Django's date hierarchy bar
    assert list(editor_client.get(CHANGELIST + past_week.replace("&amp;", "&")).context["cl"].result_list) == [today]
