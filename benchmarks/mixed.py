"""The traffic a clinic site gets, against a running server: prints reads-only and mixed figures as JSON.

Usage (the environment of the server: same database, cache and secret key): mixed.py URL SECONDS CONNECTIONS.
Mixed: 80 % article reads over every article with a Zipf-like skew, 15 % searches (popular ones repeat), 5 %
comment posts from distinct readers (each from its own loopback address, with a form shown 30 s earlier), and
an editor approving held comments every second while it runs. Reads-only: the same reads, nothing else.
Loopback only; every loop is bounded by the duration.
"""

import bisect
import http.client
import json
import os
import random
import sys
import threading
import time
from itertools import accumulate
from urllib.parse import urlencode, urlsplit

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.core import signing  # noqa: E402
from django.db import close_old_connections  # noqa: E402

from blog.forms import FORM_TIMESTAMP_SALT  # noqa: E402
from blog.models import Article, Comment  # noqa: E402
from blog.services import comment_set_status  # noqa: E402

SEARCHES = ["knee", "tendon", "recovery", "ankle sprain", "joint pain", "prp", "injection", "shoulder", "back pain"]


class Traffic:
    def __init__(self, url, seconds, connections, mixed):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.seconds, self.connections, self.mixed = seconds, connections, mixed
        articles = list(Article.objects.published().order_by("-published_at").values_list("pk", "slug"))
        self.articles = articles
        # Zipf-like: the n-th newest article is read about 1/n^1.1 as often as the newest.
        self.weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(articles))))
        self.lock = threading.Lock()
        self.latencies, self.reads, self.read_hits, self.gets, self.get_hits, self.posts = [], 0, 0, 0, 0, 0
        self.next_address = 0

    def article(self, rng):
        return self.articles[bisect.bisect(self.weights, rng.random() * self.weights[-1])]

    def address(self):
        with self.lock:
            self.next_address += 1
            n = self.next_address
        return f"127.{1 + n // 65000 % 250}.{n // 250 % 250}.{1 + n % 250}"

    def request(self, method, path, body=None, source=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(source, 0) if source else None
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        connection.close()
        return response, elapsed

    def worker(self, seed, deadline):
        rng = random.Random(seed)
        mine = []
        while time.monotonic() < deadline:
            roll = rng.random() if self.mixed else 0.0
            if roll < 0.80:
                pk, slug = self.article(rng)
                response, elapsed = self.request("GET", f"/blog/{slug}/")
                hit = response.getheader("X-Page-Cache") == "hit"
                with self.lock:
                    self.reads, self.read_hits = self.reads + 1, self.read_hits + hit
                    self.gets, self.get_hits = self.gets + 1, self.get_hits + hit
            elif roll < 0.95:
                response, elapsed = self.request("GET", f"/search/?{urlencode({'q': rng.choice(SEARCHES)})}")
                with self.lock:
                    self.gets += 1
                    self.get_hits += response.getheader("X-Page-Cache") == "hit"
            else:
                pk, slug = self.article(rng)
                reader = rng.randrange(10**9)
                form = {
                    "name": f"Reader {reader}",
                    "email": f"reader{reader}@example.com",
                    "body": f"Thank you, a question from reader {reader}: how long does recovery take?",
                    "consent": "on",
                    "started": signing.dumps([pk, time.time() - 30], salt=FORM_TIMESTAMP_SALT),
                }
                response, elapsed = self.request(
                    "POST", f"/blog/{slug}/comment/", body=urlencode(form), source=self.address()
                )
                with self.lock:
                    self.posts += 1
            mine.append(elapsed)
        with self.lock:
            self.latencies += mine

    def approver(self, deadline):
        """An editor approving up to two held comments a second while the traffic runs."""
        while time.monotonic() < deadline:
            held = Comment.objects.pending().order_by("pk").values_list("pk", flat=True)[:2]
            comment_set_status(comments=Comment.objects.filter(pk__in=list(held)), status=Comment.Status.APPROVED)
            close_old_connections()
            time.sleep(1)  # the editor's pace, not a wait for a result

    def run(self):
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self.worker, args=(n, deadline)) for n in range(self.connections)]
        if self.mixed:
            threads.append(threading.Thread(target=self.approver, args=(deadline,)))
        approved_before = Comment.objects.approved().count()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        latencies = sorted(self.latencies)
        return {
            "rate": len(latencies) / elapsed,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
            "article_hit_rate": self.read_hits / max(self.reads, 1),
            "hit_rate": self.get_hits / max(self.gets, 1),
            "posts": self.posts,
            "approved": Comment.objects.approved().count() - approved_before,
        }


def main(url, seconds, connections):
    reads_only = Traffic(url, seconds, connections, mixed=False).run()
    mixed = Traffic(url, seconds, connections, mixed=True).run()
    print(json.dumps({"reads only": reads_only, "mixed": mixed}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
