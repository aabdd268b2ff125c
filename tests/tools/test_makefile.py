"""`make serve`'s own part: where gunicorn listens and how many workers it starts, from .env or the environment;
`make run` and `make serve` start the background worker beside the server and stop it with it."""

import os
import stat
import subprocess
from unittest import mock

import pytest
from django.conf import settings


@pytest.fixture
def fake_venv(tmp_path):
    """A virtualenv whose python succeeds (its worker runs until stopped) and whose gunicorn prints how it was
    started."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    marker = tmp_path / "worker-started"
    # The servers start once the worker has: `make` then returns only if the server's end stops the worker.
    wait = f"for _ in $(seq 200); do [ -f {marker} ] && break; sleep 0.05; done"
    runserver = f'{wait}; echo "runserver $3 at $DJANGO_SITE_URL"'
    python = f'case "$2" in worker) touch {marker}; exec sleep 60;; runserver) {runserver};; esac'
    gunicorn = f'{wait}; echo "gunicorn $*"'
    for name, script in {"python": python, "gunicorn": gunicorn}.items():
        program = folder / "bin" / name
        program.write_text(f"#!/bin/sh\n{script}\n")
        program.chmod(program.stat().st_mode | stat.S_IEXEC)
    (folder / ".runtime").touch()
    return folder


def make(target, fake_venv, env_file, *arguments, **environment):
    clean = {key: value for key, value in os.environ.items() if key not in ("PORT", "WEB_CONCURRENCY", "MAKEFLAGS")}
    finished = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", target, f"VENV={fake_venv}", f"ENV_FILE={env_file}", *arguments],  # noqa: S607
        cwd=settings.BASE_DIR,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,  # the worker runs for 60 s unless the server's end stops it
    )
    return finished.stdout


def serve(fake_venv, env_file, *arguments, **environment):
    return make("serve", fake_venv, env_file, *arguments, **environment)


@pytest.mark.parametrize("target", ["run", "serve"])
def test_the_server_starts_with_its_worker_and_stops_it_when_it_ends(fake_venv, tmp_path, target):
    started = make(target, fake_venv, tmp_path / "none")

    assert (tmp_path / "worker-started").exists()
    assert ("runserver 127.0.0.1:8000" if target == "run" else "gunicorn clinic.wsgi:application") in started


def test_make_run_names_its_own_address_in_the_emails_links(fake_venv, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SITE_URL"}
    with mock.patch.dict(os.environ, environment, clear=True):
        started = make("run", fake_venv, tmp_path / "none", "ADDRESS=127.0.0.1:8061")

    assert "runserver 127.0.0.1:8061 at http://127.0.0.1:8061" in started


def test_make_serve_takes_port_and_workers_from_the_env_file(fake_venv, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=8123\nWEB_CONCURRENCY=3\n")

    started = serve(fake_venv, env_file)

    assert "--bind 127.0.0.1:8123 --workers 3 " in started


def test_make_serve_takes_port_and_workers_from_the_environment_or_the_command_line(fake_venv, tmp_path):
    assert "--bind 127.0.0.1:8124 --workers 2 " in serve(fake_venv, tmp_path / "none", PORT="8124", WEB_CONCURRENCY="2")
    assert "--bind 127.0.0.1:8125 --workers 4 " in serve(fake_venv, tmp_path / "none", "PORT=8125", "WEB_CONCURRENCY=4")


def test_make_serve_defaults_to_port_8000_and_two_workers_a_core_plus_one(fake_venv, tmp_path):
    started = serve(fake_venv, tmp_path / "none")

    cores = int(subprocess.check_output(["nproc"], text=True))  # noqa: S607

    assert f"--bind 127.0.0.1:8000 --workers {2 * cores + 1} " in started
