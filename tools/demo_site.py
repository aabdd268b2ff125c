"""The demo content served the way `make serve` serves a clinic (gunicorn, clinic.settings.prod, DEBUG off).

`make lighthouse` and `make screenshots` look at this: the pages readers get, not the development server's.
Everything lives in a temporary folder (SQLite database, media, collected static files, page cache) that is
removed afterwards; nothing of the developer's own database or media is touched.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from tools.production import Server, manage, production_env

ARTICLE_PATH = "/blog/what-is-prolotherapy/"
ADMIN_USERNAME = "screenshots"
# gunicorn's sync workers serve one request each: a browser asks for the page, its CSS, script and images at once.
DEMO_WORKERS = 4


@contextlib.contextmanager
def demo_site(admin_password=None, *, with_env=False):
    """Yield the base URL of the demo site; with `admin_password`, a superuser `ADMIN_USERNAME` exists too; with
    `with_env`, (URL, the server's environment) for management commands on the same site."""
    with tempfile.TemporaryDirectory(prefix="clinic-demo-") as folder:
        work = Path(folder)
        # The screenshots' administrator logs in with a password alone (a demo: production asks editors for a code).
        env = production_env(
            work,
            DATABASE_URL=f"sqlite:///{work / 'demo.sqlite3'}",
            REDIS_URL="",
            DJANGO_SERVE_MEDIA="true",
            DJANGO_TWO_FACTOR_REQUIRED="none",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--no-input", "-v0")
        if admin_password:
            manage(
                {**env, "DJANGO_SUPERUSER_PASSWORD": admin_password},
                "createsuperuser", "--no-input", "--username", ADMIN_USERNAME, "--email", "editor@example.com",
            )  # fmt: skip
        with Server(env, workers=DEMO_WORKERS) as server:
            yield (server.url, env) if with_env else server.url


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        raise SystemExit(f"Chromium is needed at {path}: `apt-get install chromium` or set CHROMIUM_PATH.")
    return path
