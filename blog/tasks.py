"""The blog's background work (core/periodic.py runs it with no cron)."""

import datetime
import logging

from django_tasks import task

from core.periodic import periodic

from .models import DiscussionSettings
from .services import articles_trash_purge, comment_tracking_data_purge

logger = logging.getLogger(__name__)


@periodic(every=datetime.timedelta(days=1))
@task()
def comment_tracking_data_purge_daily():
    """Erase commenters' IP addresses and user agents past the discussion settings' retention period."""
    days = DiscussionSettings.load().ip_retention_days
    purged = comment_tracking_data_purge(older_than_days=days)
    logger.info("Erased IP addresses and user agents from %s comment(s) older than %s days", purged, days)
    return purged


@periodic(every=datetime.timedelta(days=1))
@task()
def articles_trash_purge_daily():
    """Delete for good the articles in the Trash for longer than settings.TRASH_DAYS."""
    purged = articles_trash_purge()
    logger.info("Deleted %s article(s) from the Trash for good", purged)
    return purged
