"""The floor: the smallest WSGI application that answers with given bytes, for gunicorn to serve.

BENCH_FLOOR_FILE names the file whose bytes every request gets, as text/html.
"""

import os

with open(os.environ["BENCH_FLOOR_FILE"], "rb") as page:
    BODY = page.read()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
