import datetime

import pytest
from django.urls import reverse

from blog.models import AuthorProfile
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(year, month, day=10):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.timezone.utc)


@pytest.fixture
def dated_articles():
    return {
        "jan": ArticleFactory(title="January article", published_at=at(2026, 1)),
        "mar": ArticleFactory(title="March article", published_at=at(2026, 3)),
        "mar_draft": ArticleFactory(title="March draft", draft=True, published_at=None),
        "old": ArticleFactory(title="Old article", published_at=at(2025, 3)),
    }


def test_year_archive_lists_that_years_published_articles_newest_first(client, dated_articles):
    response = client.get(reverse("blog:archive-year", kwargs={"year": 2026}))

    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["March article", "January article"]
    html = response.content.decode()
    assert "Articles from 2026" in html
    assert 'rel="prev" href="/2025/"' in html
    assert 'href="/2026/03/">March</a>' in html


def test_month_archive_with_links_to_neighbouring_months(client, dated_articles):
    response = client.get(reverse("blog:archive-month", kwargs={"year": 2026, "month": 3}))

    assert [a.title for a in response.context["articles"]] == ["March article"]
    html = response.content.decode()
    assert "Articles from March 2026" in html
    assert 'rel="prev" href="/2026/01/"' in html
    assert reverse("blog:archive-month", kwargs={"year": 2026, "month": 3}) == "/2026/03/"


@pytest.mark.parametrize("url", ["/2024/", "/2026/02/", "/2026/13/", "/2026/00/"])
def test_empty_or_impossible_archives_are_404(client, dated_articles, url):
    assert client.get(url).status_code == 404


def test_future_scheduled_articles_stay_out_of_archives(client):
    scheduled = ArticleFactory(title="Scheduled", scheduled=True)

    url = reverse("blog:archive-year", kwargs={"year": scheduled.published_at.year})

    assert "Scheduled" not in client.get(url).content.decode()


def test_archives_are_paginated_with_rel_links(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    for day in range(1, 4):
        ArticleFactory(published_at=at(2026, 3, day))

    html = client.get("/2026/03/").content.decode()

    assert 'rel="next" href="?page=2"' in html
    assert 'rel="prev" href="?page=1"' in client.get("/2026/03/?page=2").content.decode()


def test_card_dates_link_to_the_month_archive(client, dated_articles):
    html = client.get(reverse("home")).content.decode()

    assert '<a href="/2026/03/"><time datetime="2026-03-10T12:00:00+00:00">March 10, 2026</time></a>' in html


@pytest.fixture
def author():
    user = UserFactory(username="login-name-is-private", first_name="Jane", last_name="Doe")
    return AuthorProfile.objects.create(
        user=user,
        display_name="Dr. Jane Doe",
        slug="jane-doe",
        credentials="MD",
        job_title="Sports medicine physician",
        bio="Dr. Doe treats tendon and ligament injuries.",
    )


def test_author_page_lists_the_authors_published_articles(client, author):
    ArticleFactory(title="Her article", author=author.user)
    ArticleFactory(title="Her draft", author=author.user, draft=True)
    ArticleFactory(title="Someone else's article")

    response = client.get(author.get_absolute_url())

    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["Her article"]
    html = response.content.decode()
    assert "<h1>Dr. Jane Doe, MD</h1>" in html
    assert "Sports medicine physician" in html
    assert "Dr. Doe treats tendon and ligament injuries." in html
    assert "login-name-is-private" not in html


def test_byline_links_to_the_author_page(client, author):
    article = ArticleFactory(author=author.user)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<a class="article__author" href="{author.get_absolute_url()}" rel="author">Dr. Jane Doe, MD</a>' in html


def test_author_page_is_paginated(client, author, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 1
    ArticleFactory.create_batch(2, author=author.user)

    html = client.get(author.get_absolute_url()).content.decode()

    assert 'rel="next" href="?page=2"' in html


def test_unknown_author_is_404(client):
    assert client.get(reverse("blog:author-detail", kwargs={"slug": "nobody"})).status_code == 404
