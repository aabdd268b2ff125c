import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.models import Comment, DiscussionSettings
from outbox.models import Email
from outbox.services import ERASED_TEXT
from tests.factories import CommentFactory, post_comment
from tests.helpers import queue_email

pytestmark = pytest.mark.django_db


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_export_command_prints_everything_about_one_email():
    CommentFactory(email="maria@example.com", body="My knee", ip_address="192.0.2.5", consent_at=timezone.now())
    CommentFactory(email="someone@example.com", body="Not hers")

    data = json.loads(run("export_personal_data", "Maria@Example.com"))

    assert [comment["comment"] for comment in data["comments"]] == ["My knee"]
    exported = data["comments"][0]
    assert exported["ip_address"] == "192.0.2.5"
    assert exported["consent_given_at"] is not None
    assert exported["article_url"].startswith("http")


def test_erase_command_anonymises_every_comment_of_one_email_and_keeps_threads(client):
    question = CommentFactory(email="maria@example.com", name="Maria Lopez", body="My phone is private")
    answer = CommentFactory(article=question.article, parent=question, body="An answer from someone else")

    output = run("erase_personal_data", "maria@example.com")

    assert "comments: 1" in output
    question.refresh_from_db()
    assert question.name == "Anonymous"
    assert question.email == ""
    assert question.ip_address is None
    assert question.consent_at is None
    assert "private" not in question.body
    html = client.get(question.article.get_absolute_url()).content.decode()
    assert "Maria Lopez" not in html
    assert "An answer from someone else" in html
    assert Comment.objects.get(pk=answer.pk).email.endswith("@example.com")
    assert json.loads(run("export_personal_data", "maria@example.com"))["comments"] == []


def test_erasing_a_commenter_erases_the_emails_that_quoted_them(
    client, moderator, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, name="Maria Lopez", email="maria@example.com", body="My knee still hurts a lot")
    other = queue_email(subject="Unrelated", deliver=False)
    assert "My knee still hurts a lot" in Email.objects.exclude(pk=other.pk).get().text

    run("erase_personal_data", "maria@example.com")

    assert not Email.objects.filter(text__contains="maria@example.com").exists()
    assert not Email.objects.filter(text__contains="My knee still hurts").exists()
    assert Email.objects.get(pk=other.pk).text != ERASED_TEXT


def test_purge_command_erases_ip_and_user_agent_after_the_retention_period():
    old = CommentFactory(created_at=timezone.now() - datetime.timedelta(days=61))
    recent = CommentFactory(created_at=timezone.now() - datetime.timedelta(days=59))

    output = run("purge_comment_tracking_data")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert recent.ip_address == "203.0.113.7"
    assert recent.user_agent
    assert "from 1 comment(s) older than 60 days" in output


def test_purge_command_follows_the_configured_retention():
    DiscussionSettings.objects.update(ip_retention_days=10)
    CommentFactory(created_at=timezone.now() - datetime.timedelta(days=11))

    assert "from 1 comment(s) older than 10 days" in run("purge_comment_tracking_data")
    assert "from 0 comment(s)" in run("purge_comment_tracking_data", "--days", "5")
