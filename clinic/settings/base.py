"""Settings shared by every environment; each value can come from the environment (12-factor).

The `dev`, `test` and `prod` modules start from this one. Every variable read here is documented in the
README and in `.env.example`.
"""

import datetime
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core import video as _video

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default):
    """Read a yes/no environment variable, refusing anything ambiguous."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name, default=()):
    """Read a comma-separated environment variable into a list, ignoring blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name, choices, default):
    """Read an environment variable that must be one of `choices` (case and surrounding blanks ignored)."""
    value = (os.environ.get(name) or "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_networks(name):
    """Read comma-separated IP addresses or networks (`127.0.0.1`, `10.0.0.0/8`), refusing anything else."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network ({error}); "
                "write addresses or networks separated by commas, e.g. 127.0.0.1,10.0.0.0/8."
            ) from None
    return tuple(networks)


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_ckeditor_5",
    "simple_history",
    "sorl.thumbnail",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "core",
    "clinic",
    "blog",
    "pages",
    "menus",
    "redirects",
    "wordpress",
    "outbox",
    "newsletter",
    "embeds",
    "library",
    # After django_otp's plugins: it takes their device admins away again (twofactor/admin.py).
    "twofactor",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # Outside the page store, so that pages are stored as rendered and compressed on the way out.
    "core.middleware.TextGZipMiddleware",
    "core.pagecache.StorePageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether the session passed the second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session that lacks the second factor its person needs goes back to the code step or enrolment.
    "twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    # Last: it answers only what nothing else answered (an old WordPress address, with a 301).
    "redirects.middleware.RedirectFallbackMiddleware",
    "wordpress.middleware.OldAddressFallbackMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username/address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password guessing on the admin: five failures for one username from one address lock that pair out for
# fifteen minutes. Attempts and lockouts are listed in the admin (Axes); `manage.py axes_reset` lifts them.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
# Wrong codes of the second step are failed logins too (twofactor/services.py); what was typed is never stored.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-factor login (twofactor/): who must log in with a code from an authenticator app besides the password.
# "editors": Editors and superusers; "staff": every staff account; "none": only those who turned it on.
# Everyone on the staff may turn it on for themselves (admin → Two-factor login).
TWO_FACTOR_CHOICES = ("editors", "staff", "none")
TWO_FACTOR_REQUIRED = env_choice("DJANGO_TWO_FACTOR_REQUIRED", TWO_FACTOR_CHOICES, "editors")

# Reverse proxies whose X-Forwarded-For is believed (core/clientip.py); empty: the connection's own address.
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES")

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers served in turn instead of each sleeping and retrying (core/db/sqlite3).
    DATABASES["default"]["ENGINE"] = "core.db.sqlite3"
    # Transactions take SQLite's write lock when they begin, so a read-then-write transaction (the comment
    # checks, blog/services.py) cannot be overtaken between its read and its write; others wait their turn.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # Write-ahead logging: readers never wait for a writer nor hold one up (a slow page cannot make a comment or
    # a save wait, and the other way round); NORMAL sync is what WAL is safe with.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # How long a write waits for the one before it (Python's default is 5 s): while a worker stores one batch
    # after another, a commenter's post must wait its turn, never fail with "database is locked".
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Files the site keeps but never serves (a WordPress export waiting for its import holds commenters' emails).
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", BASE_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def s3_media_storage(*, bucket, endpoint_url=None, region=None, custom_domain=None):
    """The STORAGES entry for uploaded media on S3-compatible object storage (production with DJANGO_S3_BUCKET).

    Files are public and named at random, never overwritten, so their URLs carry no signature and are cached
    for a year. The site's Content-Security-Policy allows images from the origin these URLs have.
    """
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "custom_domain": custom_domain or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }


# Uploaded media is served by Django itself when this is on (development, tests, a single small
# server); at scale the front web server or object storage serves it instead.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)

# Image renditions (sorl-thumbnail): never larger than the original, stored under renditions/.
THUMBNAIL_UPSCALE = False
THUMBNAIL_QUALITY = 80
THUMBNAIL_PREFIX = "renditions/"
# sorl's own backend, which can also tell a page whether a rendition is made without making it (core/renditions.py).
THUMBNAIL_BACKEND = "core.renditions.RenditionBackend"
# core.images.renditions() only ever gives sorl files from our storage; should anything hand it a URL, it must
# not hold a worker for long (sorl's default is to wait forever, and it has no setting to refuse URLs).
THUMBNAIL_URL_TIMEOUT = 2

# Uploads bigger than this are refused before Pillow ever sees them.
IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Pillow refuses to decode more pixels than this (decompression bombs).
IMAGE_MAX_PIXELS = 40_000_000

# The shared cache: Redis when REDIS_URL is set (several machines), else files that every worker process on
# this machine shares. The page cache (core/pagecache.py), related posts, editors' presence and image
# renditions use it; nothing lives only there, so while Redis is down the site runs uncached
# (core/cacheguard.py), and short timeouts keep an unanswering host from holding requests.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cacheguard.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "clinic"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.filecache.FileCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Seconds an anonymous reader's page is kept at most (0 turns the page cache off).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# HTTP caches in front (deploy/varnish.vcl) told to drop pages when what they show changes: BAN requests to each
# address, e.g. http://127.0.0.1:6081/ (core/httpcache.py).
HTTP_CACHE_PURGE_URLS = env_list("DJANGO_HTTP_CACHE_PURGE_URLS")
for _url in HTTP_CACHE_PURGE_URLS:
    if not _url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"DJANGO_HTTP_CACHE_PURGE_URLS: {_url!r} is not an http:// or https:// address.")
HTTP_CACHE_PURGE_TIMEOUT = 2
# Seconds costly parts of pages (related posts) are kept at most; any content change renews them at once.
CACHED_PARTS_SECONDS = 3600

# Initial clinic name and tagline; editors change them in the admin (Clinic settings).
SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Regenerative Health Clinic")
SITE_TAGLINE = "Articles on regenerative medicine, pain and recovery"

BLOG_ARTICLES_PER_PAGE = 10

CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
# Our own view (core/editor.py) adds a permission check, Pillow decoding and generated file names.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "core:editor-image-upload"
# Staff members holding any one of these may upload images from the editor.
EDITOR_UPLOAD_PERMISSIONS = ["blog.add_article", "blog.change_article", "pages.add_page", "pages.change_page"]
# Called with the stored name, the uploader and the uploaded file's name after each editor upload: the media
# library makes it a library item (library/services.py).
EDITOR_UPLOAD_HOOKS = ["library.services.media_item_from_editor_upload"]
# Fields of posted forms that no person typed: never shown back on the 503 page (core/middleware.py). The
# comment form's signed timestamp and its honeypot.
ERROR_PAGE_HIDDEN_FIELDS = ["started", "phone"]
# Video platforms editors may embed (core/video.py): readers get a placeholder, and the platform's privacy-enhanced
# player only once they press play. The editor's media embed refuses any other address.
VIDEO_EMBED_PROVIDERS = env_list("DJANGO_VIDEO_EMBED_PROVIDERS", ["youtube", "vimeo"])
for _name in VIDEO_EMBED_PROVIDERS:
    if _name not in _video.PROVIDERS:
        raise ImproperlyConfigured(
            f"DJANGO_VIDEO_EMBED_PROVIDERS: {_name!r} is not a video platform the site knows; "
            f"choose among {', '.join(_video.PROVIDERS)}."
        )
# Where a worker asks each platform for a video's title and thumbnail (oEmbed), once, when a body with the
# video is saved (embeds/services.py); tests point them at a server on loopback.
VIDEO_OEMBED_ENDPOINTS = {
    "youtube": "https://www.youtube.com/oembed",
    "vimeo": "https://vimeo.com/api/oembed.json",
}
# Seconds the worker waits for a platform's answer before it records the failure.
VIDEO_FETCH_TIMEOUT = 10
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png", "gif", "webp"]
CKEDITOR_5_MAX_FILE_SIZE = IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)
CKEDITOR_5_CUSTOM_CSS = "css/admin-editor.css"
CKEDITOR_5_CONFIGS = {
    "article": {
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "subscript",
                "superscript",
                "link",
                "|",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "insertTable",
                "insertImage",
                "mediaEmbed",
                "|",
                "undo",
                "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "heading": {
            "options": [
                {"model": "paragraph", "title": "Paragraph", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "Heading 2", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "Heading 3", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "Heading 4", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": [
                "imageTextAlternative",
                "|",
                "imageStyle:alignLeft",
                "imageStyle:alignRight",
                "imageStyle:alignCenter",
                "imageStyle:side",
                "|",
                "toggleImageCaption",
            ],
            "styles": ["full", "side", "alignLeft", "alignRight", "alignCenter"],
        },
        "table": {
            "contentToolbar": ["tableColumn", "tableRow", "mergeTableCells", "tableProperties"],
        },
        "link": {"addTargetToExternalLinks": False},
        # A numbered list may start at any number, or count down, as the sanitizer lets it (and WordPress did).
        "list": {"properties": {"styles": False, "startIndex": True, "reversed": True}},
        # Stored as <figure class="media"><oembed url="..."></oembed></figure>, which the sanitizer keeps for the
        # allowed platforms only; the page draws it as a click-to-play placeholder (embeds/).
        "mediaEmbed": {"previewsInData": False, "providers": _video.editor_providers(VIDEO_EMBED_PROVIDERS)},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s %(client_ip)s] %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# The site's public address (scheme and host, no trailing slash) for canonical links, feeds, sitemaps and emails.
# Empty: taken from each request (and, in emails, from the first of ALLOWED_HOSTS).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "clinic-blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where replies to the site's emails go (comma-separated), e.g. the clinic's front desk; empty: to the sender.
EMAIL_REPLY_TO = env_list("DJANGO_EMAIL_REPLY_TO")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Seconds a mail server may take to answer before a send gives up (and is retried later, outbox/tasks.py).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
# The right-hand part of every email's Message-ID: the site's host.
EMAIL_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "clinic.localhost"
# Tries of one email before it is marked failed in the admin (Emails), with backoff in between.
EMAIL_MAX_ATTEMPTS = 6

# Background work through Django's Tasks API (the django-tasks backport of Django 6's django.tasks): every email
# is sent by a worker (`make worker`), never inside a request. The database is the queue by default (one
# machine, no other server); RQ on Redis when REDIS_URL is set, for several machines. DJANGO_TASKS_BACKEND
# ("database" or "rq") chooses either way.
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "rq" if REDIS_URL else "database")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("DJANGO_TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured(f"DJANGO_TASKS_BACKEND: {TASKS_BACKEND!r} is neither 'database' nor 'rq'.")

# The largest document (PDF, office file) a WordPress import keeps from the uploads folder, in bytes.
WORDPRESS_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# The largest uploads folder (a zip, once unpacked) an import from the admin takes, in bytes.
WORDPRESS_UPLOADS_MAX_BYTES = int(os.environ.get("DJANGO_WORDPRESS_UPLOADS_MAX_BYTES", 20 * 1024**3))

# Days a deleted article or page stays in the Trash, restorable, before a daily task deletes it for good.
TRASH_DAYS = int(os.environ.get("DJANGO_TRASH_DAYS", "30"))
if TRASH_DAYS < 1:
    raise ImproperlyConfigured(
        "DJANGO_TRASH_DAYS must be 1 or more: the days deleted articles and pages stay in the Trash."
    )

# Comments: a form sent sooner than this after it was shown is a bot's (seconds).
COMMENT_MIN_SECONDS_TO_SUBMIT = 3
# Seconds before the same IP address may post another comment (0 turns the flood limit off).
COMMENT_RATE_LIMIT_SECONDS = 15
# Days a link confirming an email subscription (follow-up comments, new articles) works (core/optin.py).
SUBSCRIPTION_CONFIRM_DAYS = 7
# Where the patient-safety notice sends people who want personal advice (empty: no link).
CLINIC_BOOKING_URL = os.environ.get("DJANGO_CLINIC_BOOKING_URL", "")

# How many articles "Related Posts" shows under an article.
BLOG_RELATED_POSTS = int(os.environ.get("DJANGO_BLOG_RELATED_POSTS", "3"))
