"""Periodic work with no cron: the worker queues each periodic task once, and each run queues the next."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Comment
from core.management.commands.worker import queued_on_database
from core.periodic import periodic_plan, periodic_tasks
from outbox.models import Email
from tests.factories import CommentFactory
from tests.helpers import queue_email, run_tasks

pytestmark = pytest.mark.django_db

PURGE = "blog.tasks.comment_tracking_data_purge_daily"
SWEEP = "outbox.tasks.emails_sweep"


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=False)


def queued(path):
    return DBTaskResult.objects.filter(task_path=path, status="READY")


def test_a_starting_worker_queues_each_periodic_task_once_however_often_it_starts():
    assert {PURGE, SWEEP} <= set(periodic_tasks())

    periodic_plan(queued_on_database)
    periodic_plan(queued_on_database)

    assert queued(PURGE).count() == 1 and queued(SWEEP).count() == 1


def test_finished_task_results_are_pruned_after_two_weeks(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="a@clinic.example", subject="Old")
    run_tasks()
    assert DBTaskResult.objects.filter(task_path="outbox.tasks.emails_deliver").count() == 1

    with later(days=15):
        periodic_plan(queued_on_database)
        run_tasks()

    assert not DBTaskResult.objects.filter(task_path="outbox.tasks.emails_deliver").exists()


def test_the_daily_purge_erases_old_addresses_and_comes_back_the_next_day_by_itself():
    old = CommentFactory(created_at=timezone.now() - datetime.timedelta(days=61), ip_address="203.0.113.7")
    periodic_plan(queued_on_database)

    run_tasks()

    assert Comment.objects.get(pk=old.pk).ip_address is None
    [next_run] = queued(PURGE)
    assert next_run.run_after - timezone.now() > datetime.timedelta(hours=23)
    newer = CommentFactory(created_at=timezone.now() - datetime.timedelta(days=60, hours=12), ip_address="203.0.113.8")
    with later(hours=12):
        run_tasks()
        assert Comment.objects.get(pk=newer.pk).ip_address == "203.0.113.8"  # not yet due
    with later(days=1, minutes=1):
        run_tasks()
        assert Comment.objects.get(pk=newer.pk).ip_address is None
    assert queued(PURGE).count() == 1


def test_the_sweep_sends_an_email_whose_task_was_lost_and_flags_one_a_stopped_worker_left(smtp):
    lost = queue_email(to="a@clinic.example", subject="Lost task", deliver=False)
    stuck = queue_email(to="b@clinic.example", subject="Stuck", deliver=False)
    Email.objects.filter(pk=stuck.pk).update(status=Email.Status.SENDING, attempts=1)

    with later(minutes=10):
        periodic_plan(queued_on_database)
        run_tasks()

    assert Email.objects.get(pk=lost.pk).status == Email.Status.SENT
    flagged = Email.objects.get(pk=stuck.pk)
    assert flagged.status == Email.Status.FAILED and "may or may not have arrived" in flagged.last_error
    assert len(smtp.messages) == 1
