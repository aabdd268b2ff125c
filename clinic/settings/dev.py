"""Development settings: what `manage.py` uses unless DJANGO_SETTINGS_MODULE says otherwise."""

import os
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, TWO_FACTOR_CHOICES, env_bool, env_choice, env_list


def _development_secret_key():
    """Return a random key generated on first use and kept in an untracked file, so sessions survive restarts."""
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _development_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)
# Templates and code change all the time in development: no page cache unless asked for.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "0"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The demo editor `make run` prints logs in with its password alone; set DJANGO_TWO_FACTOR_REQUIRED=editors to try
# enrolment as production has it.
TWO_FACTOR_REQUIRED = env_choice("DJANGO_TWO_FACTOR_REQUIRED", TWO_FACTOR_CHOICES, "none")
