"""A real worker process (`manage.py worker`) killed in the middle of an announcement and started again: every
subscriber gets it once. The one email on the wire when the worker died is never sent again by itself: it is
flagged for an editor ("may or may not have arrived")."""

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsletter.models import Delivery, Subscriber
from outbox.models import Email
from outbox.tasks import emails_sweep
from tests.factories import ArticleFactory
from tests.mailserver import Recorder, free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 12
TAKEN_BEFORE_THE_KILL = 5
# A real process starts, queries and sends: generous, since CI machines may be busy. Polled, never slept through.
PATIENCE_SECONDS = 60


class HeldServer(Recorder):
    """Takes TAKEN_BEFORE_THE_KILL messages, then holds the next one unanswered until `release` (then puts it off)."""

    def __init__(self):
        super().__init__()
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) >= TAKEN_BEFORE_THE_KILL and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def held_server():
    recorder = HeldServer()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield recorder, controller.port
    recorder.release.set()
    controller.stop()


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(port, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings.dev",
        "DATABASE_URL": database_url(),
        "DJANGO_TASKS_BACKEND": "database",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SITE_URL": "https://blog.clinic.example",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_TIMEOUT": "2",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def until(condition, what, log):
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"The worker never got there: {what}.\n{Path(log.name).read_text()[-3000:]}")
        time.sleep(0.1)


def test_a_worker_killed_mid_announcement_and_started_again_never_sends_an_email_twice(held_server, tmp_path):
    server, port = held_server
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n:02}@example.com", status="confirmed", confirmed_at=timezone.now())
        for n in range(SUBSCRIBERS)
    )
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(seconds=1))

    with open(tmp_path / "worker.log", "w") as log:
        first = start_worker(port, log)
        try:
            until(server.holding.is_set, "the sixth email on the wire", log)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        server.release.set()
        assert len(server.messages) == TAKEN_BEFORE_THE_KILL
        assert Email.objects.filter(status=Email.Status.SENDING).count() == 1

        # The five-minute sweep, once it is due: the email on the wire is flagged, the rest queued again.
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            swept = emails_sweep.call()
        assert swept == {"queued": SUBSCRIBERS - TAKEN_BEFORE_THE_KILL - 1, "interrupted": 1}

        second = start_worker(port, log)
        try:
            until(lambda: Email.objects.filter(status=Email.Status.SENT).count() == SUBSCRIBERS - 1, "all sent", log)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=PATIENCE_SECONDS)

    received = sorted(address for envelope in server.messages for address in envelope.rcpt_tos)
    assert len(received) == len(set(received)) == SUBSCRIBERS - 1
    flagged = Email.objects.get(status=Email.Status.FAILED)
    assert "may or may not have arrived" in flagged.last_error
    assert flagged.to[0] not in received
    assert Delivery.objects.filter(announcement__article=article).count() == SUBSCRIBERS
