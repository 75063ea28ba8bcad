"""The phone form on a weak connection: what it downloads and how long until it can be filled.

The app under gunicorn, Debian's Chromium through Playwright with the DevTools
protocol's network emulation set to Chromium's own "Slow 3G" profile (2 s
latency per request, 50 kB/s down and up, the figures of DevTools' preset).
Measured:

- the bytes of the form's page, scripts and styles, compressed as the server
  sends them (Brotli or gzip, whichever Chromium asks for) and uncompressed;
- a first visit: from opening /form to the login form, then from logging in
  to the first question of a chosen location's checklist (the inspector's
  typing not counted), and until the service worker has installed and
  controls the page (the form works offline from then on);
- a later visit with the service worker installed and still logged in: from
  opening /form to the first question of a chosen checklist (target: 5 s);
- the reference, measured the same way in the same run: opening a 1 kB
  static file on the same profile, the floor that one request costs.

Usage: ../.venv/bin/python bench_form_load.py [--runs 3] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PASSWORD, gunicorn, machine, prepare_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspection.web.pages import SHELL_FILES  # noqa: E402

# Chromium DevTools' "Slow 3G" preset (front_end/core/sdk/NetworkManager.ts).
SLOW_3G = {
    "offline": False,
    "latency": 400 * 5,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-NL",
}


def sizes(base: str) -> list[tuple[str, int, int]]:
    """(path, bytes as sent compressed, bytes uncompressed) of what the form page loads."""
    paths = ["/form", *(f"/static/web/{name}" for name in SHELL_FILES), "/styles/status.css"]
    rows = []
    for path in paths:
        measured = []
        for coding in ("br, gzip", "identity"):
            request = urllib.request.Request(base + path, headers={"Accept-Encoding": coding})
            with urllib.request.urlopen(request) as response:
                measured.append(len(response.read()))  # urllib does not decode
        rows.append((path, measured[0], measured[1]))
    return rows


def slow(context, page) -> None:
    """Slow 3G for the page and for the service worker it starts: DevTools attaches to a
    page's workers and throttles them too, and so does this (the worker waits, paused,
    until its network is throttled, then runs)."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    counter = iter(range(1_000_000, 2_000_000))

    def to_worker(session_id: str, method: str, params: dict | None = None) -> None:
        message = {"id": next(counter), "method": method, "params": params or {}}
        session.send(
            "Target.sendMessageToTarget",
            {"sessionId": session_id, "message": json.dumps(message)},
        )

    def attached(event: dict) -> None:
        session_id = event["sessionId"]
        if event["targetInfo"]["type"] == "service_worker":
            to_worker(session_id, "Network.enable")
            to_worker(session_id, "Network.emulateNetworkConditions", SLOW_3G)
            throttled_workers.append(event["targetInfo"]["url"])
        to_worker(session_id, "Runtime.runIfWaitingForDebugger")

    session.on("Target.attachedToTarget", attached)
    session.send(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False},
    )


throttled_workers: list[str] = []


def reference(browser, base: str) -> float:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    slow(context, page)
    start = time.perf_counter()
    page.goto(f"{base}/static/web/img/favicon.svg", wait_until="load")
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def visits(browser, base: str) -> dict[str, float]:
    """One first visit and one later visit in a fresh browser profile; seconds."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    slow(context, page)
    figures = {}
    start = time.perf_counter()
    page.goto(f"{base}/form", wait_until="commit")
    page.locator("#login-username").wait_for(state="visible", timeout=120_000)
    figures["first: login form"] = time.perf_counter() - start
    page.fill("#login-username", "bench")
    page.fill("#login-password", PASSWORD)
    logged_in = time.perf_counter()
    page.click("#login-form button[type=submit]")
    page.fill("#location-search", "Bench 1")
    page.locator("#location-results button[data-code='BENCH-1']").click(timeout=120_000)
    page.locator("[name='answers.residents_present']").wait_for(state="visible", timeout=120_000)
    figures["first: login to checklist"] = time.perf_counter() - logged_in
    figures["first: opening to checklist"] = (
        figures["first: login form"] + (figures["first: login to checklist"])
    )
    page.locator("#offline-ready[data-ready='true']").wait_for(state="attached", timeout=300_000)
    figures["first: service worker installed"] = time.perf_counter() - start

    # A later visit: the same phone, still logged in, the worker and its cache in place.
    page.close()
    page = context.new_page()
    slow(context, page)
    start = time.perf_counter()
    page.goto(f"{base}/form", wait_until="commit")
    page.fill("#location-search", "Bench 2", timeout=120_000)
    page.locator("#location-results button[data-code='BENCH-2']").click(timeout=120_000)
    page.locator("[name='answers.residents_present']").wait_for(state="visible", timeout=120_000)
    figures["later: opening to checklist"] = time.perf_counter() - start
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
        prepare_database(url, locations=54)
        env = {"DATABASE_URL": url, "INSTANCE_PATH": tmp}
        with gunicorn("app:create_app()", env, workers=2) as base:
            rows = sizes(base)
            print(f"\n{'file':<32} {'sent':>9} {'plain':>9}")
            for path, sent, plain in rows:
                print(f"{path:<32} {sent:>9,} {plain:>9,}")
            scripts = [r for r in rows if r[0].endswith((".js", ".css"))]
            print(
                f"{'scripts and styles':<32} {sum(r[1] for r in scripts):>9,} "
                f"{sum(r[2] for r in scripts):>9,}"
            )
            print(f"{'everything':<32} {sum(r[1] for r in rows):>9,} {sum(r[2] for r in rows):>9,}")

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.chromium, args=["--headless=new", "--no-sandbox"]
                )
                runs = []
                floors = []
                for _ in range(args.runs):
                    floors.append(reference(browser, base))
                    runs.append(visits(browser, base))
                browser.close()
    floor = statistics.median(floors)
    print(f"\nSlow 3G, median of {args.runs} runs (seconds; ratio to the reference)")
    print(f"{'reference: a 1 kB file':<36} {floor:6.2f}")
    for key in runs[0]:
        value = statistics.median(run[key] for run in runs)
        each = " ".join(f"{run[key]:.2f}" for run in runs)
        print(f"{key:<36} {value:6.2f}  {value / floor:5.1f}x  ({each})")
    print(f"service workers throttled as well: {len(throttled_workers)}")
    later = statistics.median(run["later: opening to checklist"] for run in runs)
    print(f"\nlater visit within 5 s: {'met' if later <= 5 else 'missed'} ({later:.2f} s)")


if __name__ == "__main__":
    main()
