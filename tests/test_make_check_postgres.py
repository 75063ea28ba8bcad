"""`make test` says in one line that PostgreSQL is missing, before the long SQLite run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The interpreter running the tests has what the check needs (psycopg, SQLAlchemy);
# ``-o`` keeps make from installing anything first.
BIN = Path(sys.executable).parent
MAKE = ["make", "--no-print-directory", "-o", ".venv/.runtime", f"BIN={BIN}"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def check_postgres(url: str) -> subprocess.CompletedProcess[str]:
    # As a user's own make, also when the tests run under `make test` (no make[1] prefix).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(
        [*MAKE, "check-postgres", f"TEST_POSTGRES_URL={url}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def test_without_postgres_make_says_so_in_one_line():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"

    run = check_postgres(url)

    assert run.returncode != 0
    ours = [line for line in run.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(ours) == 1, run.stderr
    assert url in ours[0] and "TEST_POSTGRES_URL" in ours[0] and "make test-sqlite" in ours[0]
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout == ""


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the server answering is checked in the PostgreSQL run",
)
def test_with_postgres_the_check_passes_silently():
    run = check_postgres(os.environ["DATABASE_URL"])

    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == ""
