"""SQL queries per page stay the same however many articles and comments there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorProfileFactory, CategoryFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda data: reverse("blog:article-list"),
    "article": lambda data: data["article"].get_absolute_url(),
    "category": lambda data: data["category"].get_absolute_url(),
    "tag": lambda data: data["tag"].get_absolute_url(),
    "author": lambda data: data["profile"].get_absolute_url(),
    "year": lambda data: reverse("blog:archive-year", kwargs={"year": data["article"].published_at.year}),
    "search": lambda data: reverse("blog:search") + "?q=tendon",
    "feed": lambda data: reverse("blog:feed-rss"),
    "category-feed": lambda data: reverse("blog:category-feed-atom", kwargs={"slug": data["category"].slug}),
    "sitemap": lambda data: reverse("sitemap"),
}
LIMITS = {"article": 11}


def build(articles, comments):
    profile = AuthorProfileFactory()
    category, tag = CategoryFactory(), TagFactory()
    made = ArticleFactory.create_batch(
        articles, author=profile.user, category=category, tags=[tag], body="<p>tendon healing</p>"
    )
    CommentFactory.create_batch(comments, article=made[-1])
    return {"article": made[-1], "category": category, "tag": tag, "profile": profile}


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page_name", PAGES)
def test_queries_per_page_do_not_grow_with_content(client, settings, page_name):
    settings.PAGE_CACHE_SECONDS = 0
    small = build(articles=2, comments=1)
    small_count = queries(client, PAGES[page_name](small))

    large = build(articles=25, comments=500)
    large_count = queries(client, PAGES[page_name](large))

    assert large_count <= small_count
    assert large_count <= LIMITS.get(page_name, 8)
