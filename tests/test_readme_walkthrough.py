"""The README's walk-through through the API, run as written against a served demo.

The shell block of "The API in five minutes" runs under bash with curl, as a
reader would paste it, against gunicorn serving the demo data; only the
address of the service changes. It prints the visit's score and keeps its
files in a temporary folder of its own, not in the reader's directory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README_API = "http://127.0.0.1:5000/api/v1"


def walkthrough() -> str:
    """The first shell block after the heading "The API in five minutes"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The API in five minutes", 1)[1]
    block = re.search(r"^```sh\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert block, "the README has no shell block in its API walk-through"
    return block.group(1)


@pytest.fixture
def served_demo(app, cli, start_gunicorn) -> str:
    loaded = cli.invoke(args=["demo", "load", "--months", "1"])
    assert loaded.exit_code == 0, loaded.output
    return start_gunicorn("--workers", "1", "--timeout", "120").url + "/api/v1"


def test_the_readme_walkthrough_prints_the_score_and_keeps_its_files_apart(served_demo, tmp_path):
    assert shutil.which("curl"), "the walk-through needs curl (.ci/run installs it)"
    script = walkthrough()
    assert README_API in script
    reader = tmp_path / "reader"
    reader.mkdir()

    run = subprocess.run(
        ["bash", "-c", script.replace(README_API, served_demo)],
        cwd=reader, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stdout.splitlines()
    # The visit is stored (201), its resend stores nothing new (200), and the manager
    # cannot see another location (404); nothing else is refused.
    codes = [line for line in lines if re.fullmatch(r"\d{3}", line)]
    assert codes[:2] == ["201", "200"], run.stdout
    assert "404" in codes and all(code < "400" or code == "404" for code in codes), run.stdout
    score = next(line for line in lines if line.startswith("score "))
    assert re.fullmatch(
        r"score (\d+\.\d|None) (critical|below_norm|incomplete|meets_norms) coverage \d+\.\d",
        score,
    ), score
    assert any(line.startswith("  HYG ") for line in lines), run.stdout
    # The manager reads the location: its name, the picture's status and score, the latest
    # visit's own, and the failed norms since when (the partial visit erased none of them).
    statuses = "critical|below_norm|incomplete|meets_norms"
    assert any(re.fullmatch(rf"\S.* ({statuses}) (\d+\.\d|None)", line) for line in lines), (
        run.stdout
    )
    assert any(
        re.fullmatch(rf"  coverage \d+\.\d - latest visit: ({statuses}) (\d+\.\d|None)", line)
        for line in lines
    ), run.stdout
    failures = [line for line in lines if re.match(r"  [A-Z]{3}-\d\d \w+ since \d{4}-", line)]
    assert any(line.startswith("  HYG-01 ") for line in failures), run.stdout
    # The manager answers the open HYG-01 finding (201 with the answer); it stays open.
    assert "201" in codes[2:], run.stdout
    assert '"text": "Loodgieter besteld' in run.stdout or '"text":"Loodgieter besteld' in run.stdout
    assert re.search(r"^HYG-01 \w+ since \d{4}-\d\d-\d\d deadline ", run.stderr, re.M), run.stderr
    # The files went to the walk-through's own temporary folder: the reader's is untouched.
    assert list(reader.iterdir()) == []
    listed = [line for line in lines if re.fullmatch(r"[\w.-]+\.(json|csv)", line)]
    assert {"visit.json", "scored.json"} <= set(listed), run.stdout
    assert any(re.fullmatch(r"locations_\d{4}-\d\d-\d\d_dialect-excel-nl\.csv", n) for n in listed)
