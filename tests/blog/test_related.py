import datetime

import pytest
from django.utils import timezone

from blog.models import Article
from tests.factories import ArticleFactory, CategoryFactory, TagFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def related_titles(article, limit=3):
    return [related.title for related in Article.objects.related_to(article, limit)]


def test_ranked_by_shared_tags_then_category_then_recency():
    knee, pain, injection = TagFactory(), TagFactory(), TagFactory()
    medicine, skin = CategoryFactory(), CategoryFactory()
    article = ArticleFactory(tags=[knee, pain, injection], category=medicine)
    ArticleFactory(title="One tag, other category, newest", tags=[knee], category=skin, published_at=days_ago(1))
    ArticleFactory(title="Two tags", tags=[knee, pain], category=skin, published_at=days_ago(30))
    ArticleFactory(title="One tag, same category", tags=[pain], category=medicine, published_at=days_ago(20))
    ArticleFactory(title="No tag, same category", category=medicine, published_at=days_ago(2))
    ArticleFactory(title="Nothing shared", category=skin, published_at=days_ago(1))

    assert related_titles(article, limit=5) == [
        "Two tags",
        "One tag, same category",
        "One tag, other category, newest",
        "No tag, same category",
        "Nothing shared",
    ]


def test_pinned_articles_come_first():
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    ArticleFactory(title="Shares the tag", tags=[tag])
    pinned = ArticleFactory(title="Pinned by the editor")
    article.related_articles.add(pinned)

    assert related_titles(article) == ["Pinned by the editor", "Shares the tag"]


def test_only_other_published_articles_and_at_most_the_limit():
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    pinned_draft = ArticleFactory(title="Pinned draft", tags=[tag], draft=True)
    article.related_articles.add(pinned_draft)
    ArticleFactory(title="Scheduled", tags=[tag], scheduled=True)
    ArticleFactory.create_batch(5, tags=[tag])

    titles = related_titles(article)

    assert len(titles) == 3
    assert article.title not in titles
    assert "Pinned draft" not in titles
    assert "Scheduled" not in titles


@pytest.mark.parametrize("count", [5, 60])
def test_related_posts_take_at_most_three_queries_whatever_the_number_of_articles(count, django_assert_max_num_queries):
    """Pinned, sharing a tag, the rest: one small query each (asked as one, PostgreSQL scanned the whole site)."""
    tags = TagFactory.create_batch(8)
    article = ArticleFactory(tags=tags)
    for index in range(count):
        ArticleFactory(tags=tags[: index % 8 + 1])
    article.related_articles.add(*Article.objects.exclude(pk=article.pk)[:2])
    lonely = ArticleFactory(tags=[TagFactory()])

    with django_assert_max_num_queries(3):
        related = Article.objects.related_to(article, 3)
    with django_assert_max_num_queries(3):
        filled_up = Article.objects.related_to(lonely, 3)

    assert len(related) == 3
    assert len(filled_up) == 3


def test_on_a_big_site_only_the_newest_articles_sharing_a_tag_are_ranked(monkeypatch):
    """A tag on thousands of articles: the first visit ranks a bounded number of them (the newest), not all."""
    monkeypatch.setattr("blog.models.RELATED_CANDIDATES", 3)
    tag, other_tag = TagFactory(), TagFactory()
    article = ArticleFactory(tags=[tag, other_tag])
    oldest_sharing_both = ArticleFactory(tags=[tag, other_tag])
    newest = [ArticleFactory(tags=[tag]) for _ in range(3)]

    related = Article.objects.related_to(article, 3)

    assert set(related) == set(newest)
    assert oldest_sharing_both not in related


def test_related_posts_on_the_page_with_thumbnail_title_and_short_excerpt(client, settings):
    settings.BLOG_RELATED_POSTS = 2
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    ArticleFactory.create_batch(3, tags=[tag], published_at=days_ago(9))
    other = ArticleFactory(
        title="PRP for knees",
        tags=[tag],
        published_at=days_ago(0.5),
        excerpt="Platelet-rich plasma uses your own blood to support healing in joints and tendons, "
        "and patients describe a short visit with little downtime afterwards.",
    )

    html = client.get(article.get_absolute_url()).content.decode()
    section = html[html.index("Related Posts") :]

    assert section.count('class="related__item"') == 2
    assert f'href="{other.get_absolute_url()}"' in section
    assert "PRP for knees" in section
    expected = (
        "Platelet-rich plasma uses your own blood to support healing in joints and tendons, and patients describe"
    )
    assert f"{expected} a short visit with…" in section
