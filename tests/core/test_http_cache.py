"""A real Varnish on loopback in front of the site, with deploy/varnish.vcl: it keeps what the site marks shared,
nothing personal, and drops a page the moment what it shows changes."""

import http.client
import logging
import os
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from blog.models import Comment, DiscussionSettings
from blog.services import comment_set_status
from clinic.models import ClinicSettings
from tests.factories import ArticleFactory, CommentFactory
from tools.production import free_port

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
# CI installs Varnish (.ci/run) and sets this, so that these tests can never be skipped there.
REQUIRED = os.environ.get("CLINIC_REQUIRE_VARNISH") == "1"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(VARNISHD).exists() and not REQUIRED, reason="Varnish is not installed (apt-get install varnish)"
    ),
]


@pytest.fixture
def varnish(live_server, settings, tmp_path):
    """Varnish with the project's VCL, its backend the live server; the site sends its bans there."""
    port = free_port()
    vcl = (Path(django_settings.BASE_DIR) / "deploy" / "varnish.vcl").read_text()
    vcl = vcl.replace('.port = "8000"', f'.port = "{urlsplit(live_server.url).port}"')
    (tmp_path / "site.vcl").write_text(vcl)
    # Without -F, varnishd returns once its cache process answers: nothing to wait for after it.
    started = subprocess.run(
        [VARNISHD, "-j", "none", "-n", str(tmp_path / "work"), "-P", str(tmp_path / "varnishd.pid")]
        + ["-a", f"127.0.0.1:{port}", "-f", str(tmp_path / "site.vcl"), "-s", "malloc,32m"]
        + ["-T", f"127.0.0.1:{free_port()}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if started.returncode != 0:
        pytest.fail(f"varnishd did not start: {started.stdout}{started.stderr}")
    # A transactional test's flush removed the settings rows; made on a first request, they would (rightly) keep
    # that request's page from being stored.
    ClinicSettings.load()
    DiscussionSettings.load()
    settings.PAGE_CACHE_SECONDS = 600
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
    yield Varnish(port)
    os.kill(int((tmp_path / "varnishd.pid").read_text()), signal.SIGTERM)


class Varnish:
    def __init__(self, port):
        self.port = port

    def get(self, path, cookie=""):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        return response, body

    def hit(self, path, **kwargs):
        return self.get(path, **kwargs)[0].getheader("X-HTTP-Cache") == "hit"


def test_an_anonymous_page_is_kept_and_carries_no_tags_out(varnish, article):
    first, _ = varnish.get(article.get_absolute_url())
    second, body = varnish.get(article.get_absolute_url())

    assert first.getheader("X-HTTP-Cache") == "miss"
    assert second.getheader("X-HTTP-Cache") == "hit"
    assert "What Is Prolotherapy?" in body
    assert "s-maxage=" in second.getheader("Cache-Control")
    assert second.getheader("X-Cache-Tags") is None


@pytest.mark.parametrize("cookie", ["sessionid=abc", "comment_pending=x", "csrftoken=y; theme=dark"])
def test_anyone_with_a_session_or_commenter_cookie_is_never_served_a_kept_page(varnish, article, cookie):
    varnish.get(article.get_absolute_url())
    assert varnish.hit(article.get_absolute_url())

    assert not varnish.hit(article.get_absolute_url(), cookie=cookie)
    assert not varnish.hit(article.get_absolute_url(), cookie=cookie)


def test_the_admin_and_pages_the_site_does_not_mark_shared_are_never_kept(varnish, article):
    for path in ("/admin/login/", "/no-such-page/"):
        varnish.get(path)
        assert not varnish.hit(path)


def test_a_held_comment_keeps_the_page_and_an_approval_shows_on_the_next_request(varnish, article):
    varnish.get(article.get_absolute_url())
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Approved through Varnish")
    assert varnish.hit(article.get_absolute_url())

    comment_set_status(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED)

    response, body = varnish.get(article.get_absolute_url())
    assert response.getheader("X-HTTP-Cache") == "miss"
    assert "Approved through Varnish" in body


def test_an_article_save_drops_its_listings_and_the_articles_showing_it(varnish, article):
    other = ArticleFactory(title="Knee injections compared")
    for path in ("/", "/feed/", other.get_absolute_url()):
        varnish.get(path)
        assert varnish.hit(path)

    article.title = "Prolotherapy, Explained"
    article.save()

    for path in ("/", "/feed/", other.get_absolute_url()):
        response, body = varnish.get(path)
        assert response.getheader("X-HTTP-Cache") == "miss", path
        assert "Prolotherapy, Explained" in body, path


def test_a_cache_that_cannot_be_reached_is_logged_and_the_save_goes_through(settings, article, caplog):
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]

    with caplog.at_level(logging.ERROR, logger="clinic.cache"):
        article.title = "Saved anyway"
        article.save()

    article.refresh_from_db()
    assert article.title == "Saved anyway"
    assert any("Could not tell the HTTP cache" in record.getMessage() for record in caplog.records)
