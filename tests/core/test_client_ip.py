"""The client's address behind trusted proxies (DJANGO_TRUSTED_PROXIES), and everything that uses it."""

import http.client
import http.server
import ipaddress
import logging
import os
import subprocess
import sys
import threading
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from blog.models import Comment
from core.clientip import client_ip
from core.middleware import RequestIdFilter
from tests.factories import ArticleFactory, comment_form_data, comment_url, post_comment

PROXY = "127.0.0.1"
LOGIN = reverse("admin:login")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("10.0.0.0/8"))


def address_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_client_ip_without_trusted_proxies_is_the_connections_address(settings):
    settings.TRUSTED_PROXIES = ()

    assert address_of("203.0.113.5", forwarded="198.51.100.7") == "203.0.113.5"
    assert address_of(PROXY, forwarded="198.51.100.7") == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("6.6.6.6,198.51.100.7, 10.1.2.3", "198.51.100.7"),
        ("not-an-address, 198.51.100.7", "198.51.100.7"),
        ("2001:db8::7", "2001:db8::7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("10.9.9.9, 10.1.2.3", "10.9.9.9"),
        ("198.51.100.7, garbage", PROXY),
        ("", PROXY),
    ],
)
def test_client_ip_is_the_nearest_address_that_is_not_a_trusted_proxy(behind_proxy, forwarded, expected):
    assert address_of(PROXY, forwarded=forwarded) == expected


def test_client_ip_ignores_a_forwarded_for_sent_by_the_client_itself(behind_proxy):
    assert address_of("203.0.113.5", forwarded="198.51.100.7") == "203.0.113.5"
    assert address_of("203.0.113.5") == "203.0.113.5"


def test_client_ip_of_a_proxy_without_forwarded_for_is_the_proxy(behind_proxy):
    assert address_of(PROXY) == PROXY


@pytest.mark.parametrize("value", ["127.0.0.1,localhost", "10.0.0.1/8", "300.1.1.1"])
def test_trusted_proxies_that_are_not_addresses_stop_the_site_from_starting(value):
    environment = {**os.environ, "DJANGO_TRUSTED_PROXIES": value, "DJANGO_SETTINGS_MODULE": "clinic.settings.test"}
    started = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )

    assert started.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES" in started.stderr
    assert "is not an IP address or network" in started.stderr


def test_trusted_proxies_are_read_as_addresses_and_networks(monkeypatch):
    from clinic.settings.base import env_networks

    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8,::1 ")

    assert env_networks("DJANGO_TRUSTED_PROXIES") == (
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1"),
    )


@pytest.mark.django_db
def test_readers_behind_the_proxy_each_have_their_own_flood_limit_and_stored_address(behind_proxy, client, article):
    for number in range(5):
        response = post_comment(
            client, article, remote_addr=PROXY, forwarded_for=f"198.51.100.{number}", body=f"Question {number}"
        )
        assert response.status_code == 302

    again = post_comment(client, article, remote_addr=PROXY, forwarded_for="198.51.100.0", body="Once more")

    assert again.status_code == 429
    stored = set(Comment.objects.values_list("ip_address", flat=True))
    assert stored == {f"198.51.100.{number}" for number in range(5)}


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_flood_limit(behind_proxy, client, article):
    assert post_comment(client, article, remote_addr=PROXY, forwarded_for="198.51.100.9").status_code == 302

    forged = post_comment(client, article, remote_addr=PROXY, forwarded_for="6.6.6.6, 198.51.100.9", body="Another one")
    direct = post_comment(client, article, remote_addr="198.51.100.9", forwarded_for="7.7.7.7", body="Third")

    assert forged.status_code == 429
    assert direct.status_code == 429
    assert Comment.objects.get().ip_address == "198.51.100.9"


def login(client, forwarded, password="wrong"):  # noqa: S107
    return client.post(
        LOGIN,
        {"username": "editor", "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_wrong_passwords_behind_the_proxy_lock_out_that_client_only(behind_proxy, client, editor):
    editor.set_password("correct horse battery staple")
    editor.save()
    for number in range(5):
        login(client, f"6.6.6.{number}, 203.0.113.66")

    assert login(client, "203.0.113.66", password="correct horse battery staple").status_code == 429
    assert login(client, "198.51.100.20", password="correct horse battery staple").status_code == 302


def test_log_lines_about_a_request_carry_the_clients_address(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    request.id = "abc"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", (), None)
    record.request = request

    RequestIdFilter().filter(record)

    assert (record.request_id, record.client_ip) == ("abc", "198.51.100.7")
    assert "%(client_ip)s" in django_settings.LOGGING["formatters"]["plain"]["format"]


class ForwardingProxy(http.server.BaseHTTPRequestHandler):
    """A reverse proxy as nginx's `proxy_add_x_forwarded_for` behaves: appends the address it was connected from."""

    upstream = None

    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        forwarded = ", ".join(filter(None, [self.headers.get("X-Forwarded-For"), self.client_address[0]]))
        headers = {name: value for name, value in self.headers.items() if name.lower() != "x-forwarded-for"}
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        upstream.request(self.command, self.path, body=body, headers={**headers, "X-Forwarded-For": forwarded})
        answer = upstream.getresponse()
        content = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        upstream.close()

    do_GET = do_POST = forward

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(live_server):
    ForwardingProxy.upstream = (live_server.thread.host, live_server.thread.port)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ForwardingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def post_through(proxy, source, article, body, forged=None):
    """Post a comment from the loopback address `source` (127.0.0.0/8 is all ours) through the proxy."""
    connection = http.client.HTTPConnection("127.0.0.1", proxy, timeout=30, source_address=(source, 0))
    data = urlencode(comment_form_data(article, email=f"{source}@example.com", body=body))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **({"X-Forwarded-For": forged} if forged else {})}
    connection.request("POST", comment_url(article), body=data, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.django_db(transaction=True)
def test_through_a_real_reverse_proxy_each_reader_keeps_their_own_address(settings, proxy):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    article = ArticleFactory()

    assert post_through(proxy, "127.0.0.2", article, "First reader") == 302
    assert post_through(proxy, "127.0.0.3", article, "Second reader") == 302
    assert post_through(proxy, "127.0.0.2", article, "Forged", forged="198.51.100.1") == 429

    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == ["127.0.0.2", "127.0.0.3"]
