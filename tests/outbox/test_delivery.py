"""Every email is sent by a worker, never in the request that caused it; a mail server that is down, refuses or
never answers costs a retry, not a reader's wait, and nothing is sent twice."""

import datetime
import email as email_parser
from email import policy

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.models import Comment
from blog.services import comment_set_status
from outbox.models import Email
from tests.factories import ArticleFactory, CommentFactory, UserFactory, post_comment
from tests.helpers import queue_email, run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(authored_article):
    return authored_article


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def received(smtp):
    return [
        email_parser.message_from_bytes(envelope.original_content, policy=policy.default) for envelope in smtp.messages
    ]


def test_a_comment_is_answered_without_the_mail_server_and_a_worker_sends_the_email(
    client, article, moderator, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, article, body="Is it painful?")

    assert response.status_code == 302
    assert smtp.messages == []
    assert Email.objects.get().status == Email.Status.PENDING
    assert run_tasks() == 1
    [message] = received(smtp)
    assert message["To"] == "moderator@clinic.example"
    assert "Is it painful?" in message.get_body(("plain",)).get_content()
    assert message["Message-ID"] == Email.objects.get().message_id and message["Date"]
    assert Email.objects.get().status == Email.Status.SENT


@pytest.mark.parametrize("trouble", ["mail_server_down", "black_hole"])
def test_a_mail_server_down_or_silent_delays_the_email_and_it_arrives_once_when_it_is_back(
    request, client, article, moderator, settings, django_capture_on_commit_callbacks, trouble
):
    request.getfixturevalue(trouble)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_comment(client, article, body="Is it painful?").status_code == 302

    run_tasks()

    waiting = Email.objects.get()
    assert (waiting.status, waiting.attempts) == (Email.Status.PENDING, 1)
    assert waiting.last_error and waiting.next_attempt_at > timezone.now()
    smtp = request.getfixturevalue("smtp")
    assert run_tasks() == 0  # not before its time
    with later(2):
        assert run_tasks() == 1
        assert run_tasks() == 0
    assert len(smtp.messages) == 1
    assert Email.objects.get().status == Email.Status.SENT


def test_an_email_the_server_keeps_putting_off_fails_after_the_last_try_and_an_editor_sends_it_again(
    article, smtp, settings, admin_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    smtp.refuse = "451 4.3.0 Mailbox busy, try again later"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="nobody@clinic.example", subject="Hello")
    minutes = 0
    for _ in range(3):
        with later(minutes):
            run_tasks()
        minutes += 30

    failed = Email.objects.get()
    assert (failed.status, failed.attempts) == (Email.Status.FAILED, 3)
    assert "451" in failed.last_error and "Mailbox busy" in failed.last_error
    page = admin_client.get(reverse("admin:outbox_email_changelist")).content.decode()
    assert "Failed" in page and "Mailbox busy" in page

    smtp.refuse = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:outbox_email_changelist"), {"action": "send_again", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    run_tasks()
    assert Email.objects.get().status == Email.Status.SENT
    assert len(smtp.messages) == 1


def test_a_bulk_approval_sends_its_notifications_over_one_connection(smtp, django_capture_on_commit_callbacks):
    for n in range(5):
        CommentFactory(
            article=ArticleFactory(author=UserFactory(email=f"author{n}@clinic.example")),
            status=Comment.Status.PENDING,
        )

    with django_capture_on_commit_callbacks(execute=True):
        assert comment_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED) == 5
    assert run_tasks() == 1

    assert sorted(message["To"] for message in received(smtp)) == [f"author{n}@clinic.example" for n in range(5)]
    assert len(smtp.connections) == 1


def test_an_email_already_sent_is_never_sent_again_when_its_task_runs_twice(article, smtp):
    from outbox.tasks import emails_deliver

    email = queue_email(to="reader@clinic.example", subject="Once", deliver=False)

    emails_deliver.call([email.pk])
    emails_deliver.call([email.pk])

    assert len(smtp.messages) == 1


def test_a_rolled_back_comment_sends_nothing(client, article, moderator, smtp, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post_comment(client, article)
        transaction.set_rollback(True)

    assert run_tasks() == 0 and Email.objects.count() == 0


def test_an_editor_finds_an_email_by_its_recipient_and_never_reads_a_secret_one(editor_client):
    queue_email(to="maria@example.com", subject="About your comment", deliver=False)
    secret = queue_email(to="wei@example.com", subject="Choose your password", deliver=False)
    Email.objects.filter(pk=secret.pk).update(secret=True, text="https://clinic.example/set-password/abc/")

    found = editor_client.get(reverse("admin:outbox_email_changelist"), {"q": "MARIA@"}).content.decode()
    page = editor_client.get(reverse("admin:outbox_email_change", args=[secret.pk])).content.decode()

    assert "About your comment" in found and "Choose your password" not in found
    assert "set-password" not in page and "Not shown: it holds a secret link" in page


def test_a_mailbox_refused_for_good_fails_at_once_with_the_reason_shown(smtp, admin_client):
    from outbox.tasks import emails_deliver

    smtp.refuse = "550 5.1.1 No such mailbox here"
    email = queue_email(to="nobody@clinic.example", deliver=False)

    emails_deliver.call([email.pk])

    failed = Email.objects.get()
    assert (failed.status, failed.attempts) == (Email.Status.FAILED, 1) and "No such mailbox" in failed.last_error
    assert run_tasks() == 0  # no retry queued


def test_the_list_says_why_an_email_is_waiting(mail_server_down, admin_client):
    from outbox.tasks import emails_deliver

    email = queue_email(deliver=False)
    emails_deliver.call([email.pk])

    page = admin_client.get(reverse("admin:outbox_email_changelist")).content.decode()
    assert "Waiting to try again (1 try so far)" in page and "Connection refused" in page
