"""Identical or rapid comments sent at the same moment: the duplicate check and the flood limit still hold.

Real threads post through the whole view at once (a barrier releases them together), on SQLite and on
PostgreSQL, each on its own database connection.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from blog.models import Comment
from tests.factories import ArticleFactory, comment_form_data, comment_url

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, ROUNDS = 8, 4


def at_once(post):
    """Run `post(index)` in THREADS threads released together; return what each answered."""
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def run(index):
        try:
            barrier.wait()
            answers[index] = post(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_identical_comments_sent_at_once_are_stored_once(round_):
    article = ArticleFactory()
    data = comment_form_data(article, body=f"Is PRP painful? ({round_})")

    answers = at_once(lambda index: Client().post(comment_url(article), data, REMOTE_ADDR=f"198.51.100.{index}"))

    assert sorted(answer.status_code for answer in answers) == [302] + [400] * (THREADS - 1)
    assert Comment.objects.filter(article=article).count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_comments_from_one_address_sent_at_once_are_stored_once(round_):
    article = ArticleFactory()

    def post(index):
        data = comment_form_data(article, email=f"reader{index}@example.com", body=f"Question {index} ({round_})")
        return Client().post(comment_url(article), data, REMOTE_ADDR="203.0.113.1")

    answers = at_once(post)

    assert sorted(answer.status_code for answer in answers) == [302] + [429] * (THREADS - 1)
    assert Comment.objects.filter(article=article).count() == 1
