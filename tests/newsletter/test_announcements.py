"""New articles announced by email: once per article and subscriber, when the article becomes visible, in
batches over one connection each, and the weekly digest."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from newsletter.models import Announcement, Delivery, NewsletterSettings, Subscriber
from newsletter.services import announcement_send_batch, digests_send_batch
from newsletter.tasks import announcement_send, announcements_sweep
from outbox.models import Email
from tests.factories import ArticleFactory, CategoryFactory
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


def subscribers(count, frequency=Subscriber.Frequency.EACH, status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.com", frequency=frequency, status=status, confirmed_at=timezone.now())
        for n in range(count)
    )


@pytest.fixture
def worker(django_capture_on_commit_callbacks, smtp, settings):
    """Commit, then run the queued tasks as a worker does; `smtp` receives."""
    settings.SITE_URL = "https://blog.clinic.example"

    def work():
        """Run tasks until none is left, committing after each round: tasks queue emails and tasks on commit."""
        while True:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                ran = run_tasks()
            if not ran and not callbacks:
                return

    class Worker:
        mail = smtp

        @staticmethod
        def commit():
            return django_capture_on_commit_callbacks(execute=True)

        run = staticmethod(work)

    return Worker


def publish(worker, **fields):
    """An article saved by an editor (published now unless told otherwise), then the worker's turn."""
    if not fields.get("draft"):
        fields.setdefault("published_at", timezone.now())
    with worker.commit():
        article = ArticleFactory(**fields)
    worker.run()
    return article


def recipients(smtp):
    return sorted(address for envelope in smtp.messages for address in envelope.rcpt_tos)


def test_a_published_article_is_emailed_once_to_each_confirmed_subscriber(worker):
    subscribers(3)
    Subscriber.objects.create(email="pending@example.com")
    Subscriber.objects.create(email="weekly@example.com", frequency="weekly", status="confirmed")

    article = publish(worker, title="Knee pain and PRP", excerpt="What the studies say.")
    with worker.commit():
        article.title = "Knee pain and PRP, updated"
        article.save()
    worker.run()
    with worker.commit():
        announcements_sweep.call()
    worker.run()

    assert recipients(worker.mail) == ["reader0@example.com", "reader1@example.com", "reader2@example.com"]
    message = worker.mail.messages[0].original_content.decode()
    assert "Knee pain and PRP" in message and "What the studies say." in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    assert Announcement.objects.get().status == Announcement.Status.SENT


def test_a_scheduled_article_is_announced_when_it_becomes_visible_and_not_before(worker):
    subscribers(2)
    publish_at = timezone.now() + datetime.timedelta(hours=3)

    publish(worker, title="Coming soon", published_at=publish_at)
    assert worker.mail.messages == []

    with time_machine.travel(publish_at + datetime.timedelta(seconds=1)):
        worker.run()
    assert recipients(worker.mail) == ["reader0@example.com", "reader1@example.com"]


def test_moving_a_scheduled_article_re_plans_its_announcement(worker):
    subscribers(1)
    first = timezone.now() + datetime.timedelta(hours=1)
    article = publish(worker, published_at=first)
    with worker.commit():
        article.published_at = first + datetime.timedelta(hours=2)
        article.save()

    with time_machine.travel(first + datetime.timedelta(minutes=1)):
        worker.run()
    assert worker.mail.messages == []
    with time_machine.travel(first + datetime.timedelta(hours=2, minutes=1)):
        worker.run()
    assert len(worker.mail.messages) == 1


def test_drafts_quiet_categories_and_pauses_are_not_announced(worker):
    subscribers(1)
    quiet = CategoryFactory(name="Clinic news")
    NewsletterSettings.load().quiet_categories.add(quiet)

    publish(worker, draft=True)
    publish(worker, category=quiet, title="We moved")
    NewsletterSettings.objects.update(paused=True)
    publish(worker, title="Written while paused")
    NewsletterSettings.objects.update(paused=False)
    with worker.commit():
        announcements_sweep.call()
    worker.run()

    assert worker.mail.messages == []
    reasons = dict(Announcement.objects.values_list("article__title", "reason"))
    assert reasons == {
        "We moved": "Articles in “Clinic news” are not announced.",
        "Written while paused": "Announcements were paused.",
    }


def test_an_old_article_saved_again_is_not_announced(worker):
    subscribers(1)
    with worker.commit():
        old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=400))
        old.title = "An old article, revised"
        old.save()
    worker.run()
    with worker.commit():
        announcements_sweep.call()
    worker.run()

    assert worker.mail.messages == [] and not Announcement.objects.exists()


def test_an_announcement_goes_in_batches_each_over_one_connection(worker):
    subscribers(7)
    with worker.commit():
        article = ArticleFactory(published_at=timezone.now())
        announcement = Announcement.objects.create(article=article)
        queued = [announcement_send_batch(announcement, size=3) for _ in range(4)]
    worker.run()

    assert queued == [3, 3, 1, 0]
    assert len(worker.mail.messages) == 7
    assert len(worker.mail.connections) == 3
    assert Announcement.objects.get().status == Announcement.Status.SENT


def test_a_worker_stopped_mid_announcement_sends_the_rest_once_started_again(worker):
    subscribers(5)
    with worker.commit():
        article = ArticleFactory(published_at=timezone.now())
        announcement = Announcement.objects.create(article=article)
        announcement_send_batch(announcement, size=2)
    # The worker died here: the first batch is stored with its deliveries, its emails not yet sent.
    with worker.commit():
        announcements_sweep.call()
    worker.run()
    with worker.commit():
        announcement_send.call(announcement.pk)
    worker.run()

    assert recipients(worker.mail) == [f"reader{n}@example.com" for n in range(5)]
    assert Delivery.objects.count() == Email.objects.filter(kind="New article").count() == 5


def test_the_weekly_digest_lists_the_week_s_articles_once(worker):
    NewsletterSettings.objects.update(digest_weekday=0, digest_hour=8)
    monday = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 0))
    with time_machine.travel(monday - datetime.timedelta(days=6), tick=False):
        confirmed = timezone.now() - datetime.timedelta(hours=1)
        Subscriber.objects.create(
            email="weekly@example.com", frequency="weekly", status="confirmed", confirmed_at=confirmed
        )
        publish(worker, title="First of the week")
        publish(worker, title="Second of the week")

    with time_machine.travel(monday, tick=False):
        with worker.commit():
            digests_send_batch()
            digests_send_batch()
        worker.run()

    assert recipients(worker.mail) == ["weekly@example.com"]
    digest = worker.mail.messages[0].original_content.decode()
    assert "First of the week" in digest and "Second of the week" in digest
    assert Article.objects.count() == 2


def test_a_batch_keeps_out_the_subscribers_another_worker_emailed_while_it_rendered(worker, monkeypatch):
    from newsletter import services
    from outbox.services import email_build

    readers = subscribers(3)
    with worker.commit():
        article = ArticleFactory(published_at=timezone.now())
        announcement = Announcement.objects.create(article=article)

    def rendered_while_another_worker_stores_one(**email):
        if not Delivery.objects.exists():
            other = email_build(**{**email, "subject": "the other worker's"})
            other.save()
            Delivery.objects.create(announcement=announcement, subscriber=readers[0], email=other)
        return email_build(**email)

    monkeypatch.setattr(services, "email_build", rendered_while_another_worker_stores_one)
    with worker.commit():
        announcement_send_batch(announcement)

    assert Delivery.objects.filter(subscriber=readers[0]).count() == 1
    assert Delivery.objects.count() == Email.objects.filter(kind="New article").count() == 3


def test_an_announcement_is_never_deleted_on_its_own_but_goes_with_its_article(worker, editor_client):
    subscribers(1)
    article = publish(worker)
    announcement = Announcement.objects.get(article=article)
    changelist = reverse("admin:newsletter_announcement_changelist")

    assert editor_client.get(reverse("admin:newsletter_announcement_delete", args=[announcement.pk])).status_code == 403
    assert "delete_selected" not in editor_client.get(changelist).content.decode()
    assert (
        "deletelink"
        not in editor_client.get(
            reverse("admin:newsletter_announcement_change", args=[announcement.pk])
        ).content.decode()
    )
    delete = reverse("admin:blog_article_delete", args=[article.pk])
    editor_client.post(delete, {"post": "yes"})  # to the Trash: the announcement stays, for a restore
    assert Announcement.objects.exists()
    deleted = editor_client.post(delete, {"post": "yes"})  # deleted for good, from the Trash
    assert deleted.status_code == 302 and not Announcement.objects.exists()


def test_an_article_without_an_excerpt_is_announced_with_the_start_of_its_text(worker):
    subscribers(1)
    publish(worker, excerpt="", body="<p>Prolotherapy helps <strong>ligaments</strong> heal.</p>")

    message = worker.mail.messages[0]
    assert b"Prolotherapy helps ligaments heal." in message.content


def test_a_batch_leaves_out_whoever_unsubscribed_while_it_rendered(worker, monkeypatch):
    from newsletter import services
    from outbox.services import email_build

    readers = subscribers(2)
    with worker.commit():
        announcement = Announcement.objects.create(article=ArticleFactory(published_at=timezone.now()))

    def rendered_while_one_unsubscribes(**email):
        Subscriber.objects.filter(pk=readers[1].pk).update(status=Subscriber.Status.UNSUBSCRIBED)
        return email_build(**email)

    monkeypatch.setattr(services, "email_build", rendered_while_one_unsubscribes)
    with worker.commit():
        announcement_send_batch(announcement)
    worker.run()

    assert recipients(worker.mail) == [readers[0].email]
