import contextlib

import pytest
from django.core import mail

from blog.models import Comment, DiscussionSettings
from blog.services import comment_set_status
from tests.factories import CommentFactory, UserFactory, post_comment
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(authored_article):
    return authored_article


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails are queued once the transaction commits and sent by a worker: both happen, as in production."""

    @contextlib.contextmanager
    def commit_and_work():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return commit_and_work


def test_moderators_are_emailed_when_a_comment_waits(client, article, moderator, settings, committed):
    settings.SITE_URL = "https://blog.clinic.example"
    UserFactory(email="no-permission@clinic.example", is_staff=True)

    with committed():
        post_comment(client, article, body="Is it painful?")

    comment = Comment.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["moderator@clinic.example"]
    assert "What Is Prolotherapy?" in message.subject
    assert "Is it painful?" in message.body
    assert f"https://blog.clinic.example/admin/blog/comment/{comment.pk}/change/" in message.body
    assert "https://blog.clinic.example/admin/blog/comment/?status__exact=pending" in message.body


def test_moderators_are_not_emailed_when_notifications_are_off(client, article, moderator, committed):
    DiscussionSettings.objects.update(notify_moderators=False)

    with committed():
        post_comment(client, article)

    assert mail.outbox == []


def test_spam_does_not_email_moderators(client, article, moderator, committed):
    with committed():
        post_comment(client, article, phone="bot")

    assert mail.outbox == []


def test_author_is_emailed_when_a_comment_is_approved(article, committed):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Great article")

    with committed():
        comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED)

    assert [message.to for message in mail.outbox] == [["author@clinic.example"]]
    assert "Great article" in mail.outbox[0].body
    assert f"#comment-{comment.pk}" in mail.outbox[0].body


def test_author_is_emailed_when_a_comment_is_published_at_once(client, article, committed):
    DiscussionSettings.objects.update(require_moderation=False)

    with committed():
        post_comment(client, article)

    assert [message.to for message in mail.outbox] == [["author@clinic.example"]]


def test_author_is_not_emailed_when_notifications_are_off(article, committed):
    DiscussionSettings.objects.update(notify_authors=False)
    CommentFactory(article=article, status=Comment.Status.PENDING)

    with committed():
        comment_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED)

    assert mail.outbox == []


def test_author_is_not_emailed_about_their_own_reply(client, article, committed):
    article.author.is_staff = True
    article.author.save()
    client.force_login(article.author)

    with committed():
        post_comment(client, article, name="", email="")

    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert mail.outbox == []


def test_approving_an_approved_comment_again_sends_nothing(article, committed):
    CommentFactory(article=article)

    with committed():
        assert comment_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED) == 0
    assert mail.outbox == []


def test_a_mail_server_that_is_down_never_breaks_commenting_or_approving(
    client, article, moderator, settings, committed
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    with committed():
        response = post_comment(client, article)
    with committed():
        changed = comment_set_status(comments=Comment.objects.all(), status=Comment.Status.APPROVED)

    assert response.status_code == 302
    assert changed == 1
    assert Comment.objects.get().status == Comment.Status.APPROVED
