import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from clinic.settings.base import env_bool, env_list

GOOD_KEY = secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), (" yes ", True), ("off", False), ("0", False)]
)
def test_env_bool_parses_explicit_values(monkeypatch, raw, expected):
    monkeypatch.setenv("DJANGO_SOME_FLAG", raw)

    assert env_bool("DJANGO_SOME_FLAG", not expected) is expected


def test_env_bool_refuses_ambiguous_values(monkeypatch):
    monkeypatch.setenv("DJANGO_SOME_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SOME_FLAG must be true or false"):
        env_bool("DJANGO_SOME_FLAG", False)


def test_env_list_ignores_blanks(monkeypatch):
    monkeypatch.setenv("DJANGO_HOSTS", " a.example, ,b.example ")

    assert env_list("DJANGO_HOSTS") == ["a.example", "b.example"]


def run_python(*arguments, **environment):
    """Run Python in a fresh interpreter in the project folder, with only the given Django variables set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=django_settings.BASE_DIR,
        check=False,
    )


def load_production_settings(**environment):
    return run_python("-c", "import clinic.settings.prod as s; print(s.DEBUG, s.ALLOWED_HOSTS)", **environment)


def test_production_cookies_are_secure_httponly_and_same_site():
    result = run_python(
        "-c",
        "import clinic.settings.prod as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
    )

    assert result.stdout.split() == [
        "True", "True", "True", "True", "Lax", "Lax", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')"
    ]  # fmt: skip


def test_production_starts_with_a_secret_and_hosts():
    result = load_production_settings(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="blog.example.com")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['blog.example.com']"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "blog.example.com"}, "Set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "blog.example.com"}, "Set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "blog.example.com"}, "Set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "x"}, "Set DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "Set DJANGO_ALLOWED_HOSTS"),
        (
            {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "x", "DJANGO_DEBUG": "true"},
            "DJANGO_DEBUG must be off",
        ),
    ],
)
def test_production_refuses_unsafe_configuration(environment, message):
    result = load_production_settings(**environment)

    assert result.returncode != 0
    assert message in result.stderr


def test_development_generates_its_own_secret_key():
    from clinic.settings import dev

    assert len(dev.SECRET_KEY) >= 50
    assert (django_settings.BASE_DIR / ".dev-secret-key").read_text().strip() == dev.SECRET_KEY


def test_production_passes_djangos_deployment_checks():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def deployment_check(**environment):
    return run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
        **environment,
    )


def test_production_without_https_redirect_passes_the_deployment_checks_when_the_operator_says_so():
    result = deployment_check(DJANGO_SECURE_SSL_REDIRECT="false")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_turning_the_https_redirect_off_silences_only_its_own_check():
    script = "import clinic.settings.prod as s; print(sorted(s.SILENCED_SYSTEM_CHECKS), s.SECURE_SSL_REDIRECT)"
    environment = {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "blog.example.com"}

    redirect_off = run_python("-c", script, DJANGO_SECURE_SSL_REDIRECT="false", **environment)
    by_default = run_python("-c", script, **environment)
    redirect_on = run_python("-c", script, DJANGO_SECURE_SSL_REDIRECT="true", **environment)
    left_empty = run_python("-c", script, DJANGO_SECURE_SSL_REDIRECT="", **environment)

    assert redirect_off.stdout.strip() == "['security.W008', 'security.W021'] False"
    assert by_default.stdout.strip() == redirect_on.stdout.strip() == left_empty.stdout.strip()
    assert by_default.stdout.strip() == "['security.W021'] True"


def test_other_deployment_warnings_still_fail_with_the_https_redirect_off():
    result = deployment_check(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_http_cache_purge_addresses_must_be_http():
    refused = run_python("-c", "import clinic.settings.test", DJANGO_HTTP_CACHE_PURGE_URLS="file:///etc/passwd")
    accepted = run_python(
        "-c",
        "import clinic.settings.test as s; print(s.HTTP_CACHE_PURGE_URLS)",
        DJANGO_HTTP_CACHE_PURGE_URLS="http://127.0.0.1:6081/, http://10.0.0.2:6081/",
    )

    assert refused.returncode != 0
    assert "is not an http:// or https:// address" in refused.stderr
    assert accepted.stdout.strip() == "['http://127.0.0.1:6081/', 'http://10.0.0.2:6081/']"


def test_sqlite_lets_readers_and_a_writer_work_at_once(tmp_path):
    """Write-ahead logging: a long page render never makes a comment or a save wait for it, nor the reverse."""
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clinic.settings.dev'; django.setup(); "
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0])"
    )
    result = run_python("-c", script, DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")

    assert result.stdout.strip() == "wal", result.stderr
