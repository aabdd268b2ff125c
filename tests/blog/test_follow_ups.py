"""“Notify me of follow-up comments by email”: double opt-in, the emails, and their links, through a real mail
server on loopback and the worker's own code."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from blog.models import Comment, CommentSubscription
from blog.services import comment_set_status, comment_submit
from core.privacy import person_erase, person_export
from tests.factories import ArticleFactory, UserFactory, post_comment

pytestmark = pytest.mark.django_db

READER = "maria@example.com"


def text_of(message):
    return next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True)


def html_of(message):
    return next(part for part in message.walk() if part.get_content_type() == "text/html").get_payload(decode=True)


def link(message, path_start):
    """The first link of `message`'s plain text that starts with the site's `path_start`, as a path."""
    found = re.search(rf"https://blog\.clinic\.example({re.escape(path_start)}\S+/)", text_of(message).decode())
    return found[1]


def confirm_path():
    return reverse("blog:comment-follow-confirm", args=["x"]).removesuffix("x/")


def stop_path():
    return reverse("blog:comment-follow-stop", args=["x"]).removesuffix("x/")


def clinic_reply(parent, body="Yes: most patients walk out the same day."):
    staff = UserFactory(is_staff=True, email="dr.lee@clinic.example", first_name="Dr.", last_name="Lee")
    return comment_submit(article=parent.article, name="", email="", body=body, parent=parent, user=staff)[0]


def subscribe(client, article, mailed, scope="replies", email_address=READER):
    """Post a comment asking for follow-ups; return (the comment, the confirmation emails it caused)."""
    with mailed(email_address) as confirmations:
        post_comment(client, article, email=email_address, follow="on", follow_scope=scope)
    return Comment.objects.filter(email=email_address).latest("pk"), confirmations


def subscribed(client, article, mailed, scope="replies", email_address=READER):
    """A comment whose author asked for follow-ups and confirmed from the email."""
    comment, confirmations = subscribe(client, article, mailed, scope, email_address)
    assert client.get(link(confirmations[0], confirm_path())).status_code == 200
    comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED)
    return comment


def test_the_form_offers_follow_ups_unticked(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    box = re.search(r'<input type="checkbox" name="follow"[^>]*>', page)[0]
    assert "checked" not in box
    assert "Notify me of follow-up comments by email" in page
    assert "All new comments on this article" in page


def test_a_first_time_address_gets_one_confirmation_and_nothing_else(client, article, mailed):
    comment, confirmations = subscribe(client, article, mailed)
    comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED)

    assert len(confirmations) == 1
    message = confirmations[0]
    assert "Confirm" in message["Subject"]
    assert article.title in text_of(message).decode()
    assert b"Confirm" in html_of(message)
    assert message["Message-ID"] and message["Date"]
    with mailed(READER) as follow_ups:
        clinic_reply(comment)
    assert follow_ups == []
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.PENDING


def test_once_confirmed_a_reply_is_emailed_once_with_its_text_link_and_unsubscribe_headers(client, article, mailed):
    comment = subscribed(client, article, mailed)

    with mailed(READER) as follow_ups:
        reply = clinic_reply(comment, body="Yes: most patients walk out the same day.")
    with mailed(READER) as again:
        comment_set_status(comments=Comment.objects.filter(pk=reply.pk), status=Comment.Status.PENDING)
        comment_set_status(comments=Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED)

    assert len(follow_ups) == 1 and again == []
    message = follow_ups[0]
    assert "New reply to your comment" in message["Subject"]
    text = text_of(message).decode()
    assert "most patients walk out the same day" in text
    assert f"#comment-{reply.pk}" in text
    assert b"most patients walk out the same day" in html_of(message)
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith(f"<https://blog.clinic.example{stop_path()}")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] and message["Date"]


def test_all_new_comments_on_the_article_may_be_followed(client, article, mailed):
    subscribed(client, article, mailed, scope="all")
    other = ArticleFactory(title="Another article")

    with mailed(READER) as follow_ups:
        post_comment(client, article, name="Sam", email="sam@example.com", body="How many sessions does it take?")
        post_comment(client, other, name="Sam", email="sam@example.com", body="Not on the followed article")
        comment_set_status(comments=Comment.objects.filter(email="sam@example.com"), status=Comment.Status.APPROVED)

    assert len(follow_ups) == 1
    assert "New comment on" in follow_ups[0]["Subject"]
    assert "How many sessions does it take?" in text_of(follow_ups[0]).decode()


def test_nobody_is_told_of_their_own_comment(client, article, mailed):
    subscribed(client, article, mailed, scope="all")

    with mailed(READER) as follow_ups:
        post_comment(client, article, email="MARIA@example.com", body="And another question from me")
        comment_set_status(comments=Comment.objects.filter(status="pending"), status=Comment.Status.APPROVED)

    assert follow_ups == []


def test_mail_programs_unsubscribe_with_one_click_and_again_changes_nothing(client, article, mailed):
    comment = subscribed(client, article, mailed)
    with mailed(READER) as follow_ups:
        clinic_reply(comment)
    stop = follow_ups[0]["List-Unsubscribe"].strip().strip("<>").removeprefix("https://blog.clinic.example")
    csrf_checking = client.__class__(enforce_csrf_checks=True)

    first = csrf_checking.post(stop, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    second = csrf_checking.post(stop, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert first.status_code == second.status_code == 200
    assert "You are unsubscribed" in second.content.decode()
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.UNSUBSCRIBED
    with mailed(READER) as later:
        clinic_reply(comment, body="One more thing")
    assert later == []


def test_the_stop_link_asks_before_it_stops(client, article, mailed):
    comment = subscribed(client, article, mailed)
    with mailed(READER) as follow_ups:
        clinic_reply(comment)
    everything = re.search(
        r"Stop all follow-up emails: https://blog\.clinic\.example(\S+)", text_of(follow_ups[0]).decode()
    )[1]

    page = client.get(everything)
    assert "Stop follow-up emails?" in page.content.decode()
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.CONFIRMED
    client.post(everything)
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.UNSUBSCRIBED
    again = client.get(everything).content.decode()
    assert "You are unsubscribed" in again and "Stop these emails" not in again


def test_an_address_that_confirmed_once_is_not_asked_again(client, article, mailed):
    subscribed(client, article, mailed)
    other = ArticleFactory(title="Another article")

    second, confirmations = subscribe(client, other, mailed)

    assert confirmations == []
    assert CommentSubscription.objects.get(comment=second).status == CommentSubscription.Status.CONFIRMED


def test_at_most_one_confirmation_an_hour_and_it_confirms_what_was_asked_meanwhile(client, article, mailed):
    _first, confirmations = subscribe(client, article, mailed)
    _second, more = subscribe(client, ArticleFactory(title="Another article"), mailed)

    assert len(confirmations) == 1 and more == []
    page = client.get(link(confirmations[0], confirm_path())).content.decode()
    assert article.title in page and "Another article" in page
    assert set(CommentSubscription.objects.values_list("status", flat=True)) == {"confirmed"}


def test_a_tampered_link_changes_nothing(client, article, mailed):
    _comment, confirmations = subscribe(client, article, mailed)
    path = link(confirmations[0], confirm_path())

    page = client.get(path[:-8] + "AAAAAAA/")

    assert page.status_code == 400
    assert "This link does not work" in page.content.decode()
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.PENDING
    assert client.post(stop_path() + "forged:token/").status_code == 400


def test_an_expired_confirmation_changes_nothing(client, article, mailed):
    _comment, confirmations = subscribe(client, article, mailed)

    with time_machine.travel(datetime.timedelta(days=8)):
        page = client.get(link(confirmations[0], confirm_path()))

    assert page.status_code == 400
    assert "This link has expired" in page.content.decode()
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.PENDING


def test_a_used_confirmation_does_not_subscribe_again_after_unsubscribing(client, article, mailed):
    comment, confirmations = subscribe(client, article, mailed)
    confirm = link(confirmations[0], confirm_path())
    client.get(confirm)
    CommentSubscription.objects.update(status=CommentSubscription.Status.UNSUBSCRIBED)

    page = client.get(confirm)

    assert "Nothing left to confirm" in page.content.decode()
    assert CommentSubscription.objects.get().status == CommentSubscription.Status.UNSUBSCRIBED


def test_a_person_s_data_export_and_erase_cover_their_subscriptions(client, article, mailed):
    subscribed(client, article, mailed)

    exported = person_export(READER)
    person_erase(READER)

    assert exported["follow_up_subscriptions"][0]["article"] == article.title
    assert not CommentSubscription.objects.exists()


def test_a_clinic_reply_written_in_the_admin_is_emailed_and_resaving_it_is_not(editor_client, article, mailed):
    comment = subscribed(Client(), article, mailed)
    reply = {"article": article.pk, "parent": comment.pk, "body": "We answer: yes.", "status": "pending"}

    with mailed(READER) as follow_ups:
        editor_client.post(reverse("admin:blog_comment_add"), {**reply, "name": "", "email": "", "url": ""})
    written = Comment.objects.get(body="We answer: yes.")
    with mailed(READER) as again:
        editor_client.post(
            reverse("admin:blog_comment_change", args=[written.pk]),
            {**reply, "body": "We answer: yes, it is.", "status": "approved", "name": written.name,
             "email": written.email, "url": ""},
        )  # fmt: skip

    assert len(follow_ups) == 1 and "We answer: yes." in text_of(follow_ups[0]).decode()
    assert Comment.objects.get(pk=written.pk).body == "We answer: yes, it is."
    assert again == []
