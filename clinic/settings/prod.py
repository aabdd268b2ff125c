"""Production settings: refuse to start rather than run with an unsafe configuration."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env_bool, env_list, s3_media_storage

DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# The same bar as Django's own deployment check (security.W009), plus our test key.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("django-insecure", "test-only")):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names, comma-separated.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README, "Deployment").
if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# CKEditor's upload adapter reads the token from the form when it cannot read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Uploaded media on S3-compatible object storage (AWS S3, MinIO, Backblaze, Scaleway…) when a bucket is named;
# credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables. See README, "Deployment".
if os.environ.get("DJANGO_S3_BUCKET"):
    STORAGES = {
        **STORAGES,
        "default": s3_media_storage(
            bucket=os.environ["DJANGO_S3_BUCKET"],
            endpoint_url=os.environ.get("DJANGO_S3_ENDPOINT_URL"),
            region=os.environ.get("DJANGO_S3_REGION"),
            custom_domain=os.environ.get("DJANGO_S3_CUSTOM_DOMAIN"),
        ),
    }
    SERVE_MEDIA = False
# Preloading commits the domain and every subdomain to HTTPS in browsers' built-in lists for months: an
# operator's decision (DJANGO_SECURE_HSTS_PRELOAD), not a default; the check nagging about it is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# An operator whose proxy already redirects to HTTPS turns ours off on purpose; only then is the check quiet.
if not SECURE_SSL_REDIRECT and os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "").strip():
    SILENCED_SYSTEM_CHECKS.append("security.W008")
