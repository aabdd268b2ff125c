"""The pages' background work (core/periodic.py runs it with no cron)."""

import datetime
import logging

from django_tasks import task

from core.periodic import periodic

from .services import pages_trash_purge

logger = logging.getLogger(__name__)


@periodic(every=datetime.timedelta(days=1))
@task()
def pages_trash_purge_daily():
    """Delete for good the pages in the Trash for longer than settings.TRASH_DAYS."""
    purged = pages_trash_purge()
    logger.info("Deleted %s page(s) from the Trash for good", purged)
    return purged
