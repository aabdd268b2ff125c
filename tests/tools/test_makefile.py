"""`make serve`'s own part: where gunicorn listens and how many workers it starts, from .env or the environment."""

import os
import stat
import subprocess

import pytest
from django.conf import settings


@pytest.fixture
def fake_venv(tmp_path):
    """A virtualenv whose python succeeds and whose gunicorn prints how it was started."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    for name, script in {"python": "exit 0", "gunicorn": 'echo "gunicorn $*"'}.items():
        program = folder / "bin" / name
        program.write_text(f"#!/bin/sh\n{script}\n")
        program.chmod(program.stat().st_mode | stat.S_IEXEC)
    (folder / ".runtime").touch()
    return folder


def serve(fake_venv, env_file, *arguments, **environment):
    clean = {key: value for key, value in os.environ.items() if key not in ("PORT", "WEB_CONCURRENCY", "MAKEFLAGS")}
    finished = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "serve", f"VENV={fake_venv}", f"ENV_FILE={env_file}", *arguments],  # noqa: S607
        cwd=settings.BASE_DIR,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return finished.stdout


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
