"""The page cache through the real WSGI stack that gunicorn runs (clinic.wsgi.application)."""

import datetime
import gzip
import time

import pytest
from django.utils import timezone

from blog.forms import seconds_since
from blog.models import Comment, DiscussionSettings
from blog.services import comment_set_status, commenter_erase
from clinic.models import ClinicSettings
from core.pagecache import _seconds_to_live, generation
from tests.factories import ArticleFactory, CommentFactory, TagFactory, uploaded_image
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    generation().renew()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def cached_twice(path, **kwargs):
    first, second = wsgi(path, **kwargs), wsgi(path, **kwargs)
    assert not first.hit
    return second


def test_the_second_anonymous_read_is_served_from_the_cache(article):
    second = cached_twice(article.get_absolute_url())

    assert second.hit
    assert second.status == 200
    assert "What Is Prolotherapy?" in second.text
    assert second.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(second.headers["Content-Length"]) == len(second.body)


@pytest.mark.parametrize("path", ["/", "/feed/", "/sitemap.xml", "/robots.txt", "/search/"])
def test_lists_feeds_and_sitemap_are_cached_too(article, path):
    assert cached_twice(path).hit


def test_each_cached_answer_carries_a_fresh_comment_form_timestamp_for_its_article(article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    other = ArticleFactory()
    first = wsgi(article.get_absolute_url())
    time_machine.shift(datetime.timedelta(seconds=2))
    second = wsgi(article.get_absolute_url())
    wsgi(other.get_absolute_url())
    other_hit = wsgi(other.get_absolute_url())

    def token(answer):
        return answer.text.split('name="started" value="')[1].split('"')[0]

    assert second.hit and other_hit.hit
    assert token(first) != token(second)
    assert seconds_since(token(second), article=article) == 0
    assert seconds_since(token(other_hit), article=other) == 0
    assert seconds_since(token(other_hit), article=article) is None
    assert "\x00" not in second.text


def test_anonymous_pages_set_no_cookie_and_carry_no_csrf_token(article):
    answer = wsgi(article.get_absolute_url())

    assert "Set-Cookie" not in answer.headers
    assert "csrfmiddlewaretoken" not in answer.text


@pytest.mark.parametrize("cookie", ["sessionid=abc", "comment_pending=x", "comment_author=y", "messages=z"])
def test_readers_with_personal_cookies_are_never_served_cached_pages(article, cookie):
    wsgi(article.get_absolute_url())

    assert not wsgi(article.get_absolute_url(), cookies=cookie).hit


def test_posts_are_never_served_from_the_cache(article):
    wsgi(article.get_absolute_url())

    assert not wsgi(article.get_absolute_url(), method="POST").hit


def test_logged_in_editors_get_fresh_pages_and_leave_nothing_in_the_cache(client, editor, article):
    client.force_login(editor)
    client.get(article.get_absolute_url())

    assert not wsgi(article.get_absolute_url()).hit


def test_unknown_pages_are_not_cached():
    wsgi("/blog/nothing-here/")

    answer = wsgi("/blog/nothing-here/")
    assert answer.status == 404
    assert not answer.hit


def test_gzip_for_browsers_that_accept_it(article):
    wsgi(article.get_absolute_url())
    answer = wsgi(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")

    assert answer.hit
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "What Is Prolotherapy?" in gzip.decompress(answer.body).decode()


def test_the_first_reader_gets_a_compressed_page_too_and_the_stored_copy_stays_whole(article):
    first = wsgi(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    plain = wsgi(article.get_absolute_url())

    assert not first.hit and first.headers["Content-Encoding"] == "gzip"
    assert "What Is Prolotherapy?" in gzip.decompress(first.body).decode()
    assert plain.hit and "Content-Encoding" not in plain.headers
    assert "What Is Prolotherapy?" in plain.body.decode()


def test_images_are_not_compressed_again(client, settings):
    settings.SERVE_MEDIA = True
    image = ArticleFactory(featured_image=uploaded_image(size=(400, 300)), featured_image_alt="x").featured_image

    response = client.get(image.url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert not response.has_header("Content-Encoding")


# Never stale after an action: each of these is visible on the very next request.


def assert_fresh_after(path, change, expected, committed):
    wsgi(path)
    assert wsgi(path).hit
    with committed():
        change()
    answer = wsgi(path)
    assert not answer.hit
    assert expected in answer.text
    assert wsgi(path).hit


def test_fresh_after_an_article_is_saved(article, committed):
    def rename():
        article.title = "Prolotherapy, Explained"
        article.save()

    assert_fresh_after(article.get_absolute_url(), rename, "Prolotherapy, Explained", committed)
    assert "Prolotherapy, Explained" in wsgi("/").text


def test_fresh_after_a_scheduled_article_is_moved_into_the_past(committed):
    scheduled = ArticleFactory(title="Now live", scheduled=True)

    def publish_now():
        scheduled.published_at = timezone.now() - datetime.timedelta(minutes=1)
        scheduled.save()

    assert_fresh_after("/", publish_now, "Now live", committed)


def test_a_scheduled_article_appears_when_its_time_comes(article):
    ArticleFactory(title="Just in time", published_at=timezone.now() + datetime.timedelta(seconds=2))
    wsgi("/")

    assert wsgi("/").hit
    time.sleep(2.5)
    answer = wsgi("/")
    assert "Just in time" in answer.text


def test_pages_expire_before_the_next_scheduled_publication():
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(seconds=90))

    assert 85 <= _seconds_to_live(generation().current()) <= 90


def test_fresh_after_a_comment_is_approved(article, committed):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Approved words")

    assert_fresh_after(
        article.get_absolute_url(),
        lambda: comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status="approved"),
        "Approved words",
        committed,
    )


def test_fresh_after_a_comment_is_edited_or_removed(article, committed):
    comment = CommentFactory(article=article, body="Original words")

    def edit():
        comment.body = "Edited words"
        comment.save()

    assert_fresh_after(article.get_absolute_url(), edit, "Edited words", committed)
    assert_fresh_after(
        article.get_absolute_url(),
        lambda: comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status="trash"),
        "No comments yet",
        committed,
    )


def test_fresh_after_a_commenters_data_is_erased(article, committed):
    CommentFactory(article=article, name="Maria Lopez", email="maria@example.com")

    assert_fresh_after(
        article.get_absolute_url(), lambda: commenter_erase(email="maria@example.com"), "Anonymous", committed
    )


def test_fresh_after_settings_change(article, committed):
    def rename_clinic():
        clinic = ClinicSettings.load()
        clinic.name = "Harbor Clinic"
        clinic.save()

    def close_comments():
        discussion = DiscussionSettings.load()
        discussion.close_after_days = 1
        discussion.save()

    article.published_at = timezone.now() - datetime.timedelta(days=3)
    article.save()
    assert_fresh_after("/", rename_clinic, "Harbor Clinic", committed)
    assert_fresh_after(article.get_absolute_url(), close_comments, "Comments are closed.", committed)


def test_fresh_after_tags_change(article, committed):
    assert_fresh_after(
        article.get_absolute_url(), lambda: article.tags.add(TagFactory(name="Ligaments")), "Ligaments", committed
    )


def test_cached_answers_carry_the_security_headers(article):
    first = wsgi(article.get_absolute_url())
    second = wsgi(article.get_absolute_url())

    assert second.hit
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                   "Cross-Origin-Opener-Policy", "Permissions-Policy"):  # fmt: skip
        assert second.headers[header] == first.headers[header], header


def vary_of(answer):
    values = [value for name, value in answer.header_list if name.lower() == "vary"]
    assert len(values) == 1
    return {part.strip().lower() for part in values[0].split(",")}


def test_every_compressed_answer_varies_on_accept_encoding(article):
    first = wsgi(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    compressed_hit = wsgi(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    plain_hit = wsgi(article.get_absolute_url())

    assert not first.hit and first.headers["Content-Encoding"] == "gzip"
    assert compressed_hit.hit and compressed_hit.headers["Content-Encoding"] == "gzip"
    assert plain_hit.hit and "Content-Encoding" not in plain_hit.headers
    for answer in (first, compressed_hit, plain_hit):
        assert {"accept-encoding", "cookie"} <= vary_of(answer)


def test_compressed_pages_for_logged_in_editors_vary_on_accept_encoding(editor_client, article):
    response = editor_client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_cached_answers_carry_a_request_id(article):
    wsgi(article.get_absolute_url())
    first, second = wsgi(article.get_absolute_url()), wsgi(article.get_absolute_url())
    forwarded = wsgi(article.get_absolute_url(), HTTP_X_REQUEST_ID="from-the-proxy")

    assert first.hit and second.hit and forwarded.hit
    assert len(first.headers["X-Request-ID"]) == 16
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert forwarded.headers["X-Request-ID"] == "from-the-proxy"
