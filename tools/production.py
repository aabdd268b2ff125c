"""The site run the way `make serve` runs it (gunicorn, clinic.settings.prod), on a free loopback port.

One recipe for everything that needs the real server rather than Django's test client: the production tests,
`make bench` (benchmarks/run.py) and the demo site of `make lighthouse` and `make screenshots` (tools/demo_site.py).
Nothing here imports Django, so `make bench` and the tools can use it before any settings exist.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(work, **settings):
    """The environment of clinic.settings.prod with everything it writes (static, media, page cache) under `work`.

    The caller's own DJANGO_* and DATABASE_URL are left out; `settings` (values made strings) go on top.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: the TLS proxy of a real deployment is not there.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(Path(work) / "static"),
        DJANGO_MEDIA_ROOT=str(Path(work) / "media"),
        DJANGO_CACHE_DIR=str(Path(work) / "cache"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in settings.items()})
    return env


def manage(env, *arguments):
    """`manage.py` with `env`; its errors reach the caller's stderr, and a failure raises."""
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


class Server:
    """gunicorn serving `app` with `env` on a free loopback port until `stop()` (or the end of a `with` block)."""

    def __init__(self, env, app="clinic.wsgi:application", workers=1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe: a pipe nobody reads would block a server that logs much. Closed by stop().
        self.output = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        printed = self.printed()
        self.stop()
        raise RuntimeError(f"{app} did not start (exited, or not listening within 30 s): {printed}")

    def printed(self):
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
