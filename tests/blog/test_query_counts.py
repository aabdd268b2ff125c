"""SQL queries per page stay the same however many articles and comments there are.

Each page is measured cold: parts of pages kept by `core.pagecache.remember` (article counts, related posts,
the next publication) are filed under the cache keys' versions, which only a committed change renews, and these
tests never commit. Without a renewal the large site's page would be counted with the small site's leftovers.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagecache import renew
from tests.factories import ArticleFactory, AuthorProfileFactory, CategoryFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda data: reverse("home"),
    "article": lambda data: data["article"].get_absolute_url(),
    "category": lambda data: data["category"].get_absolute_url(),
    "tag": lambda data: data["tag"].get_absolute_url(),
    "author": lambda data: data["profile"].get_absolute_url(),
    "year": lambda data: reverse("blog:archive-year", kwargs={"year": data["article"].published_at.year}),
    "search": lambda data: reverse("blog:search") + "?q=tendon",
    "feed": lambda data: reverse("blog:feed-rss"),
    "category-feed": lambda data: reverse("blog:category-feed-atom", kwargs={"slug": data["category"].slug}),
    "sitemap index": lambda data: reverse("sitemap"),
    "sitemap articles": lambda data: reverse("sitemap-section", kwargs={"section": "articles"}),
    "sitemap tags": lambda data: reverse("sitemap-section", kwargs={"section": "tags"}),
}
# The large site: 27 published articles (2 + 25), 25 of them in one category, tag and author; 500 comments on one.
LARGE_SHOWS = {
    "home": lambda data: "Page 1 of 3",
    "article": lambda data: f"500 thoughts on “{data['article'].title}”",
    "category": lambda data: "Page 1 of 3",
    "tag": lambda data: "Page 1 of 3",
    "author": lambda data: "Page 1 of 3",
    "year": lambda data: "Page 1 of 3",
    "search": lambda data: "27 articles found.",
    "feed": lambda data: data["article"].title,
    "category-feed": lambda data: data["article"].title,
    "sitemap index": lambda data: reverse("sitemap-section", kwargs={"section": "articles"}),
    "sitemap articles": lambda data: data["article"].get_absolute_url(),
    "sitemap tags": lambda data: data["tag"].get_absolute_url(),
}
# Measured cold, every page also reads the menus (one query, remembered) and when the next scheduled page is
# due (one, remembered); an article ranks its related posts in up to three queries (pinned, sharing a tag, the
# rest); the sitemap index counts and dates the pages section too; a search also finds the matching pages.
LIMITS = {"article": 15, "year": 11, "sitemap index": 12, "search": 9}


def build(articles, comments):
    profile = AuthorProfileFactory()
    category, tag = CategoryFactory(), TagFactory()
    made = ArticleFactory.create_batch(
        articles, author=profile.user, category=category, tags=[tag], body="<p>tendon healing</p>"
    )
    CommentFactory.create_batch(comments, article=made[-1])
    return {"article": made[-1], "category": category, "tag": tag, "profile": profile}


def cold_queries(client, url):
    """The queries of a page rendered from nothing remembered, and the page."""
    renew()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("page_name", PAGES)
def test_queries_per_page_do_not_grow_with_content(client, settings, page_name):
    settings.PAGE_CACHE_SECONDS = 0
    small = build(articles=2, comments=1)
    small_count, _ = cold_queries(client, PAGES[page_name](small))

    large = build(articles=25, comments=500)
    large_count, large_page = cold_queries(client, PAGES[page_name](large))

    assert LARGE_SHOWS[page_name](large) in large_page
    assert large_count <= small_count
    assert large_count <= LIMITS.get(page_name, 8)
