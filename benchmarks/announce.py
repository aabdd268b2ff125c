"""A new article announced to 1,000 and then 10,000 confirmed subscribers by the worker of `make serve`, through a
real mail server on loopback (aiosmtpd): the time until the last email arrived, the connections the mail server
saw (one per batch of newsletter.services.ANNOUNCEMENT_BATCH) and the worker's peak memory, which must not grow
with the number of subscribers (each batch is a task of its own).
"""

import math
import os
import subprocess
import threading
import time
from pathlib import Path

SUBSCRIBERS = tuple(int(count) for count in os.environ.get("BENCH_SUBSCRIBERS", "1000,10000").split(","))
# The last email must have arrived by then, or the figures say it did not.
PATIENCE_SECONDS = 900

PREPARE = """
import sys
import django
django.setup()
from django.utils import timezone
from newsletter.models import Announcement, NewsletterSettings, Subscriber
from newsletter.services import ANNOUNCE_WITHIN, ANNOUNCEMENT_BATCH
from blog.models import Article
from outbox.models import Email
Announcement.objects.all().delete()
# What earlier parts left waiting (comment emails while the mail server was silent) would share the worker.
Email.objects.exclude(status="sent").delete()
Email.objects.filter(kind="New article").delete()
Subscriber.objects.all().delete()
NewsletterSettings.objects.update(paused=False)
count = int(sys.argv[1])
now = timezone.now()
# seed_bulk's articles of the last day are not news to these subscribers (the worker's sweep would announce them).
Announcement.objects.bulk_create(
    Announcement(article=article, status="skipped", reason="Before the benchmark", finished_at=now)
    for article in Article.objects.published().filter(published_at__gte=now - ANNOUNCE_WITHIN)
)
Subscriber.objects.bulk_create(
    (Subscriber(email=f"subscriber{n}@bench.example", status="confirmed", confirmed_at=now) for n in range(count)),
    batch_size=2000,
)
print(ANNOUNCEMENT_BATCH)
"""

# Published now: the article's save plans its announcement for the worker (newsletter.services).
PUBLISH = """
import django
django.setup()
from django.utils import timezone
from blog.models import Article
article = Article.objects.published().filter(announcement__isnull=True).order_by("pk").first()
article.published_at = timezone.now()
article.save()
"""


class Counter:
    """A mail server that takes every message and counts the subscribers' ones and the connections they came over."""

    def __init__(self):
        self.messages, self.addresses, self.connections, self.lock = 0, set(), set(), threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        subscribers = [address for address in envelope.rcpt_tos if address.endswith("@bench.example")]
        if subscribers:
            with self.lock:
                self.messages += len(subscribers)
                self.addresses.update(subscribers)
                self.connections.add(session.peer)
        return "250 OK"


def peak_memory_mb(pid):
    """The process's peak resident memory so far (Linux's VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def announce_figures(env, python, root):
    """{subscribers: {"seconds", "messages", "connections", "batches", "peak_mb", "idle_mb"}} for each count."""
    from aiosmtpd.controller import Controller

    from tools.production import free_port

    figures = {}
    for count in SUBSCRIBERS:
        counter = Counter()
        controller = Controller(counter, hostname="127.0.0.1", port=free_port())
        controller.start()
        mail_env = {**env, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "DJANGO_EMAIL_HOST": "127.0.0.1", "DJANGO_EMAIL_PORT": str(controller.port),
                    "DJANGO_EMAIL_TIMEOUT": "10"}  # fmt: skip
        prepared = subprocess.run([python, "-c", PREPARE, str(count)], cwd=root, env=mail_env, check=True,
                                  capture_output=True, text=True)  # fmt: skip
        batch = int(prepared.stdout.split()[-1])
        worker = subprocess.Popen([python, "manage.py", "worker"], cwd=root, env=mail_env,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            time.sleep(5)  # the worker starts and runs what was waiting (a benchmark, never a test)
            idle = peak_memory_mb(worker.pid)
            subprocess.run([python, "-c", PUBLISH], cwd=root, env=mail_env, check=True)
            start = time.perf_counter()
            while counter.messages < count and time.perf_counter() - start < PATIENCE_SECONDS:
                time.sleep(0.05)
            seconds = time.perf_counter() - start
            figures[count] = {
                "seconds": seconds,
                "messages": counter.messages,
                "addresses": len(counter.addresses),
                "connections": len(counter.connections),
                "batches": math.ceil(count / batch),
                "peak_mb": peak_memory_mb(worker.pid),
                "idle_mb": idle,
            }
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            controller.stop()
    return figures


def report(figures):
    print(f"\n{'announcement of a new article':32} {'emails':>7} {'seconds':>8} {'emails/s':>9} "
          f"{'connections':>12} {'batches':>8} {'worker MB idle/peak':>20}")  # fmt: skip
    for count, row in figures.items():
        print(f"{f'{count:,} subscribers':32} {row['messages']:>7} {row['seconds']:>8.1f} "
              f"{row['messages'] / row['seconds']:>9.0f} {row['connections']:>12} {row['batches']:>8} "
              f"{row['idle_mb']:>9.0f} / {row['peak_mb']:<8.0f}")  # fmt: skip
    small, large = figures[SUBSCRIBERS[0]], figures[SUBSCRIBERS[-1]]
    every = all(row["messages"] == row["addresses"] == count for count, row in figures.items())
    one_each = all(row["connections"] == row["batches"] for row in figures.values())
    print(f"  every subscriber emailed once             {'yes' if every else 'NO'}")
    print(f"  one connection per batch                  {'yes' if one_each else 'NO'}")
    ratio = large["peak_mb"] / small["peak_mb"]
    label = f"peak memory, {SUBSCRIBERS[-1]:,} / {SUBSCRIBERS[0]:,} subscribers"
    print(f"  {label:42} {ratio:5.2f}  (target <= 1.2)")
