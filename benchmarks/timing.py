"""Timing one page in-process with Django's test client (for render.py and admin.py, after django.setup())."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def measure(client, url, *, runs, warmups):
    """The fastest of `runs` answers to `url` after `warmups`, its SQL queries and size; {"status": ...} when the
    page does not answer 200."""
    for _ in range(warmups):
        response = client.get(url)
        if response.status_code != 200:
            return {"status": response.status_code}
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read now: the next request empties the connection's query log.
    queries = len(captured)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    # The fastest run: what the code costs, with the least of the machine's other work mixed in (as timeit).
    return {"ms": min(times) * 1000, "queries": queries, "bytes": len(response.content)}
