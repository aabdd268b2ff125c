"""Upkeep of the task queue itself (core/periodic.py runs it with no cron)."""

import datetime
import io

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django_tasks import task

from .periodic import periodic

DATABASE_BACKEND, RQ_BACKEND = "django_tasks_db.DatabaseBackend", "django_tasks_rq.RQBackend"


def queue_backend():
    """The configured queue's backend, as settings.TASKS names it."""
    return settings.TASKS["default"]["BACKEND"]


def enqueue_on_commit(task, *args):
    """Queue `task(*args)` for a worker, to run only if the current transaction commits.

    On the database queue the task is written in that transaction itself: it commits with its cause or not at
    all, and a request takes the write lock once instead of twice (on SQLite the lock is the whole database's, and
    comment POSTs queue at it). Any other queue is told once the transaction has committed.
    """
    if queue_backend() == DATABASE_BACKEND:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


# Days a finished task's result is kept on the database queue (RQ keeps its own for a shorter while).
TASK_RESULTS_KEPT_DAYS = 14


@periodic(every=datetime.timedelta(days=1))
@task()
def task_results_prune_daily():
    """Delete the database queue's results of tasks finished more than TASK_RESULTS_KEPT_DAYS ago."""
    if queue_backend() != DATABASE_BACKEND:
        return ""
    output = io.StringIO()
    call_command("prune_db_task_results", "--min-age-days", str(TASK_RESULTS_KEPT_DAYS), stdout=output)
    return output.getvalue().strip()
