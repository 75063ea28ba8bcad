"""Starting production: `make serve` checks first, then runs gunicorn with a worker per CPU."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from ports import free_port

from inspection.demo.loader import DEMO_USERS

ROOT = Path(__file__).resolve().parent.parent
LONG_KEY = "0123456789abcdef" * 4


def check(cli):
    return cli.invoke(args=["check", "production"])


@pytest.fixture
def secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)


def test_production_is_refused_without_a_secret_key(cli, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    result = check(cli)

    assert result.exit_code == 1
    assert "SECRET_KEY is not set" in result.output


def test_a_short_secret_key_is_refused(cli, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "geheim")

    result = check(cli)

    assert result.exit_code == 1
    assert "at least 32" in result.output


def test_production_is_refused_while_demo_users_log_in_with_their_readme_password(
    cli, create_user, create_location, secret_key
):
    create_location(code="TER-APEL")
    for username, (role, password) in DEMO_USERS.items():
        if username != "analist":
            create_user(role, ("TER-APEL",) if role == "manager" else (), username=username,
                        password=password)  # fmt: skip
    create_user("viewer", username="analist", password="a password of its own")

    result = check(cli)

    assert result.exit_code == 1
    assert "beheerder, coordinator, inspecteur" in result.output
    assert "analist" not in result.output


def test_a_clean_database_with_a_secret_key_is_ready(cli, create_user, secret_key):
    create_user("coordinator", username="j.devries")

    result = check(cli)

    assert result.exit_code == 0, result.output
    assert "Ready for production." in result.output


# --- make serve, for real -------------------------------------------------------------------


def serve(tmp_path: Path, port: int, **env: str) -> subprocess.Popen[str]:
    """``make serve`` on a SQLite file of its own, with this interpreter's tools."""
    settings = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")},
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        **env,
    }
    return subprocess.Popen(
        [
            shutil.which("make") or "make", "--no-print-directory", "-o", ".venv/.runtime",
            "serve", f"BIN={Path(sys.executable).parent}", f"BIND=127.0.0.1:{port}", "WORKERS=2",
        ],
        cwd=ROOT, env=settings, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return output


@pytest.mark.slow
def test_make_serve_runs_gunicorn_after_the_check(tmp_path):
    port = free_port()
    process = serve(tmp_path, port, SECRET_KEY=LONG_KEY)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, stop(process)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json") as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer in time"
                time.sleep(0.5)
    finally:
        output = stop(process)
    assert "Ready for production." in output
    assert "Booting worker" in output and "gunicorn" in output.lower()
    assert output.count("Booting worker") == 2


@pytest.mark.slow
def test_make_serve_stops_before_gunicorn_when_the_check_fails(tmp_path):
    process = serve(tmp_path, free_port(), SECRET_KEY="")

    process.wait(timeout=120)
    output = process.communicate()[0]

    assert process.returncode != 0
    assert "SECRET_KEY is not set" in output
    assert "Booting worker" not in output
