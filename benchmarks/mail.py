"""Comment POSTs while the mail server answers, then while it accepts connections and never says a word: the
request must not wait for it (every email is sent by a worker, outbox/). Against gunicorn with the worker of
`make serve` running beside it, on the 10,000-article set, with a moderator to notify of every held comment.

As a script: mail.py URL POSTS THREADS FIRST posts comments from distinct loopback addresses and prints each one's
latency in seconds as JSON.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

# Per mail server; the p99 of 400 was the 4th slowest post, one convoy at SQLite's write lock away from another.
POSTS = int(os.environ.get("BENCH_MAIL_POSTS", "1200"))
THREADS = 8
MODERATOR = """
import django
django.setup()
from django.contrib.auth.models import Permission
from django.contrib.auth import get_user_model
moderator = {"email": "moderator@bench.example", "is_staff": True}
user, _ = get_user_model().objects.get_or_create(username="bench-moderator", defaults=moderator)
user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
from blog.models import DiscussionSettings
DiscussionSettings.objects.update(require_moderation=True, notify_moderators=True)
"""


EMAILS = """
import django
django.setup()
from outbox.models import Email
print(Email.objects.filter(status="sent").count(), Email.objects.exclude(status="sent").count())
"""


def answering_server():
    """A mail server that takes every message (aiosmtpd, in this process); returns (port, stop)."""
    from aiosmtpd.controller import Controller

    from tools.production import free_port

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller.port, controller.stop


def silent_server():
    """A mail server that accepts connections and never answers; returns (port, stop)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    return listener.getsockname()[1], listener.close


# The mail servers in turn, each twice, in the order A B B A: whatever drifts during a run (the database and its
# write-ahead log grow, the machine warms up) weighs on both alike; each phase posts POSTS / 2 comments.
ORDER = ("answering", "silent", "silent", "answering")
SERVERS = {"answering": answering_server, "silent": silent_server}


def mail_figures(env, python, root):
    """{"answering": {...}, "silent": {...}}: comment POST latency with each mail server, the worker running."""
    from tools.production import Server

    subprocess.run([python, "-c", MODERATOR], cwd=root, env=env, check=True)
    latencies = {name: [] for name in SERVERS}
    counted = {}
    per_phase = POSTS // 2
    for phase, name in enumerate(ORDER):
        port, stop = SERVERS[name]()
        mail_env = {**env, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "DJANGO_EMAIL_HOST": "127.0.0.1", "DJANGO_EMAIL_PORT": str(port),
                    "DJANGO_EMAIL_TIMEOUT": "10"}  # fmt: skip
        worker = subprocess.Popen([python, "manage.py", "worker"], cwd=root, env=mail_env,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            with Server(mail_env, workers=4) as server:
                result = subprocess.run(
                    [python, str(root / "benchmarks" / "mail.py"), server.url, str(per_phase), str(THREADS),
                     str(phase * per_phase)],
                    cwd=root, env=mail_env, capture_output=True, text=True,
                )  # fmt: skip
            if result.returncode:
                raise RuntimeError(f"benchmarks/mail.py failed: {result.stderr[:3000]}")
            latencies[name] += json.loads(result.stdout.strip().splitlines()[-1])
            time.sleep(5)  # the worker's moment to send what was queued (only counted, never waited on in a test)
            done = subprocess.run([python, "-c", EMAILS], cwd=root, env=env, check=True, capture_output=True,
                                  text=True)  # fmt: skip
            counted[name] = [int(count) for count in done.stdout.split()]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            stop()
    figures = {}
    for name, found in latencies.items():
        found.sort()
        figures[name] = {
            "posts": len(found),
            "p50_ms": statistics.median(found) * 1000,
            "p99_ms": found[int(len(found) * 0.99)] * 1000,
            # Emails sent and not yet, in the whole database, after this server's last phase.
            "sent": counted[name][0],
            "not_sent": counted[name][1],
        }
    return figures


def report(figures):
    answering, silent = figures["answering"], figures["silent"]
    print(f"\n{'comment POST, 10,000 articles':32} {'posts':>6} {'p50 ms':>7} {'p99 ms':>7}   emails sent / not yet")
    for name, row in (("mail server answering", answering), ("mail server silent", silent)):
        print(f"{name:32} {row['posts']:>6} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f}   "
              f"{row['sent']} / {row['not_sent']} (all so far)")  # fmt: skip
    print(
        f"  silent / answering, p50                    {silent['p50_ms'] / answering['p50_ms']:5.2f}  (target <= 1.2)"
    )
    print(
        f"  silent / answering, p99                    {silent['p99_ms'] / answering['p99_ms']:5.2f}  (target <= 1.2)"
    )


def post_comments(url, posts, threads, first):
    """`posts` comments from `threads` threads, each from its own loopback address (from the `first`-th on: the
    flood limit takes one comment per address every 15 s)."""
    import http.client

    import django

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    django.setup()
    from django.core import signing

    from blog.forms import FORM_TIMESTAMP_SALT
    from blog.models import Article

    host, port = urlsplit(url).hostname, urlsplit(url).port
    articles = list(Article.objects.published().values_list("pk", "slug")[:posts])
    latencies, refused, lock = [], [], threading.Lock()

    def one(n):
        n += first
        pk, slug = articles[n % len(articles)]
        # New commenters (seed_bulk's readers are known, and approved at once): each comment waits for moderation.
        form = {"name": f"New reader {n}", "email": f"new.reader{n}@example.org", "consent": "on",
                "body": f"A question from reader {n}: how long does the recovery take?",
                "started": signing.dumps([pk, time.time() - 30], salt=FORM_TIMESTAMP_SALT)}  # fmt: skip
        source = f"127.{1 + n // 62500 % 250}.{n // 250 % 250}.{1 + n % 250}"
        connection = http.client.HTTPConnection(host, port, timeout=60, source_address=(source, 0))
        start = time.perf_counter()
        connection.request("POST", f"/blog/{slug}/comment/", body=urlencode(form),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        connection.close()
        with lock:
            if response.status in (302, 303):
                latencies.append(elapsed)
            else:
                refused.append(response.status)

    def run(offset):
        for n in range(offset, posts, threads):
            one(n)

    workers = [threading.Thread(target=run, args=(offset,)) for offset in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if refused:
        raise SystemExit(f"{len(refused)} comments were not taken: HTTP {sorted(set(refused))}")
    print(json.dumps(latencies))


if __name__ == "__main__":
    post_comments(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
