"""What "scheduled" and "overdue for review" mean: one definition each, used wherever they matter."""

import datetime

import pytest
from django.utils import timezone

from blog.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_scheduled_articles_are_published_ones_whose_time_has_not_come():
    soon = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    later = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    ArticleFactory()
    ArticleFactory(draft=True)

    assert list(Article.objects.scheduled().order_by("published_at")) == [soon, later]
    assert Article.objects.next_publication_at() == soon.published_at


def test_without_a_scheduled_article_there_is_no_next_publication():
    ArticleFactory()

    assert Article.objects.next_publication_at() is None


def test_an_article_is_overdue_for_review_the_day_after_its_review_date(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 10, 12, 0, tzinfo=datetime.timezone.utc), tick=False)
    today = timezone.localdate()
    due_today = ArticleFactory(next_review_at=today)
    overdue = ArticleFactory(next_review_at=today - datetime.timedelta(days=1))
    reader_is_on = ArticleFactory()

    assert list(Article.objects.review_overdue()) == [overdue]
    assert overdue not in Article.objects.related_to(reader_is_on, 10)
    assert due_today in Article.objects.related_to(reader_is_on, 10)
