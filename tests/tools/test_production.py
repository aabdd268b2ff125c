"""Production mode as `make serve` runs it: gunicorn, clinic.settings.prod, WhiteNoise, the shared page cache."""

import json
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from blog.models import Comment, DiscussionSettings
from clinic.models import ClinicSettings
from tests.factories import ArticleFactory, CommentFactory, comment_form_data, comment_url
from tools.production import Server, manage, production_env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    work = tmp_path_factory.mktemp("production")
    manage(production_env(work), "collectstatic", "--no-input")
    return work / "static"


def test_hashed_static_files_are_served_compressed_with_far_future_cache_headers(collected_static, tmp_path):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed_css)
    server = Server(
        production_env(
            tmp_path, DJANGO_STATIC_ROOT=collected_static, DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}"
        )
    )
    try:
        response, body = server.request("GET", f"/static/{hashed_css}", headers={"Accept-Encoding": "gzip"})
        unhashed, _ = server.request("GET", "/static/css/site.css")
    finally:
        server.stop()

    assert response.status == 200
    assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert response.getheader("Content-Encoding") == "gzip"
    assert len(body) < (collected_static / hashed_css).stat().st_size
    assert "immutable" not in (unhashed.getheader("Cache-Control") or "")


class Browser:
    """Just enough of a browser for the admin through gunicorn behind a (pretend) TLS proxy."""

    def __init__(self, server):
        self.server, self.cookies = server, {}

    def request(self, method, path, form=None):
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{self.server.port}"}
        headers["Referer"] = headers["Origin"] + path
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, data = self.server.request(method, path, body=body, headers=headers)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response, data.decode()

    def csrf_token(self, path):
        response, html = self.request("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, f"no CSRF token in {path}: {response.status} {html[:300]}"
        return found[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes need a shared database server")
@pytest.mark.django_db(transaction=True)
def test_an_approval_through_one_process_is_fresh_through_another_at_once(collected_static, editor, tmp_path):
    """And only there: a held comment and the approval leave the other stored pages served from the cache."""
    # Production verifies passwords with its own hashers, not the fast one the tests use.
    editor.password = PBKDF2PasswordHasher().encode("correct horse battery staple", "production-salt")
    editor.save()
    article = ArticleFactory(title="Shared article", slug="shared-article")
    other = ArticleFactory(title="Another article", slug="another-article")
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Waiting for approval")
    # Migrations create these rows; an earlier transactional test's flush removed them, and a server creating
    # them on its first request would (rightly) make the page it is about to store stale.
    ClinicSettings.load()
    DiscussionSettings.load()
    shared_cache = {"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {"DJANGO_CACHE_DIR": tmp_path}
    env = production_env(
        tmp_path,
        DJANGO_STATIC_ROOT=collected_static,
        DATABASE_URL=f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
        f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}",
        DJANGO_CACHE_PREFIX=f"two-processes-{uuid.uuid4().hex}",
        # The editor logs in with a password alone here (production asks editors for a code: tests/twofactor).
        DJANGO_TWO_FACTOR_REQUIRED="none",
        **shared_cache,
    )
    reader_side, editor_side = Server(env), Server(env)
    try:
        for path in ("/blog/shared-article/", other.get_absolute_url()):
            reader_side.request("GET", path)
        response, html = reader_side.request("GET", "/blog/shared-article/")
        assert response.getheader("X-Page-Cache") == "hit"
        assert "Waiting for approval" not in html.decode()

        held, _ = editor_side.request(
            "POST",
            comment_url(article),
            body=urlencode(comment_form_data(article, email="new.reader@example.com", body="A held question")),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"},
        )
        assert held.status == 302
        assert Comment.objects.exclude(status=Comment.Status.APPROVED).filter(body="A held question").exists()
        response, _ = reader_side.request("GET", "/blog/shared-article/")
        assert response.getheader("X-Page-Cache") == "hit"

        browser = Browser(editor_side)
        token = browser.csrf_token("/admin/login/")
        browser.request(
            "POST",
            "/admin/login/",
            {"username": editor.username, "password": "correct horse battery staple", "csrfmiddlewaretoken": token},
        )
        token = browser.csrf_token("/admin/blog/comment/")
        approved, _ = browser.request(
            "POST",
            "/admin/blog/comment/",
            {"action": "approve", "_selected_action": [comment.pk], "csrfmiddlewaretoken": token},
        )
        assert approved.status == 302
        assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED

        response, html = reader_side.request("GET", "/blog/shared-article/")
        assert response.getheader("X-Page-Cache") is None
        assert "Waiting for approval" in html.decode()
        response, _ = reader_side.request("GET", other.get_absolute_url())
        assert response.getheader("X-Page-Cache") == "hit"
    finally:
        reader_side.stop()
        editor_side.stop()
