import pytest
from django.urls import reverse

from clinic.theme import csp_hash

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.parametrize("name", ["home", "blog:search", "blog:feed-rss", "robots-txt"])
def test_public_pages_send_a_strict_policy_and_the_other_security_headers(client, article, name):
    response = client.get(reverse(name))

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_only_inline_style_is_the_clinic_colours_allowed_by_their_hash(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    styles = [opening.split(">", 1)[1].split("</style>")[0] for opening in html.split("<style")[1:]]
    assert len(styles) == 1 and styles[0].startswith(":root{--color-brand:")
    assert directives(response)["style-src"] == ["'self'", csp_hash(styles[0])]


def test_article_pages_have_no_inline_script_or_style_attributes(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert " style=" not in html
    assert " onclick=" not in html
    for opening in html.split("<script")[1:]:
        tag = opening.split(">")[0]
        assert " src=" in tag or 'type="application/ld+json"' in tag


def test_the_admin_allows_what_ckeditor_needs_and_no_more(editor_client):
    response = editor_client.get(reverse("admin:blog_article_add"))

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "blob:" in policy["img-src"]


def test_images_are_allowed_from_this_site_only_while_media_is_on_disk(client, article, editor_client):
    assert directives(client.get(article.get_absolute_url()))["img-src"] == ["'self'", "data:"]
    assert directives(editor_client.get(reverse("admin:index")))["img-src"] == ["'self'", "data:", "blob:"]


def test_images_are_allowed_from_the_s3_endpoint_and_bucket_with_media_on_s3(client, article, editor_client, s3_media):
    assert directives(client.get(article.get_absolute_url()))["img-src"] == ["'self'", "data:", s3_media.origin]
    admin = directives(editor_client.get(reverse("admin:index")))
    assert admin["img-src"] == ["'self'", "data:", "blob:", s3_media.origin]


@pytest.mark.parametrize(
    ("options", "origin"),
    [
        ({"custom_domain": "media.clinic.example"}, "https://media.clinic.example"),
        ({"region": "eu-west-3"}, "https://clinic-media.s3.amazonaws.com"),
    ],
)
def test_images_are_allowed_from_the_storage_public_origin_as_django_storages_builds_it(
    client, article, settings, monkeypatch, options, origin
):
    from clinic.settings.base import s3_media_storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(bucket="clinic-media", **options)}

    assert directives(client.get(reverse("home")))["img-src"] == ["'self'", "data:", origin]
