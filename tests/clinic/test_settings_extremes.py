"""No value stored in Clinic settings, however odd, breaks a public page."""

import datetime
import json

import pytest
from django.urls import reverse

from blog.models import AuthorProfile
from clinic.models import WEEKDAYS, ClinicSettings
from tests.factories import ArticleFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

ODD_TEXT = "</script><script>alert(1)</script> \"quoted\" & 'apostrophes' ünïcödé 🦴 {{ template }} {% tag %}"


def longest(field_name, text="x"):
    length = ClinicSettings._meta.get_field(field_name).max_length
    return (text * length)[:length]


def every_day(opens, closes):
    return {f"{day}_{edge}": time for day, *_ in WEEKDAYS for edge, time in (("opens", opens), ("closes", closes))}


EXTREMES = {
    "empty": {
        "name": "", "tagline": "", "share_image": "", "share_image_alt": "", "logo": "",
        "share_image_width": None, "share_image_height": None, "logo_width": None, "logo_height": None,
        **every_day(None, None),
    },
    "longest": {
        "name": longest("name", "W"), "tagline": longest("tagline", "T "),
        "share_image": longest("share_image", "clinic/s") , "share_image_alt": longest("share_image_alt", ODD_TEXT),
        "share_image_width": 2147483647, "share_image_height": 2147483647,
        "logo": longest("logo", "clinic/l"), "logo_width": 2147483647, "logo_height": 2147483647,
        **every_day(datetime.time(0), datetime.time(23, 59, 59)),
    },
    "odd": {
        "name": ODD_TEXT[:120], "tagline": ODD_TEXT,
        "share_image": "clinic/missing file ü <&>.png", "share_image_alt": "", "share_image_width": 0,
        "share_image_height": None, "logo": "clinic/also-missing.gif", "logo_width": None, "logo_height": 0,
        "monday_opens": datetime.time(9), "monday_closes": None,
        "tuesday_opens": None, "tuesday_closes": datetime.time(9),
        "wednesday_opens": datetime.time(18), "wednesday_closes": datetime.time(8),
        "thursday_opens": datetime.time(8), "thursday_closes": datetime.time(8),
        "friday_opens": datetime.time(8, 0, 0, 1), "friday_closes": datetime.time(8, 0, 0, 2),
        "saturday_opens": datetime.time(23, 59, 59, 999999), "saturday_closes": datetime.time(0),
    },
}  # fmt: skip


def public_pages():
    author = UserFactory()
    profile = AuthorProfile.objects.create(user=author, display_name="Dr. Jane Doe", slug="jane-doe")
    article = ArticleFactory(
        author=author, tags=[TagFactory()], published_at=datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.timezone.utc)
    )
    return [
        reverse("home"),
        reverse("home") + "?page=1",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        article.tags.first().get_absolute_url(),
        profile.get_absolute_url(),
        reverse("blog:archive-year", kwargs={"year": 2026}),
        reverse("blog:archive-month", kwargs={"year": 2026, "month": 3}),
        reverse("blog:search") + "?q=text",
        reverse("blog:feed-rss"),
        reverse("blog:feed-atom"),
        reverse("sitemap"),
        *(reverse("sitemap-section", kwargs={"section": name}) for name in ("home", "articles", "categories", "tags")),
        reverse("robots-txt"),
    ]


@pytest.mark.parametrize("values", EXTREMES.values(), ids=EXTREMES.keys())
def test_extreme_clinic_settings_never_break_a_public_page(client, values):
    ClinicSettings.load()
    ClinicSettings.objects.update(**values)

    for url in public_pages():
        response = client.get(url)

        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)" not in html, url
        for block in html.split('<script type="application/ld+json">')[1:]:
            assert json.loads(block.split("</script>")[0])["@graph"], url
    assert client.get("/no-such-page/").status_code == 404
