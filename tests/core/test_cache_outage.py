"""Redis down, before the first request or in the middle of a run: the site answers uncached, never with an error."""

import datetime
import logging
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.templatetags.static import static
from django.urls import reverse

from blog.models import Comment
from core import editing
from core.cacheguard import outage
from core.pagecache import versions
from tests.factories import ArticleFactory, UserFactory, post_comment, uploaded_image
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def use_redis(settings):
    """Point the shared cache and the page cache at a Redis address of the test's choosing."""

    def use(url):
        settings.REDIS_URL = url
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cacheguard.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "clinic-test-outage",
                "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
            }
        }
        settings.PAGE_CACHE_SECONDS = 600
        versions.cache_clear()
        outage.reset()

    yield use
    versions.cache_clear()
    outage.reset()


@pytest.fixture
def unreachable_redis(use_redis):
    use_redis(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, on a free port, that the test may kill (never the shared one)."""
    port = free_port()

    def start():
        process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--daemonize", "no"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port)
        for _ in range(200):
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.025)
        process.kill()
        pytest.fail("redis-server did not start")

    server = {"process": start(), "url": f"redis://127.0.0.1:{port}/0", "start": start}
    yield server
    server["process"].kill()
    server["process"].wait()


def cache_errors(caplog):
    return [record for record in caplog.records if record.name == "clinic.cache" and record.levelno >= logging.ERROR]


def test_with_redis_unreachable_every_kind_of_page_answers_uncached(unreachable_redis, article, caplog):
    pages = {
        article.get_absolute_url(): 200,
        reverse("home"): 200,
        static("css/site.css"): 200,
        "/no-such-page/": 404,
        reverse("admin:login"): 200,
    }
    for path, status in pages.items():
        for _ in range(2):
            answer = wsgi(path)
            assert answer.status == status, path
            assert not answer.hit

    assert "What Is Prolotherapy?" in wsgi(article.get_absolute_url()).text
    errors = cache_errors(caplog)
    assert len(errors) == 1
    assert "ConnectionError" in errors[0].getMessage()


def test_with_redis_unreachable_editors_log_in_and_commenters_are_still_rate_limited(
    unreachable_redis, client, article
):
    UserFactory(username="chen", password="a long enough password", is_staff=True)  # noqa: S106

    login = client.post(reverse("admin:login"), {"username": "chen", "password": "a long enough password"})
    assert login.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    assert post_comment(client, article, remote_addr="203.0.113.9").status_code == 302
    assert post_comment(client, article, remote_addr="203.0.113.9", body="Again").status_code == 429
    assert Comment.objects.count() == 1


def test_with_redis_unreachable_presence_shows_nobody_else(unreachable_redis):
    chen, lopez = UserFactory(), UserFactory()

    editing.presence_touch("blog.article:1", chen)

    assert editing.presence_others("blog.article:1", lopez) == []


def test_with_redis_unreachable_images_still_get_their_renditions(unreachable_redis, settings, worked):
    settings.SERVE_MEDIA = True
    with worked():
        article = ArticleFactory(featured_image=uploaded_image(size=(1200, 800)), featured_image_alt="A knee")

    answer = wsgi(article.get_absolute_url())

    assert answer.status == 200
    assert ".webp" in answer.text and 'alt="A knee"' in answer.text


def test_redis_stopping_mid_run_degrades_to_uncached_pages_and_recovery_caches_again(
    use_redis, own_redis, article, caplog, time_machine
):
    time_machine.move_to(datetime.datetime.now(tz=datetime.timezone.utc), tick=False)
    use_redis(own_redis["url"])
    path = article.get_absolute_url()
    wsgi(path)
    assert wsgi(path).hit

    own_redis["process"].kill()
    own_redis["process"].wait()
    answers = [wsgi(path) for _ in range(5)]

    assert [(answer.status, answer.hit) for answer in answers] == [(200, False)] * 5
    assert "What Is Prolotherapy?" in answers[-1].text
    assert len(cache_errors(caplog)) == 1

    own_redis["process"] = own_redis["start"]()
    time_machine.shift(datetime.timedelta(seconds=3))
    wsgi(path)

    assert wsgi(path).hit
    assert any("answers again" in record.getMessage() for record in caplog.records)


def test_a_change_saved_while_redis_did_not_answer_is_not_hidden_by_pages_stored_before(
    use_redis, own_redis, article, time_machine, django_capture_on_commit_callbacks
):
    """A frozen Redis keeps its data (and the old versions): the change could not renew it, the recovery must."""
    time_machine.move_to(datetime.datetime.now(tz=datetime.timezone.utc), tick=False)
    use_redis(own_redis["url"])
    path = article.get_absolute_url()
    wsgi(path)
    assert wsgi(path).hit

    own_redis["process"].send_signal(signal.SIGSTOP)
    try:
        assert not wsgi(path).hit
        with django_capture_on_commit_callbacks(execute=True):
            article.title = "Prolotherapy, revised"
            article.save()
    finally:
        own_redis["process"].send_signal(signal.SIGCONT)
    time_machine.shift(datetime.timedelta(seconds=3))

    assert "Prolotherapy, revised" in wsgi(path).text
    assert wsgi(path).hit


def test_pages_stored_before_redis_lost_the_versions_are_never_served(use_redis, own_redis, article):
    """Redis may drop keys (a restart with nothing saved, eviction under memory pressure): the versions go as one,
    and with them every page stored under them, even where the change that followed never named its keys."""
    use_redis(own_redis["url"])
    path = article.get_absolute_url()
    wsgi(path)
    assert wsgi(path).hit

    redis.Redis.from_url(own_redis["url"]).delete(versions().name)
    type(article).objects.filter(pk=article.pk).update(title="Prolotherapy, revised")

    assert "Prolotherapy, revised" in wsgi(path).text
    assert wsgi(path).hit
