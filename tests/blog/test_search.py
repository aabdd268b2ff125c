import pytest
from django.db import connection
from django.urls import reverse

from blog.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("blog:search")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search features of PostgreSQL (CI runs both databases)"
)


def results(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]], response.content.decode()


def test_title_match_ranks_above_body_match(client):
    ArticleFactory(title="Healing after surgery", body="<p>Knee cartilage recovers slowly.</p>")
    ArticleFactory(title="Knee pain explained", body="<p>How joints hurt.</p>")

    titles, _ = results(client, "knee")

    assert titles == ["Knee pain explained", "Healing after surgery"]


def test_excerpt_match_ranks_above_body_match(client):
    ArticleFactory(title="One", excerpt="Nothing here.", body="<p>About tendons.</p>")
    ArticleFactory(title="Two", excerpt="All about tendons.", body="<p>Nothing.</p>")

    assert results(client, "tendons")[0] == ["Two", "One"]


def test_only_published_articles_are_found(client):
    ArticleFactory(title="Published tendon article")
    ArticleFactory(title="Draft tendon article", draft=True)
    ArticleFactory(title="Scheduled tendon article", scheduled=True)

    assert results(client, "tendon")[0] == ["Published tendon article"]


def test_all_words_must_match(client):
    ArticleFactory(title="Knee pain", body="<p>Exercise helps.</p>")
    ArticleFactory(title="Back pain", body="<p>Rest helps.</p>")

    assert results(client, "knee pain")[0] == ["Knee pain"]


def test_snippet_highlights_matches_and_escapes_text(client):
    ArticleFactory(title="Safety", body="<p>Use &lt;script&gt; carefully: prolotherapy needs a physician.</p>")

    _, html = results(client, "prolotherapy")

    assert "<mark>prolotherapy</mark>" in html.lower()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_no_results_gives_a_friendly_page(client):
    ArticleFactory(title="Knee pain")

    titles, html = results(client, "zebra")

    assert titles == []
    assert "No articles match “zebra”" in html


def test_empty_query_gives_a_friendly_page(client):
    titles, html = results(client, "   ")

    assert titles == []
    assert "Type a word or two" in html


def test_absurdly_long_query_gives_a_friendly_page(client):
    titles, html = results(client, "knee " * 500)

    assert titles == []
    assert "That search is too long" in html


@pytest.mark.parametrize(
    "query",
    [
        "'\"",
        "& | ! ( ) < > : * \\",
        "knee\x00pain",
        "' OR 1=1 --",
        '-knee "unterminated',
        "<script>alert(1)</script>",
        "🦵💉",
        "%00%27",
        "{{ 7*7 }} {% debug %}",
        "a" * 200,
        "\u202e\u200b",
    ],
)
def test_odd_queries_never_cause_an_error(client, query):
    ArticleFactory(title="Knee pain")

    _, html = results(client, query)

    assert "<script>alert(1)</script>" not in html


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    ArticleFactory.create_batch(3, body="<p>tendon</p>")

    titles, html = results(client, "tendon")

    assert len(titles) == 2
    assert 'href="?q=tendon&amp;page=2"' in html
    assert len(results(client, "tendon", page=2)[0]) == 1


def test_search_box_is_on_every_page(client):
    html = client.get(reverse("blog:article-list")).content.decode()

    assert 'role="search"' in html
    assert f'action="{SEARCH}"' in html


@postgresql_only
def test_postgres_finds_word_forms_by_stemming(client):
    ArticleFactory(title="Injections for tendons", body="<p>We inject a solution.</p>")

    assert results(client, "injection")[0] == ["Injections for tendons"]


@postgresql_only
def test_postgres_keeps_a_gin_indexed_search_vector():
    article = ArticleFactory(title="Prolotherapy basics")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'blog_article_search_vector_gin'")
        (definition,) = cursor.fetchone()

    assert "USING gin (search_vector)" in definition
    assert "prolotherapi" in str(Article.objects.values_list("search_vector", flat=True).get(pk=article.pk))


@postgresql_only
def test_postgres_snippet_comes_from_search_headline(client):
    ArticleFactory(title="Long", body="<p>" + "filler words here. " * 40 + "The ligament heals.</p>")

    _, html = results(client, "ligament")

    assert "<mark>ligament</mark>" in html
