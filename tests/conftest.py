import contextlib
import json
import os
import shutil
import socket
import threading
import urllib.request
from types import SimpleNamespace

import pytest
from django.conf import settings

from tests.factories import ArticleFactory, UserFactory
from tests.mailserver import black_hole, mail_server_down, mailed, smtp  # noqa: F401 (fixtures)

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run beside one
# unless told that this single-threaded use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    Playwright's sync API runs test code in a greenlet, and Django keeps one database connection per context,
    so a database test that runs after a browser test opens a connection Django never closes; PostgreSQL then
    refuses to drop the test database. The browser tests are also the slowest: fast failures come first.
    """
    items.sort(key=lambda item: "browser" in item.nodeid.split("/")[1:2])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium; Playwright never downloads a browser here."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM_PATH}: `apt-get install chromium` or set CHROMIUM_PATH.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Nothing cached by an earlier test (whose transaction never committed) may show in this one."""
    from core.pagecache import renew

    renew()


@pytest.fixture(autouse=True, scope="session")
def _clean_media_root():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def worked(django_capture_on_commit_callbacks):
    """`with worked(): ...` runs the block as if its transaction committed, then what a worker does with the tasks it
    queued (the renditions of a saved image, say)."""
    from tests.helpers import run_tasks

    @contextlib.contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return block


@pytest.fixture
def editor(db):
    """A staff member in the Editor group, as `ensure_editor` creates."""
    from clinic.roles import editor_group

    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(editor_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory(title="What Is Prolotherapy?", slug="what-is-prolotherapy")


@pytest.fixture
def moderator(db):
    """A staff member allowed to moderate comments, with an email address: the moderation emails go to them."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="mod", email="moderator@clinic.example", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    return user


@pytest.fixture
def authored_article(db):
    """An article whose author has an email address (the author's notifications go there)."""
    return ArticleFactory(title="What Is Prolotherapy?", author=UserFactory(email="author@clinic.example"))


@pytest.fixture
def connection_recorder():
    """A TCP listener on loopback that records every connection made to it and closes it at once.

    A client that connects is answered with nothing but the close, so it never waits on a timeout; the
    connection is recorded before it is closed, so by the time the client goes on it is in `connections`.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    recorder = SimpleNamespace(port=listener.getsockname()[1], connections=[])

    def accept():
        while True:
            try:
                connection, address = listener.accept()
            except OSError:
                return
            recorder.connections.append(address)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield recorder
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    thread.join()


def _forget_sorl_storages():
    """sorl-thumbnail keeps the storage it first saw; Django forgets its own when STORAGES changes."""
    from django.utils.functional import empty
    from sorl.thumbnail import default
    from sorl.thumbnail.images import get_or_create_storage

    default.storage._wrapped = empty
    get_or_create_storage.cache_clear()


@pytest.fixture
def s3_media(settings, monkeypatch):
    """Uploaded media on a real S3-compatible server on loopback (moto in server mode), set up as prod.py does."""
    import boto3
    from moto.server import ThreadedMotoServer

    from clinic.settings.base import s3_media_storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = "clinic-media"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    # What the README asks of the operator: anyone may read the bucket's files (their names are random).
    public_read = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(bucket=bucket, endpoint_url=endpoint, region="us-east-1"),
    }
    settings.SERVE_MEDIA = False
    _forget_sorl_storages()
    yield SimpleNamespace(origin=endpoint, bucket=bucket, client=s3)
    _forget_sorl_storages()
    # moto keeps its buckets in this process, not in the server: empty them for the next test.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    server.stop()
