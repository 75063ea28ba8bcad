"""The lock files: they cover pyproject.toml, and the installed requirements are their export.

``uv.lock`` is the resolution; ``requirements*.txt`` (what ``make`` installs,
with hashes) are exported from it. A dependency added to pyproject.toml
without ``make lock`` fails here, naming the fix.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ("requirements.txt", "requirements-dev.txt", "requirements-bench.txt")


def uv() -> str:
    found = Path(sys.executable).parent / "uv"
    if found.exists():
        return str(found)
    path = shutil.which("uv")
    assert path, "uv is a dev dependency: make install"
    return path


def lock_check(project: Path) -> subprocess.CompletedProcess[str]:
    """``uv lock --check`` without the network: the lock must already satisfy pyproject.toml."""
    return subprocess.run(
        [uv(), "lock", "--check", "--offline", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def export_command(path: Path) -> list[str]:
    """The ``uv export`` command recorded in an exported file's header, writing to stdout."""
    for line in path.read_text().splitlines()[:5]:
        words = line.lstrip("#").split()
        if words[:2] == ["uv", "export"]:
            index = words.index("-o")
            return [uv(), *words[1:index], *words[index + 2 :], "--project", str(ROOT)]
    raise AssertionError(f"{path.name} has no uv export header")


def test_the_lock_covers_the_dependencies_of_pyproject():
    result = lock_check(ROOT)

    assert result.returncode == 0, (
        "uv.lock does not match pyproject.toml: run `make lock` and commit uv.lock and "
        f"requirements*.txt\n{result.stderr}"
    )


@pytest.mark.parametrize("name", EXPORTS)
def test_the_installed_requirements_are_exported_from_the_lock(name):
    path = ROOT / name
    exported = subprocess.run(
        export_command(path), capture_output=True, text=True, timeout=120, check=True
    ).stdout

    body = [line for line in exported.splitlines() if not line.startswith("#")]
    assert body == [line for line in path.read_text().splitlines() if not line.startswith("#")], (
        f"{name} is not the export of uv.lock: run `make lock`"
    )
    # Every pin carries its hashes: pip installs it with --require-hashes.
    pins = re.split(r"\n(?=[^\s#])", "\n".join(body))
    assert len(pins) > 20
    assert all("==" in pin and "--hash=sha256:" in pin for pin in pins)


def test_a_dependency_added_without_relocking_is_caught(tmp_path):
    shutil.copy(ROOT / "uv.lock", tmp_path / "uv.lock")
    pyproject = (ROOT / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert lock_check(tmp_path).returncode == 0, "the copy alone must pass"
    assert '"orjson>=3.9",' in pyproject
    (tmp_path / "pyproject.toml").write_text(
        pyproject.replace('"orjson>=3.9",', '"orjson>=3.9",\n    "rich>=13",')
    )

    result = lock_check(tmp_path)

    assert result.returncode != 0
    # With the packages in uv's cache it says so; without them, offline, it cannot resolve.
    assert "needs to be updated" in result.stderr or "cache" in result.stderr, result.stderr


def test_the_runtime_requirements_leave_out_the_test_tools():
    runtime = (ROOT / "requirements.txt").read_text()
    dev = (ROOT / "requirements-dev.txt").read_text()

    for tool in ("playwright==", "schemathesis==", "pytest==", "pyinstrument=="):
        assert tool not in runtime
    for needed in ("flask==", "gunicorn==", "geopandas=="):
        assert needed in runtime and needed in dev
    assert "playwright==" in dev and "schemathesis==" in dev
