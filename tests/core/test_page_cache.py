"""The page cache through the real WSGI stack that gunicorn runs (clinic.wsgi.application)."""

import datetime
import gzip

import pytest
from django.utils import timezone

from blog.forms import seconds_since
from blog.models import Comment, DiscussionSettings
from blog.services import comment_set_status, commenter_erase
from clinic.models import ClinicSettings
from core import pagecache
from core.pagecache import FileVersions, renew, versions
from tests.factories import ArticleFactory, CommentFactory, TagFactory, uploaded_image
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    renew()


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


@pytest.mark.parametrize(
    ("path", "query"),
    [("/", ""), ("/feed/", ""), ("/sitemap.xml", ""), ("/sitemap-articles.xml", ""), ("/sitemap-articles.xml", "p=1"),
     ("/robots.txt", ""), ("/search/", "")],
)  # fmt: skip
def test_lists_feeds_and_sitemap_are_cached_too(article, path, query):
    assert cached_twice(path, query=query).hit


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


def test_a_page_stored_before_the_secret_key_was_replaced_is_rendered_again_with_a_readable_form(article, settings):
    wsgi(article.get_absolute_url())
    settings.SECRET_KEY = "another secret key, as after a rotation, long enough to pass the checks"
    answer = wsgi(article.get_absolute_url())
    again = wsgi(article.get_absolute_url())

    token = answer.text.split('name="started" value="')[1].split('"')[0]
    assert answer.status == 200 and not answer.hit
    assert seconds_since(token, article=article) is not None
    assert again.hit


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


def test_a_page_read_while_a_change_is_being_written_is_not_served_stale_afterwards(
    article, committed, monkeypatch, tmp_path
):
    """File versions are written one by one: a reader between two of them must not keep the old page."""
    file_versions = FileVersions(tmp_path)
    monkeypatch.setattr(pagecache, "versions", lambda: file_versions)
    path = article.get_absolute_url()
    wsgi(path)
    assert wsgi(path).hit
    reads_between = []
    write = file_versions._write

    def write_then_read(version_path, number, **options):
        write(version_path, number, **options)
        reads_between.append(wsgi(path))

    monkeypatch.setattr(file_versions, "_write", write_then_read)
    with committed():
        article.title = "Prolotherapy, Explained"
        article.save()
    monkeypatch.setattr(file_versions, "_write", write)

    assert reads_between[0].hit  # only CHANGES written yet: the old page still stood
    assert "Prolotherapy, Explained" in reads_between[-1].text
    assert "Prolotherapy, Explained" in wsgi(path).text


def changing_while_rendering(monkeypatch, *keys):
    """Every render of an article page sees a change to `keys` saved by someone else while it runs."""
    from blog.views import ArticleDetailView

    render = ArticleDetailView.get_context_data

    def render_while_changing(view, **kwargs):
        context = render(view, **kwargs)
        versions().change(keys)
        return context

    monkeypatch.setattr(ArticleDetailView, "get_context_data", render_while_changing)


def test_a_page_rendered_while_something_else_changed_is_stored(article, monkeypatch):
    changing_while_rendering(monkeypatch, "pages.page:1", pagecache.ANY)

    assert cached_twice(article.get_absolute_url()).hit


def test_a_page_rendered_while_what_it_shows_changed_is_not_stored(article, monkeypatch):
    changing_while_rendering(monkeypatch, f"blog.article:{article.pk}", pagecache.ANY)
    path = article.get_absolute_url()

    assert not wsgi(path).hit
    assert not wsgi(path).hit


def test_fresh_after_a_scheduled_article_is_moved_into_the_past(committed):
    scheduled = ArticleFactory(title="Now live", scheduled=True)

    def publish_now():
        scheduled.published_at = timezone.now() - datetime.timedelta(minutes=1)
        scheduled.save()

    assert_fresh_after("/", publish_now, "Now live", committed)


@pytest.fixture
def travelling_cache(settings, tmp_path, time_machine):
    """The file cache, frozen at the next noon here, for tests that travel in time.

    Travel moves this process's clock only: Redis would keep what the site stored (remembered article counts,
    related posts) by its own clock, as if no time had passed. The file cache reads this process's clock, as
    the site's own checks of a stored page's expiry do. Noon is far from midnight, when every page expires.
    """
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    versions.cache_clear()
    renew()
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    time_machine.move_to(noon if noon > now else noon + datetime.timedelta(days=1), tick=False)
    yield time_machine
    versions.cache_clear()


def test_a_scheduled_article_appears_when_its_time_comes(article, travelling_cache):
    scheduled = ArticleFactory(title="Just in time", published_at=timezone.now() + datetime.timedelta(seconds=2))
    wsgi("/")
    waiting = wsgi("/")
    assert waiting.hit and "Just in time" not in waiting.text
    assert wsgi(scheduled.get_absolute_url()).status == 404

    travelling_cache.shift(datetime.timedelta(seconds=3))

    home = wsgi("/")
    assert "Just in time" in home.text and "What Is Prolotherapy?" in home.text
    assert wsgi(scheduled.get_absolute_url()).status == 200


def test_pages_expire_before_the_next_scheduled_publication(article, travelling_cache):
    ArticleFactory(title="Ninety seconds on", published_at=timezone.now() + datetime.timedelta(seconds=90))
    assert not wsgi("/").hit

    travelling_cache.shift(datetime.timedelta(seconds=85))
    shortly_before = wsgi("/")
    assert shortly_before.hit and "Ninety seconds on" not in shortly_before.text

    travelling_cache.shift(datetime.timedelta(seconds=6))
    after_publication = wsgi("/")
    assert not after_publication.hit
    assert "Ninety seconds on" in after_publication.text and "What Is Prolotherapy?" in after_publication.text
    # The publication moment passed: pages are stored again at once (not only once that moment is forgotten).
    assert wsgi("/").hit


def related_titles(answer):
    related = answer.text.partition('id="related-title"')[2].partition("</section>")[0]
    return {name.partition("</span>")[0] for name in related.split('class="related__name">')[1:]}


def test_pages_expire_at_midnight_when_review_dates_pass(article, travelling_cache):
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    travelling_cache.move_to(midnight - datetime.timedelta(minutes=1), tick=False)
    tag = TagFactory()
    article.tags.add(tag)
    ArticleFactory(title="Due for review today", tags=[tag], next_review_at=timezone.localdate())
    assert related_titles(wsgi(article.get_absolute_url())) == {"Due for review today"}

    travelling_cache.shift(datetime.timedelta(seconds=59))
    before_midnight = wsgi(article.get_absolute_url())
    assert before_midnight.hit and related_titles(before_midnight) == {"Due for review today"}

    # A second past midnight: a frozen clock can stop on the very instant where the page has expired and the
    # file cache still keeps the related posts (it expires entries strictly after); a running clock never does.
    travelling_cache.shift(datetime.timedelta(seconds=2))
    after_midnight = wsgi(article.get_absolute_url())
    assert not after_midnight.hit
    assert "What Is Prolotherapy?" in after_midnight.text
    assert "Due for review today" not in related_titles(after_midnight)


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


def test_a_stored_page_tells_shared_caches_how_long_they_may_keep_it(article, travelling_cache):
    ArticleFactory(title="Later", published_at=timezone.now() + datetime.timedelta(seconds=300))
    first = wsgi(article.get_absolute_url())
    travelling_cache.shift(datetime.timedelta(seconds=100))
    hit = wsgi(article.get_absolute_url())

    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=300"
    assert hit.hit
    assert hit.headers["Cache-Control"] == "public, max-age=0, s-maxage=200"
    assert "blog.article:" in first.headers["X-Cache-Tags"]


def test_a_personal_page_tells_shared_caches_nothing(article, client, editor):
    client.force_login(editor)

    assert "s-maxage" not in client.get(article.get_absolute_url()).get("Cache-Control", "")
