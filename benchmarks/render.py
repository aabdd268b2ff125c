"""Uncached render time and SQL queries of the benchmark pages, in-process, printed as JSON.

Run with clinic.settings.prod and DJANGO_PAGE_CACHE_SECONDS=0 against a database filled by seed_bulk; the names
of pages given as arguments limit it to those pages.
"""

import json
import os
import random
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import timing  # noqa: E402

PAGES = {
    "home": "/",
    "article, 500 comments": "/blog/bulk-article-busy/",
    "article, 0 comments": "/blog/bulk-article-quiet/",
    "search": "/search/?q=ankle+sprain",
    # seed_bulk puts "prolotherapy" in every article's body and "ankle" in the titles of exactly three.
    "search, word in every article": "/search/?q=prolotherapy",
    "search, word in three articles": "/search/?q=ankle",
    # seed_bulk_pages' deepest page of its first section; 5 pages at 100 articles, 500 at 10,000.
    "page, 5 levels deep": "/bulk-section-0/bulk-0-1/bulk-0-2/bulk-0-3/bulk-0-4/",
}
RUNS = int(os.environ.get("BENCH_RENDER_RUNS", "25"))


def measure(client, url):
    figures = timing.measure(client, url, runs=RUNS, warmups=3)
    assert "status" not in figures, (url, figures)
    return figures


COLD_VISITS = int(os.environ.get("BENCH_COLD_VISITS", "200"))


def cold_visits(client):
    """The first visit of up to COLD_VISITS random articles (a fixed sample): nothing about them is remembered yet."""
    from blog.models import Article

    slugs = list(Article.objects.published().exclude(slug__in=["bulk-article-busy", "bulk-article-quiet"])
                 .values_list("slug", flat=True))  # fmt: skip
    sample = random.Random(2026).sample(slugs, min(COLD_VISITS, len(slugs)))
    times = []
    for slug in sample:
        start = time.perf_counter()
        response = client.get(f"/blog/{slug}/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (slug, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/blog/{sample[0]}/")
    return {"ms": statistics.median(times) * 1000, "queries": len(captured), "bytes": len(response.content)}


client = Client(SERVER_NAME="127.0.0.1")
chosen = sys.argv[1:] or list(PAGES)
figures = {name: measure(client, PAGES[name]) for name in chosen}
if not sys.argv[1:]:
    figures["article, first visit (median)"] = cold_visits(client)
print(json.dumps(figures))
