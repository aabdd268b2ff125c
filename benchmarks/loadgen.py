"""A small HTTP load generator for machines without wrk: prints [requests/s, p50 ms, p99 ms] as JSON.

Usage: loadgen.py URL CONNECTIONS SECONDS. Loopback only; every loop is bounded by the duration.
"""

import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def main(url, connections, seconds):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + seconds
    latencies, lock = [], threading.Lock()

    def worker():
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(json.dumps([len(ordered) / seconds, statistics.median(ordered) * 1000, p99 * 1000]))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
