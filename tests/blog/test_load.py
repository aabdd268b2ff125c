"""Many people commenting at once: every comment is stored exactly once and nobody gets an error.

Runs on PostgreSQL (CI's second pass): SQLite's test database lives in memory and serializes writers. The
flood limit (COMMENT_RATE_LIMIT_SECONDS, one comment per address every 15 s) is turned off for this test: all
its clients come from 127.0.0.1, where in production they would be 20 different addresses.
"""

import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import connection

from blog.models import Comment
from tests.factories import ArticleFactory, comment_form_data, comment_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (runs in CI's second pass)"),
]

CLIENTS, PER_CLIENT, READERS = 20, 100, 4


def status_of(request):
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_two_thousand_comments_from_twenty_clients_are_all_stored_once(live_server, settings):
    settings.COMMENT_RATE_LIMIT_SECONDS = 0
    article = ArticleFactory(slug="busy-article")
    url = live_server.url + article.get_absolute_url()
    post_url = live_server.url + comment_url(article)
    opener = urllib.request.build_opener(NoRedirect)
    posted, read, running = Counter(), Counter(), threading.Event()
    running.set()

    def commenter(client):
        for number in range(PER_CLIENT):
            data = comment_form_data(
                article, name=f"Client {client}", email=f"c{client}@example.com", body=f"{client}-{number}"
            )
            request = urllib.request.Request(post_url, data=urlencode(data).encode(), method="POST")
            try:
                posted[opener.open(request, timeout=60).status] += 1
            except urllib.error.HTTPError as error:
                posted[error.code] += 1

    def reader():
        while running.is_set():
            read[status_of(urllib.request.Request(url))] += 1
            time.sleep(0.05)

    readers = [threading.Thread(target=reader) for _ in range(READERS)]
    writers = [threading.Thread(target=commenter, args=(client,)) for client in range(CLIENTS)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    running.clear()
    for thread in readers:
        thread.join()

    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert posted == {302: CLIENTS * PER_CLIENT}
    assert len(bodies) == CLIENTS * PER_CLIENT
    assert len(set(bodies)) == len(bodies)
    assert set(read) == {200} and read[200] > 0
