"""The newsletter's background work: announcing an article when its time comes, sending announcements and the
weekly digest in batches, and forgetting who used the subscribe form (core/periodic.py runs it with no cron)."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from blog.models import Article
from core.periodic import periodic

from .models import Announcement, SubscribeRequest
from .services import ANNOUNCE_WITHIN, announcement_send_batch, article_announce, digests_send_batch

logger = logging.getLogger(__name__)


@task()
def article_announce_task(article_id):
    """Announce the article if it is visible now and was never announced (planned for its publication time)."""
    article = Article.objects.filter(pk=article_id).first()
    announcement = article_announce(article) if article is not None else None
    if announcement is not None and announcement.status == Announcement.Status.SENDING:
        announcement_send.enqueue(announcement.pk)


@task()
def announcement_send(announcement_id):
    """Queue one batch of the announcement's emails, then the next batch as a task of its own until none are
    left: a worker stopped mid-way leaves the rest for the sweep."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is not None and announcement_send_batch(announcement):
        announcement_send.enqueue(announcement_id)


@periodic(every=datetime.timedelta(minutes=5))
@task()
def announcements_sweep():
    """Catch what a plan missed: articles visible for less than a day and never announced, and announcements
    a stopped worker left half sent."""
    since = timezone.now() - ANNOUNCE_WITHIN
    for article in Article.objects.published().filter(published_at__gte=since, announcement__isnull=True):
        article_announce_task.call(article.pk)
    for pk in Announcement.objects.filter(status=Announcement.Status.SENDING).values_list("pk", flat=True):
        announcement_send.enqueue(pk)


@periodic(every=datetime.timedelta(minutes=15))
@task()
def digests_send():
    """Queue the weekly digest to those whose week has come, a batch a task."""
    if digests_send_batch():
        digests_send_more.enqueue()


@task()
def digests_send_more():
    """The next batch of the digest (not periodic itself: each periodic run plans one next run)."""
    if digests_send_batch():
        digests_send_more.enqueue()


@periodic(every=datetime.timedelta(days=1))
@task()
def subscribe_requests_purge_daily():
    """Forget the client addresses of the subscribe form after a day."""
    return SubscribeRequest.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()[0]
