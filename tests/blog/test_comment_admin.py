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


def run_action(client, action, comments, tab=""):
    """The bulk `action` on `comments`, from the list's `tab` (a status; All without one)."""
    url = f"{CHANGELIST}?status__exact={tab}" if tab else CHANGELIST
    return client.post(url, {"action": action, "_selected_action": [comment.pk for comment in comments]})


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

    response = run_action(editor_client, action, comments, tab=start)

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


def test_reply_from_the_add_form_is_an_approved_clinic_reply(editor_client, editor):
    question = CommentFactory(body="Is it safe?")

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


def moderate_url(comment):
    return reverse("admin:blog_comment_moderate", args=[comment.pk])


def reply_url(comment):
    return reverse("admin:blog_comment_reply", args=[comment.pk])


JSON = {"HTTP_ACCEPT": "application/json"}


def test_comment_list_counts_each_status_in_tabs_without_a_click(editor_client, article):
    CommentFactory.create_batch(2, article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.APPROVED)
    CommentFactory(status=Comment.Status.SPAM)

    everything = editor_client.get(CHANGELIST, {"status__exact": "pending"})
    on_article = editor_client.get(CHANGELIST, {"article__id__exact": article.pk})

    tabs = {label: (count, current) for label, count, _status, _url, current in everything.context["cl"].status_tabs()}
    assert tabs == {
        "Pending": (2, True), "Approved": (1, False), "Spam": (1, False), "Trash": (0, False), "All": (3, False)
    }  # fmt: skip
    html = everything.content.decode()
    assert re.search(r'aria-current="page">Pending <span class="count">\(<span data-count>2</span>\)', html)
    assert "Keyboard shortcuts" in html
    article_tabs = {label: count for label, count, *_ in on_article.context["cl"].status_tabs()}
    assert article_tabs == {"Pending": 2, "Approved": 1, "Spam": 0, "Trash": 0, "All": 3}
    # A tab keeps the article chosen and starts again at the first page.
    spam_url = next(url for label, _c, _s, url, _cur in on_article.context["cl"].status_tabs() if label == "Spam")
    assert f"article__id__exact={article.pk}" in spam_url and "status__exact=spam" in spam_url


def test_comment_list_shows_the_text_the_answered_comment_and_expands_a_long_one(editor_client):
    question = CommentFactory(name="Maria Lopez", body="Short question?")
    CommentFactory(parent=question, article=question.article, body="First line.\n\n" + "Long answer. " * 40 + "THE END")

    html = editor_client.get(CHANGELIST).content.decode()

    assert "<p>Short question?</p>" in html
    assert "in reply to Maria Lopez" in html
    details = re.search(r'<details class="comment-text">(.*?)</details>', html, re.S).group(1)
    assert "Show all" in details and "THE END</p>" in details
    assert "THE END" not in details.split("</summary>")[0]


@pytest.mark.parametrize(
    ("start", "status", "message"),
    [
        (Comment.Status.PENDING, Comment.Status.APPROVED, "approved"),
        (Comment.Status.APPROVED, Comment.Status.PENDING, "unapproved"),
        (Comment.Status.PENDING, Comment.Status.SPAM, "marked as spam"),
        (Comment.Status.APPROVED, Comment.Status.TRASH, "moved to the trash"),
        (Comment.Status.SPAM, Comment.Status.PENDING, "restored to pending"),
        (Comment.Status.TRASH, Comment.Status.PENDING, "restored to pending"),
    ],
)
def test_one_click_moves_one_comment_and_goes_back_to_the_list_as_it_was(editor_client, start, status, message):
    comment = CommentFactory(name="Maria Lopez", status=start)
    other = CommentFactory(status=start)
    back = f"{CHANGELIST}?status__exact={start}&q=Comment"

    response = editor_client.post(moderate_url(comment), {"status": status, "next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert f"Comment by Maria Lopez {message}." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == status
    assert Comment.objects.get(pk=other.pk).status == start


def test_one_click_answers_the_lists_script_with_the_rows_new_buttons(editor_client):
    comment = CommentFactory(name="Maria Lopez", status=Comment.Status.PENDING)

    answer = editor_client.post(moderate_url(comment), {"status": "approved"}, **JSON).json()

    assert answer["message"] == "Comment by Maria Lopez approved."
    assert (answer["previous"], answer["new_status"], answer["status_label"]) == ("pending", "approved", "Approved")
    assert ">Unapprove</button>" in answer["actions"] and ">Approve</button>" not in answer["actions"]
    assert ">Reply</a>" in answer["actions"]


def test_one_click_approval_tells_whom_a_bulk_approval_tells(editor_client, mailoutbox):
    from tests.helpers import run_tasks

    DiscussionSettings.objects.update_or_create(pk=1, defaults={"notify_authors": True})
    comment = CommentFactory(status=Comment.Status.PENDING)
    comment.article.author.email = "author@example.com"
    comment.article.author.save()

    editor_client.post(moderate_url(comment), {"status": "approved"})
    run_tasks()

    assert [message.to for message in mailoutbox] == [["author@example.com"]]


def test_one_click_refuses_a_get_an_unknown_move_and_an_outside_next(editor_client):
    comment = CommentFactory(status=Comment.Status.PENDING)

    assert editor_client.get(moderate_url(comment)).status_code == 405
    unknown = editor_client.post(moderate_url(comment), {"status": "published"}, **JSON)
    outside = editor_client.post(moderate_url(comment), {"status": "approved", "next": "https://evil.example/"})

    assert unknown.status_code == 400 and unknown.json()["message"] == "Unknown moderation action."
    assert outside["Location"] == CHANGELIST
    assert editor_client.post(reverse("admin:blog_comment_moderate", args=[0]), {"status": "spam"}).status_code == 404


def test_one_click_needs_the_moderation_permission(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_comment", "change_comment"]))
    client.force_login(viewer)
    comment = CommentFactory(status=Comment.Status.PENDING)

    html = client.get(CHANGELIST).content.decode()
    moved = client.post(moderate_url(comment), {"status": "approved"})
    replied = client.post(reply_url(comment), {"body": "Hello"})

    assert "Approve the comment by" not in html and "Keyboard shortcuts" not in html
    assert moved.status_code == 403 and replied.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert Comment.objects.count() == 1


def test_deleting_for_good_is_offered_only_in_the_trash(editor_client):
    approved = CommentFactory(status=Comment.Status.APPROVED)
    trashed = CommentFactory(status=Comment.Status.TRASH, name="Spammy Sam")

    everything = editor_client.get(CHANGELIST).content.decode()
    trash = editor_client.get(CHANGELIST, {"status__exact": "trash"}).content.decode()

    assert 'value="delete_selected"' not in everything and "Delete permanently" not in everything
    assert 'value="delete_selected">Delete selected comments permanently' in trash
    assert trash.index('value="delete_selected"') > trash.index('value="restore"')
    assert trash.count(">Delete permanently</button>") == 1
    assert editor_client.get(reverse("admin:blog_comment_delete", args=[approved.pk])).status_code == 403
    assert (
        "deletelink" not in editor_client.get(reverse("admin:blog_comment_change", args=[approved.pk])).content.decode()
    )
    assert "deletelink" in editor_client.get(reverse("admin:blog_comment_change", args=[trashed.pk])).content.decode()
    assert editor_client.post(moderate_url(approved), {"status": "delete"}).status_code == 403
    assert Comment.objects.filter(pk=approved.pk).exists()

    answer = editor_client.post(moderate_url(trashed), {"status": "delete"}, **JSON).json()

    assert answer == {
        "message": "Comment by Spammy Sam deleted permanently.",
        "status_label": "Deleted",
        "deleted": True,
    }
    assert not Comment.objects.filter(pk=trashed.pk).exists()


def test_deleting_a_trashed_comment_with_replies_asks_first(editor_client):
    trashed = CommentFactory(status=Comment.Status.TRASH)
    reply = CommentFactory(article=trashed.article, parent=trashed)

    answer = editor_client.post(moderate_url(trashed), {"status": "delete"}, **JSON)
    plain = editor_client.post(moderate_url(trashed), {"status": "delete"})

    confirm = reverse("admin:blog_comment_delete", args=[trashed.pk])
    assert answer.status_code == 409 and answer.json()["location"] == confirm
    assert plain["Location"] == confirm
    assert Comment.objects.filter(pk__in=[trashed.pk, reply.pk]).count() == 2


def test_reply_page_shows_the_comment_and_publishes_a_clinic_reply_that_approves_it(editor_client, editor):
    question = CommentFactory(status=Comment.Status.PENDING, body="Does it hurt?", name="Maria Lopez")

    page = editor_client.get(reply_url(question)).content.decode()
    response = editor_client.post(reply_url(question), {"body": "A little, for a day.", "next": CHANGELIST})

    assert "<p>Does it hurt?</p>" in page and "Approve and publish reply" in page
    assert response["Location"] == CHANGELIST
    reply = Comment.objects.get(parent=question)
    assert (reply.body, reply.status, reply.user, reply.is_clinic_reply) == (
        "A little, for a day.", Comment.Status.APPROVED, editor, True
    )  # fmt: skip
    assert Comment.objects.get(pk=question.pk).status == Comment.Status.APPROVED


def test_reply_answers_the_lists_script(editor_client):
    question = CommentFactory(status=Comment.Status.PENDING, name="Maria Lopez")

    answer = editor_client.post(reply_url(question), {"body": "Thank you."}, **JSON).json()
    empty = editor_client.post(reply_url(question), {"body": "  "}, **JSON)

    reply = Comment.objects.get(parent=question)
    assert answer["message"] == "Your reply to Maria Lopez is published."
    assert answer["reply_url"] == reply.get_absolute_url()
    assert answer["new_status"] == "approved" and ">Unapprove</button>" in answer["actions"]
    assert empty.status_code == 400 and empty.json() == {"errors": {"body": ["Please write your reply."]}}


def test_reply_keeps_what_was_typed_and_says_why_it_was_refused(editor_client):
    spam = CommentFactory(status=Comment.Status.SPAM)
    question = CommentFactory()
    editor_client.post(reply_url(question), {"body": "Same answer"})

    refused = editor_client.post(reply_url(spam), {"body": "My typed answer"}).content.decode()
    twice = editor_client.post(reply_url(question), {"body": "Same answer"})

    assert "Restore this comment before replying to it." in refused and ">My typed answer</textarea>" in refused
    assert twice.status_code == 200 and 'aria-invalid="true"' in twice.content.decode()
    assert Comment.objects.filter(parent=question).count() == 1
    assert not Comment.objects.filter(parent=spam).exists()


def test_moderators_reply_as_the_clinic(client):
    from django.contrib.auth.models import Group

    from clinic.roles import MODERATOR

    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    client.force_login(moderator)
    question = CommentFactory()

    client.post(reply_url(question), {"body": "We will call you."})

    assert Comment.objects.get(parent=question).is_clinic_reply


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


def test_a_comment_another_moderator_moved_meanwhile_is_left_as_they_decided(editor_client):
    comment = CommentFactory(status=Comment.Status.PENDING, name="Maria Lopez")
    from_list = moderate_url(comment) + "?from=pending"
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)  # the other moderator's click

    answer = editor_client.post(from_list, {"status": "spam"}, **JSON)
    plain = editor_client.post(from_list, {"status": "spam"}, follow=True)

    assert answer.status_code == 409
    assert answer.json()["message"] == (
        "Someone else moved the comment by Maria Lopez meanwhile: it is Approved now. Nothing was changed."
    )
    assert ">Unapprove</button>" in answer.json()["actions"]
    assert "Someone else moved the comment by Maria Lopez meanwhile" in plain.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
