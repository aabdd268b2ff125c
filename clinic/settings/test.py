"""Settings for the test suite (pytest uses these through pyproject.toml)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

# A fixed key is fine here: nothing signed in tests outlives the run.
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="clinic-test-media-"))
PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="clinic-test-private-"))
SERVE_MEDIA = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the app folders without collectstatic, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# No connection outlives its request in tests, so none is left open when PostgreSQL drops the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "core.db.sqlite3":  # noqa: F405
    # A file rather than memory: SQLite's shared-cache memory databases refuse a second writer at once instead of
    # letting it wait, so tests with concurrent writers (tests/blog/test_comment_races.py) need real locking.
    # In memory-backed /dev/shm where there is one, and without syncing: nothing has to survive the run.
    shm = "/dev/shm"  # noqa: S108 (mkdtemp makes a private folder there)
    folder = tempfile.mkdtemp(prefix="clinic-test-db-", dir=shm if os.path.isdir(shm) else None)
    DATABASES["default"]["TEST"] = {"NAME": str(Path(folder) / "test.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405

# Tests use the real shared cache: Redis when REDIS_URL is set (CI), else files in a temporary folder.
if not REDIS_URL:  # noqa: F405
    CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="clinic-test-cache-")  # noqa: F405
else:
    CACHES["default"]["KEY_PREFIX"] = "clinic-test"  # noqa: F405

# Background tasks go to the database queue, whatever the environment; tests run them with
# tests.helpers.run_tasks() (the worker's own code) or through a real worker process. tests/outbox/test_rq.py
# runs the RQ backend on Redis.
TASKS_BACKEND = "database"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django_rq"]  # noqa: F405 (the same admin on every run)
# The RQ backend's tests (tests/outbox/test_rq.py) queue on the test Redis, in a database of their own.
RQ_QUEUES = {"default": {"URL": os.environ.get("TEST_RQ_REDIS_URL", "redis://127.0.0.1:6379/15")}}
# Tests log staff in with force_login() and the password alone; the two-factor tests (tests/twofactor) set the
# rule they test, and tests.helpers.force_login_verified() gives a session that passed the second factor.
TWO_FACTOR_REQUIRED = "none"
VIDEO_OEMBED_ENDPOINTS = {
    # Nothing leaves the machine in tests: the discard port on loopback refuses; tests that fetch start a server.
    "youtube": "http://127.0.0.1:9/oembed",
    "vimeo": "http://127.0.0.1:9/api/oembed.json",
}
