import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from blog.models import Article
from blog.search import canonical_parameters
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("blog:search")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search features of PostgreSQL (CI runs both databases)"
)


def results(client, query, **params):
    """The titles found and the page, at the search's one address (another spelling is redirected there once)."""
    response = client.get(SEARCH, {"q": query, **params}, follow=True)
    assert response.status_code == 200
    assert len(response.redirect_chain) <= 1
    return [article.title for article in response.context["articles"]], response.content.decode()


def test_articles_are_found_by_the_words_readers_read_never_by_their_markup(client):
    body = '<h2>Fees</h2><p><strong>Prices</strong>&nbsp;&amp; insurance, <a href="https://example.com/">ask</a></p>'
    ArticleFactory(title="Paying for treatment", body=body)
    article = ArticleFactory(title="Rest", body="<p>Sleep</p>")
    article.body = "<p>Sleep <em>well</em></p>"
    article.save()  # a re-saved article is indexed anew

    for word in ("prices", "insurance", "ask", "fees"):
        assert results(client, word)[0] == ["Paying for treatment"], word
    for word in ("strong", "nbsp", "amp", "href", "h2", "example", "em"):
        assert results(client, word)[0] == [], word
    assert results(client, "well")[0] == ["Rest"]


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
    html = client.get(reverse("home")).content.decode()

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


def test_queries_of_a_search_do_not_grow_with_its_matches(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    ArticleFactory.create_batch(3, body="<p>tendon prolotherapy</p>")
    ArticleFactory.create_batch(37, body="<p>tendon</p>")
    pages = {word: f"{SEARCH}?q={word}" for word in ("prolotherapy", "tendon")}
    for url in pages.values():
        client.get(url)

    counted = {}
    for word, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        counted[word] = len(captured)
        assert {"prolotherapy": "3 articles found.", "tendon": "40 articles found."}[word] in html

    # The matches counted, whether more match than are ranked, the page ranked, its snippets, the matching pages:
    # one query each.
    assert counted["tendon"] == counted["prolotherapy"] <= 6


def test_a_word_in_more_articles_than_are_ranked_shows_the_best_of_the_newest_and_says_so(client, monkeypatch):
    monkeypatch.setattr("blog.search.RANKED_MATCHES", 3)
    ArticleFactory(title="Tendon basics", body="<p>An old article about the tendon.</p>")
    ArticleFactory(title="Tendon draft", body="<p>tendon</p>", draft=True)
    for n in range(2):
        ArticleFactory(title=f"Shoulder care {n}", body="<p>A tendon, once.</p>")
    ArticleFactory(title="Tendon healing", body="<p>The tendon and the tendon again.</p>")

    titles, html = results(client, "tendon")

    assert titles[0] == "Tendon healing"
    assert sorted(titles) == ["Shoulder care 0", "Shoulder care 1", "Tendon healing"]
    assert "More than 3 articles match “tendon”" in html
    assert "add a word to find the others" in html
    assert "articles found." not in html


def test_as_many_matches_as_are_ranked_are_all_found_without_a_word_more(client, monkeypatch):
    monkeypatch.setattr("blog.search.RANKED_MATCHES", 3)
    ArticleFactory(title="Tendon draft", body="<p>tendon</p>", draft=True)
    for n in range(2):
        ArticleFactory(title=f"Tendon {n}", body="<p>tendon</p>")

    titles, html = results(client, "tendon")

    assert sorted(titles) == ["Tendon 0", "Tendon 1"]
    assert "2 articles found." in html
    assert "More than" not in html


def test_results_are_ranked_then_paginated_with_the_total_count(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 4
    for n in range(2):
        ArticleFactory(title=f"Meniscus tears {n}", body="<p>Knees.</p>")
    for n in range(5):
        ArticleFactory(title=f"Knee surgery {n}", body=f"<p>Torn meniscus, case {n}.</p>")
    ArticleFactory(title="Draft meniscus", draft=True)

    first, html = results(client, "meniscus")
    second, html_two = results(client, "meniscus", page=2)

    assert sorted(first[:2]) == ["Meniscus tears 0", "Meniscus tears 1"]
    assert len(first) == 4 and len(second) == 3
    assert sorted(first + second) == sorted(
        [f"Meniscus tears {n}" for n in range(2)] + [f"Knee surgery {n}" for n in range(5)]
    )
    assert "7 articles found." in html and "7 articles found." in html_two
    assert "Page 1 of 2" in html and "Page 2 of 2" in html_two


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("q=Knee%20%20Pain", "q=knee+pain"),
        ("q=pain+knee", "q=knee+pain"),
        ("q=+PAIN+knee+Knee+", "q=knee+pain"),
        ("q=Pain+Knee&page=2", "q=knee+pain&page=2"),
        ("page=02&q=pain+knee", "q=knee+pain&page=2"),
        ("q=knee+pain&page=1", "q=knee+pain"),
        ("q=knee+pain&utm_source=newsletter", "q=knee+pain"),
        ("q=%C3%89cole", "q=%C3%A9cole"),
        # Quotes and `or` make the order count (PostgreSQL's web search syntax): only case and spacing change.
        ("q=%22Pain++Knee%22", "q=%22pain+knee%22"),
        ("q=pain+OR+knee+injection", "q=pain+or+knee+injection"),
    ],
)
def test_spellings_of_one_search_are_sent_to_its_one_address(client, settings, asked, canonical):
    settings.BLOG_ARTICLES_PER_PAGE = 1
    ArticleFactory.create_batch(2, title="Knee pain")

    response = client.get(f"{SEARCH}?{asked}")

    assert response.status_code == 301
    assert response["Location"] == f"{SEARCH}?{canonical}"
    assert client.get(response["Location"]).status_code == 200


def test_reordered_words_find_the_same_articles(client):
    ArticleFactory(title="Knee pain", body="<p>Exercise helps.</p>")
    ArticleFactory(title="Back pain", body="<p>Rest helps.</p>")

    assert results(client, "Pain  KNEE")[0] == results(client, "knee pain")[0] == ["Knee pain"]


@pytest.mark.parametrize("query_string", ["", "q=", "q=+%00+", "page=3"])
def test_a_search_without_words_is_the_search_page(client, query_string):
    response = client.get(f"{SEARCH}?{query_string}" if query_string else SEARCH)

    if query_string:
        assert response.status_code == 301 and response["Location"] == SEARCH
    else:
        assert response.status_code == 200 and "Type a word or two" in response.content.decode()


def test_a_too_long_search_is_answered_where_it_was_asked(client):
    response = client.get(SEARCH, {"q": "Knee " * 100})

    assert response.status_code == 200
    assert "That search is too long" in response.content.decode()


@given(st.text(max_size=60), st.sampled_from(["", "1", "2", "007", "x", "\u0663"]))
def test_the_one_address_of_a_search_is_its_own(text, page):
    canonical = canonical_parameters(QueryDict(mutable=True) | {"q": text, "page": page})

    if canonical is not None:
        assert canonical_parameters(QueryDict(canonical)) == canonical
