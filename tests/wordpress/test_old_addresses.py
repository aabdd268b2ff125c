"""The old WordPress site's addresses answer with a permanent redirect, and only where nothing else answers."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_wordpress_address_redirects_permanently_to_the_article(client, article):
    response = client.get(f"/{article.slug}/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert article.get_absolute_url() == "/blog/what-is-prolotherapy/"


def test_wordpress_address_of_a_draft_or_unknown_slug_is_404(client):
    draft = ArticleFactory(draft=True)

    assert client.get(f"/{draft.slug}/").status_code == 404
    assert client.get("/nope/").status_code == 404


def test_a_renamed_article_is_found_at_its_old_wordpress_and_blog_addresses(client):
    article = ArticleFactory(slug="old-name")
    article.slug = "new-name"
    article.save()

    for old in ("/old-name/", "/blog/old-name/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, "/blog/new-name/")


def test_addresses_the_site_answers_itself_are_never_redirected(client, article):
    """The fallback runs only for a 404: a year archive or the search page keeps its own answer."""
    year = article.published_at.year

    assert client.get(f"/{year}/").status_code == 200
    assert client.get("/search/").status_code == 200


def test_the_address_without_its_final_slash_redirects_too(client, article):
    response = client.get(f"/{article.slug}")

    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_a_deeper_address_is_not_an_old_article(client, article):
    assert client.get(f"/category/{article.slug}/").status_code == 404
    assert client.get(f"/{article.slug}/extra/").status_code == 404


def test_a_post_to_an_old_address_is_not_redirected(client, article):
    assert client.post(f"/{article.slug}/").status_code == 404


@pytest.mark.parametrize("address", ["/\x00/", "/what-is-prolotherapy\x00/", "/blog/\x00/", "/caf\u00e9/", "/a%20b/"])
def test_an_address_that_could_never_be_a_slug_is_a_plain_not_found(client, article, address):
    """Not looked up at all: PostgreSQL refuses a NUL in a query, and no slug holds one."""
    assert client.get(address).status_code == 404


def test_the_query_string_goes_along(client, article):
    response = client.get(f"/{article.slug}/?utm_source=newsletter&cpage=2")

    assert response["Location"] == f"{article.get_absolute_url()}?utm_source=newsletter&cpage=2"


@pytest.mark.parametrize(
    "old",
    [
        "/{year}/{month}/what-is-prolotherapy/",
        "/{year}/{month}/{day}/what-is-prolotherapy/",
        "/what-is-prolotherapy/feed/",
        "/{year}/{month}/{day}/what-is-prolotherapy/feed/",
    ],
)
def test_wordpress_dated_permalinks_and_comment_feeds_go_to_the_article_in_one_301(client, article, old):
    old = old.format(
        year=article.published_at.year, month=f"{article.published_at:%m}", day=f"{article.published_at:%d}"
    )

    response = client.get(old + "?utm_source=mail")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() + "?utm_source=mail"
    assert client.get(response["Location"]).status_code == 200


def test_wordpress_list_pages_feeds_day_archives_and_search_go_where_they_are_now_in_one_301(client, article):
    category, tag = article.category, ArticleFactory(slug="tagged").tags.create(name="Knees", slug="knees")
    ArticleFactory(slug="tagged-too").tags.add(tag)
    day = article.published_at
    expected = {
        "/page/2/": "/?page=2",
        "/page/1/": "/",
        f"/category/{category.slug}/page/3/": f"/category/{category.slug}/?page=3",
        "/tag/knees/page/2/": "/tag/knees/?page=2",
        "/feed/rss2/": "/feed/",
        "/feed/rdf/": "/feed/",
        "/?feed=rss2": "/feed/",
        "/?feed=atom": "/feed/atom/",
        f"/{day:%Y}/{day:%m}/{day:%d}/": f"/{day:%Y}/{day:%m}/",
        "/?s=Knee%20Pain": "/search/?q=knee+pain",
        "/?s=pain+knee&paged=2": "/search/?q=knee+pain&page=2",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (old, response.status_code, response["Location"]) == (old, 301, new)
        assert client.get(new).status_code not in (301, 302), new  # one hop: the new address answers itself


def test_the_home_page_with_other_parameters_is_not_redirected(client, article):
    assert client.get("/?utm_source=mail").status_code == 200
    assert client.get("/?feed=unknown").status_code == 200
