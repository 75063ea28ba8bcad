"""Real headless Chromium (Playwright) against the app in a real threaded HTTP server.

Each test gets a fresh database with the default norm set, three locations
(an azc, a crisisnoodopvang and a noodopvang), a user per role and two earlier
visits to the azc. The browser is started once per session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class World:
    url: str
    server_paths: list[str]
    azc: str = "AZC-TER-APEL"
    crisis: str = "CNO-ZWOLLE"
    emergency: str = "NOOD-AMSTERDAM"
    inspector: str = "inspecteur"
    manager: str = "beheerder"
    coordinator: str = "coordinator"
    viewer: str = "analist"
    password: str = PASSWORD


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Server:
    url: str
    paths: list[str]  # every path the server was asked for, in order


@pytest.fixture
def server(app) -> Iterator[Server]:
    paths: list[str] = []

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        paths.append(environ.get("PATH_INFO", ""))
        return app(environ, start_response)

    http = make_server("127.0.0.1", 0, recording, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{http.server_port}", paths)
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def world(server, norm_set, create_location, create_user, passing_answers) -> World:
    from inspection.db import db
    from inspection.models import User
    from inspection.submissions import Submission, submit_inspection

    world = World(url=server.url, server_paths=server.paths)
    create_location(
        code=world.azc,
        name="AZC Ter Apel",
        type="azc",
        municipality="Westerwolde",
        province="Groningen",
        latitude=52.8776,
        longitude=7.0588,
        capacity=2000,
    )
    create_location(
        code=world.crisis,
        name="Sporthal Zwolle",
        type="crisisnoodopvang",
        municipality="Zwolle",
        province="Overijssel",
        latitude=52.5168,
        longitude=6.0830,
        capacity=150,
    )
    create_location(
        code=world.emergency,
        name="Boot Amsterdam",
        type="noodopvang",
        municipality="Amsterdam",
        province="Noord-Holland",
        latitude=52.3785,
        longitude=4.9000,
        capacity=250,
    )
    for role, username, locations in (
        ("inspector", world.inspector, ()),
        ("manager", world.manager, (world.azc,)),
        ("coordinator", world.coordinator, ()),
        ("viewer", world.viewer, ()),
    ):
        create_user(role, locations, username=username, password=PASSWORD)

    # Two earlier visits to the azc: one below the norms, one that meets them.
    inspector = db.session.scalars(db.select(User).where(User.username == world.inspector)).one()
    now = datetime.now(timezone(timedelta(hours=1)))
    for days_ago, toilets in ((60, 12), (20, 20)):
        answers = {**passing_answers, "toilets_working": toilets}
        submit_inspection(
            Submission(
                id=f"00000000-0000-4000-8000-0000000000{days_ago:02d}",
                location=world.azc,
                observed_at=(now - timedelta(days=days_ago)).replace(microsecond=0),
                answers=answers,
            ),
            inspector,
        )
    db.session.commit()
    return world


@pytest.fixture
def new_context(browser) -> Iterator[Any]:
    """Make browser contexts; an uncaught script error or a Content-Security-Policy
    violation on any page fails the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def watch(page: Any) -> None:
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error"
                and ("Content Security Policy" in message.text or "Refused to" in message.text)
                else None
            ),
        )

    def _new(**options: Any) -> Any:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()
    assert not problems, problems


TOOLS = Path(__file__).resolve().parent.parent / "tools"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"


def axe_source() -> str:
    """axe-core from tests/tools (package-lock.json pins it), installed on first use."""
    if not AXE.exists():
        npm = shutil.which("npm")
        assert npm, "npm is missing: .ci/run installs it (apt-get install npm)"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TOOLS,
            check=True,
            timeout=600,
        )
    return AXE.read_text(encoding="utf-8")


# "null" or "undefined" as a word of the visible text: a value the page forgot to handle.
LEFT_OVER = re.compile(r"\b(null|undefined|NaN)\b")


@pytest.fixture(scope="session")
def check_page() -> Any:
    """``check_page(page)``: axe-core finds no violation (WCAG 2 A/AA and best practices)
    and no visible text says "null", "undefined" or "NaN". Evaluated through the
    DevTools protocol, axe needs no exception to the pages' Content-Security-Policy."""
    source = axe_source()

    def check(page: Any, what: str = "") -> None:
        text = page.evaluate("document.body.innerText")
        lines = text.splitlines()
        left = [
            " / ".join(lines[max(0, i - 1) : i + 2])
            for i, line in enumerate(lines)
            if LEFT_OVER.search(line)
        ]
        assert not left, f"{what or page.url}: {left}"
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(source)
        result = page.evaluate(
            """async () => {
                const result = await axe.run(document, { resultTypes: ["violations"] });
                return result.violations.map((v) => ({
                    id: v.id,
                    help: v.help,
                    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
                }));
            }"""
        )
        assert result == [], f"{what or page.url}: {result}"

    return check
