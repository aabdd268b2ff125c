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
