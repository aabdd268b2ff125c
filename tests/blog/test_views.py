import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
    uploaded_image,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_home_lists_published_articles_newest_first(client):
    older = ArticleFactory(title="Older article", published_at=days_ago(3))
    newer = ArticleFactory(title="Newer article", published_at=days_ago(1))
    ArticleFactory(title="Secret draft", draft=True)
    ArticleFactory(title="Scheduled article", scheduled=True)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert list(response.context["articles"]) == [newer, older]
    html = response.content.decode()
    assert html.index("Newer article") < html.index("Older article")
    assert "Secret draft" not in html
    assert "Scheduled article" not in html


def test_home_card_shows_image_title_date_category_excerpt_and_read_more(client, worked):
    with worked():
        article = ArticleFactory(
            title="What Is Prolotherapy?",
            excerpt="An injection treatment.",
            category=CategoryFactory(name="Regenerative Medicine"),
            featured_image=uploaded_image(),
            featured_image_alt="A syringe",
            published_at=datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.timezone.utc),
        )

    response = client.get(reverse("home"))

    assert '<source type="image/webp" srcset="/media/renditions/' in response.content.decode()
    for text in ("What Is Prolotherapy?", "March 18, 2026", "Regenerative Medicine", "An injection treatment."):
        assert text in response.content.decode()
    assert f'class="card__more" href="{article.get_absolute_url()}">Read more' in response.content.decode()


def test_home_is_paginated(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    for days in range(5):
        ArticleFactory(title=f"Article {days} days old", published_at=days_ago(days + 1))

    first = client.get(reverse("home"))
    last = client.get(reverse("home"), {"page": 3})

    assert [a.title for a in first.context["articles"]] == ["Article 0 days old", "Article 1 days old"]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert [a.title for a in last.context["articles"]] == ["Article 4 days old"]
    assert "Page 3 of 3" in last.content.decode()


def test_a_sticky_article_comes_first_on_the_first_page_only_once_and_not_in_archives(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    news = CategoryFactory()
    for days in range(3):
        ArticleFactory(title=f"Article {days} days old", published_at=days_ago(days + 1), category=news)
    ArticleFactory(title="Our opening hours", published_at=days_ago(30), is_sticky=True, category=news)
    ArticleFactory(title="A sticky draft", status="draft", published_at=None, is_sticky=True, category=news)

    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})
    archive = client.get(news.get_absolute_url())

    assert [a.title for a in first.context["articles"]] == [
        "Our opening hours", "Article 0 days old", "Article 1 days old"
    ]  # fmt: skip
    assert [a.title for a in second.context["articles"]] == ["Article 2 days old", "Our opening hours"]
    assert [a.title for a in archive.context["articles"]] == ["Article 0 days old", "Article 1 days old"]


@pytest.mark.parametrize("page", ["99", "abc", "-1", "0"])
def test_home_answers_an_impossible_page_with_404(client, page):
    ArticleFactory()

    assert client.get(reverse("home"), {"page": page}).status_code == 404


def test_home_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries):
    ArticleFactory.create_batch(10, featured_image=uploaded_image(), featured_image_alt="x")

    # Count, clinic settings, the header's fallback of categories, articles; and once per version of what they
    # show, the menus, the sticky articles and the next scheduled article's and page's times.
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))


def test_home_says_so_when_nothing_is_published(client):
    response = client.get(reverse("home"))

    assert "No articles have been published here yet." in response.content.decode()


def test_article_page_shows_its_fields(client):
    author = UserFactory(first_name="Emily", last_name="Harper")
    tags = [TagFactory(name="Joint Pain"), TagFactory(name="Injections")]
    article = ArticleFactory(
        title="What Is Prolotherapy?",
        author=author,
        category=CategoryFactory(name="Regenerative Medicine"),
        tags=tags,
        body="<h2>How does it work?</h2><p>" + "word " * 450 + "</p>",
        featured_image=uploaded_image(),
        featured_image_alt="A physician preparing an injection",
        published_at=datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.timezone.utc),
    )

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>What Is Prolotherapy? — " in html
    assert '<h1 class="article__title">What Is Prolotherapy?</h1>' in html
    assert "Emily Harper" in html
    assert '<time datetime="2026-03-18T09:00:00+00:00">March 18, 2026</time>' in html
    assert f'href="{article.category.get_absolute_url()}">Regenerative Medicine</a>' in html
    for tag in tags:
        assert f'href="{tag.get_absolute_url()}" rel="tag">{tag.name}</a>' in html
    assert 'alt="A physician preparing an injection"' in html
    assert "<h2>How does it work?</h2>" in html
    assert "3 min read" in html


@pytest.mark.parametrize("comment_count", [0, 200])
def test_article_page_query_count_does_not_grow_with_comments(client, django_assert_max_num_queries, comment_count):
    article = ArticleFactory(tags=TagFactory.create_batch(5))
    roots = CommentFactory.create_batch(comment_count // 2, article=article)
    for root in roots:
        CommentFactory(article=article, parent=root)

    # A first visit: related posts (up to three queries), the menus and the next scheduled times included.
    with django_assert_max_num_queries(16):
        response = client.get(article.get_absolute_url())

    assert response.context["discussion"].count == comment_count


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_unpublished_article_is_404_for_readers(client, state):
    article = ArticleFactory(**state, title="Not for readers yet")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Not for readers yet" not in response.content.decode()


def test_unknown_slug_gives_the_sites_404_page(client):
    response = client.get(reverse("blog:article-detail", kwargs={"slug": "no-such-article"}))

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()
    assert reverse("home") in response.content.decode()


def test_category_archive_lists_only_its_published_articles(client):
    category = CategoryFactory(name="Regenerative Medicine", description="Treatments that help the body repair.")
    inside = ArticleFactory(title="Inside article", category=category)
    ArticleFactory(title="Draft inside", category=category, draft=True)
    ArticleFactory(title="Other category article")

    response = client.get(category.get_absolute_url())

    assert list(response.context["articles"]) == [inside]
    html = response.content.decode()
    assert "<h1>Regenerative Medicine</h1>" in html
    assert "Treatments that help the body repair." in html
    assert "Draft inside" not in html
    assert "Other category article" not in html


def test_tag_archive_lists_only_its_published_articles(client):
    tag = TagFactory(name="Joint Pain")
    tagged = ArticleFactory(title="Tagged article", tags=[tag])
    ArticleFactory(title="Scheduled tagged", tags=[tag], scheduled=True)
    ArticleFactory(title="Untagged article")

    response = client.get(tag.get_absolute_url())

    assert list(response.context["articles"]) == [tagged]
    assert "<h1>Joint Pain</h1>" in response.content.decode()
    assert "Scheduled tagged" not in response.content.decode()


@pytest.mark.parametrize("name", ["blog:category-detail", "blog:tag-detail"])
def test_unknown_archive_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "nothing-here"})).status_code == 404


def test_navigation_links_categories_with_published_articles(client):
    ArticleFactory(category=CategoryFactory(name="Regenerative Medicine", slug="regenerative-medicine"))

    html = client.get(reverse("home")).content.decode()

    assert '<a href="/category/regenerative-medicine/">Regenerative Medicine</a>' in html
