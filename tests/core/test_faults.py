"""The database goes away and comes back: readers get the branded 503, and the site recovers by itself.

The test starts and stops a throwaway PostgreSQL cluster of its own in a temporary folder (never the machine's
shared server), and serves the site from it with gunicorn in production mode.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tools.production import Server, free_port, manage, production_env

PG_ROOT = Path("/usr/lib/postgresql")
pytestmark = pytest.mark.skipif(
    not PG_ROOT.exists() or not shutil.which("runuser"), reason="needs PostgreSQL's server binaries (Debian)"
)


def as_postgres(*command):
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)


@pytest.fixture
def throwaway_cluster(request):
    binaries = PG_ROOT / sorted(os.listdir(PG_ROOT))[-1] / "bin"
    # pytest's own temporary folders are private to root; PostgreSQL refuses to run as root.
    folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
    os.chmod(folder, 0o777)
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    data = folder / "data"
    port = free_port()
    as_postgres(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")

    def start():
        as_postgres(
            str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"),
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start",
        )  # fmt: skip

    def stop():
        as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop")

    start()
    request.addfinalizer(lambda: subprocess.run(
        ["runuser", "-u", "postgres", "--", str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
        capture_output=True, check=False,
    ))  # fmt: skip
    return {"url": f"postgres://postgres@127.0.0.1:{port}/postgres", "start": start, "stop": stop}


def test_database_down_gives_the_branded_503_and_the_site_recovers(throwaway_cluster, tmp_path):
    env = production_env(tmp_path, DATABASE_URL=throwaway_cluster["url"], DJANGO_PAGE_CACHE_SECONDS=0)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    server = Server(env)
    try:
        assert server.request("GET", "/")[0].status == 200

        throwaway_cluster["stop"]()
        response, body = server.request("GET", "/")
        page = body.decode()
        assert response.status == 503
        assert response.getheader("Retry-After") == "30"
        assert "Back in a moment" in page
        assert "Traceback" not in page and "OperationalError" not in page
        assert response.getheader("X-Request-ID") in page

        # pg_ctl -w returns once the database accepts connections: the very next request is answered as usual.
        throwaway_cluster["start"]()
        assert server.request("GET", "/")[0].status == 200
    finally:
        server.stop()
