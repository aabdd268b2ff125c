"""The floor: the smallest WSGI application that answers with given bytes, for gunicorn to serve.

BENCH_FLOOR_FILE names the file whose bytes every request gets, as text/html. BENCH_FLOOR_HEADERS, when set,
names a JSON file of the page's own headers (a list of [name, value]) to send with them instead of the two a
bare answer needs: then the floor answers with the same response as the page, headers and all.
"""

import json
import os

with open(os.environ["BENCH_FLOOR_FILE"], "rb") as page:
    BODY = page.read()
if os.environ.get("BENCH_FLOOR_HEADERS"):
    with open(os.environ["BENCH_FLOOR_HEADERS"]) as headers:
        HEADERS = [(name, value) for name, value in json.load(headers) if name.lower() != "content-length"]
else:
    HEADERS = [("Content-Type", "text/html; charset=utf-8")]
HEADERS.append(("Content-Length", str(len(BODY))))


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
