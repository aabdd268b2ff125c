"""The same delivery on the RQ backend (several machines), with a real RQ worker on the test Redis."""

import os
import subprocess
import sys

import django_rq
import pytest
from django_tasks_rq import Job
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from outbox.models import Email
from tests.helpers import queue_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def work(queue):
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


def test_an_rq_worker_sends_the_email(rq_tasks, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(subject="Through RQ")
    assert len(rq_tasks) == 1 and smtp.messages == []

    work(rq_tasks)

    assert len(smtp.messages) == 1
    assert Email.objects.get().status == Email.Status.SENT


def test_on_rq_the_task_is_queued_only_once_the_transaction_commits(rq_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as committed:
        queue_email(subject="Through RQ")
    assert len(rq_tasks) == 0  # Redis is no part of the transaction: a worker would not find the email yet

    for callback in committed:
        callback()

    assert len(rq_tasks) == 1


def test_on_rq_an_email_put_off_is_scheduled_for_its_next_try(rq_tasks, smtp, django_capture_on_commit_callbacks):
    smtp.refuse = "451 4.3.0 Mailbox busy, try again later"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(subject="Through RQ")

    work(rq_tasks)

    assert Email.objects.get().status == Email.Status.PENDING
    assert len(ScheduledJobRegistry(queue=rq_tasks)) == 1


def test_with_rq_the_admin_has_no_dashboard_that_every_staff_member_could_use():
    code = (
        "import django; django.setup(); from django.contrib import admin; from django.conf import settings; "
        "from django_rq.models import Dashboard; "
        "print('django_rq' in settings.INSTALLED_APPS, admin.site.is_registered(Dashboard))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings.dev", "REDIS_URL": "redis://127.0.0.1:6379/15",
                   "DJANGO_TASKS_BACKEND": "rq", "DATABASE_URL": "sqlite://:memory:"}  # fmt: skip

    printed = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)  # noqa: S603

    assert printed.stdout.split() == ["True", "False"]
