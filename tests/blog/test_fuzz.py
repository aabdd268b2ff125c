"""Property-based: whatever a reader or a bot sends to a public address, the answer is never a server error."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AuthorProfileFactory, CommentFactory, TagFactory, comment_form_data, comment_url

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50).map(lambda text: text + "\x00"),
    st.sampled_from(["", " ", "\x00", "%00", "'\"", "<script>", "../../etc/passwd", "9" * 400, "-1", "1e99", "\ud800"]),
    st.integers().map(str),
    st.just("x" * 20000),
)


@pytest.fixture
def site(article):
    tag = TagFactory(slug="knees")
    article.tags.add(tag)
    CommentFactory(article=article)
    profile = AuthorProfileFactory(slug="doctor")
    year = article.published_at.year
    return [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        tag.get_absolute_url(),
        profile.get_absolute_url(),
        f"/{year}/",
        f"/{year}/{article.published_at.month:02d}/",
        "/search/",
        "/feed/",
        "/feed/atom/",
        article.category.get_absolute_url() + "feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
    ]


def reader():
    return Client(raise_request_exception=False)


def safe(text):
    # What a client can put in a URL at all: lone surrogates cannot be encoded by anyone.
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@FUZZ
@given(value=nasty_text, parameter=st.sampled_from(["page", "q", "cpage", "replytocom", "utm_source"]))
def test_every_public_page_survives_any_query_parameter(site, value, parameter):
    client = reader()
    for url in site:
        response = client.get(f"{url}?{parameter}={safe(value)}")
        assert response.status_code < 500, (url, parameter, value)


@FUZZ
@given(segment=nasty_text)
def test_any_address_gives_a_page_or_a_not_found(segment):
    client = reader()
    for url in (
        f"/{safe(segment)}/",
        f"/blog/{safe(segment)}/",
        f"/tag/{safe(segment)}/",
        f"/preview/{safe(segment)}/",
    ):
        response = client.get(url)
        assert response.status_code < 500, url


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            name: nasty_text for name in ("name", "email", "url", "body", "parent", "consent", "started", "phone")
        },
    )
)
def test_the_comment_form_survives_anything(article, fields):
    client = reader()
    data = {key: value.replace("\ud800", "") for key, value in fields.items()}

    response = client.post(comment_url(article), data, REMOTE_ADDR="198.51.100.77")
    also = client.post(comment_url(article), comment_form_data(article, **data), REMOTE_ADDR="198.51.100.78")

    assert response.status_code < 500
    assert also.status_code < 500
