"""Export latency with 10,000 locations and 200,000 inspections, against a serialisation floor.

The app runs under gunicorn (one sync worker, SQLite) and is asked over HTTP.
The reference is the time to serialise the same FeatureCollection from a
prepared list of dicts with orjson, the fastest JSON encoder installed: no
query, no frame, no masking.

Run: .venv/bin/python bench/bench_exports.py [--locations 10000] [--inspections 200000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import orjson
from common import gunicorn, machine, prepare_database, store_inspections

WARM_RUNS = 7


def fetch(url: str, token: str) -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
    return time.perf_counter() - started, body


def worker_rss_mb(server_pid_hint: str) -> float | None:
    """Resident memory of the gunicorn worker (the largest gunicorn process)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "gunicorn" in cmdline and server_pid_hint in cmdline:
            for line in text.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return max(sizes) if sizes else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locations", type=int, default=10_000)
    parser.add_argument("--inspections", type=int, default=200_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "exports.sqlite3"
        url = f"sqlite:///{database}"
        print(f"storing {args.locations} locations, {args.inspections} inspections ...", flush=True)
        started = time.perf_counter()
        prepare_database(url, locations=args.locations)
        with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
            store_inspections(args.inspections)
        print(
            f"  stored in {time.perf_counter() - started:.0f} s "
            f"({database.stat().st_size / 1e6:.0f} MB)"
        )

        # A coordinator: the whole picture, no masking.
        with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
            from inspection.db import db
            from inspection.users import create_user

            create_user("bench.coordinator", "benchmark-password", "coordinator")
            db.session.commit()

        env = {"DATABASE_URL": url, "INSTANCE_PATH": tmp}
        with gunicorn("app:create_app()", env, workers=1) as base:
            token = _login(base)
            api = f"{base}/api/v1"
            figures = {}
            for name, path in (
                ("locations.geojson", "/exports/locations.geojson"),
                ("locations.csv", "/exports/locations.csv"),
                ("locations.gpkg", "/exports/locations.gpkg"),
                ("regions.geojson", "/exports/regions.geojson?level=province"),
                ("locations.png", "/maps/locations.png"),
            ):
                cold, body = fetch(api + path, token)
                warm = statistics.median(fetch(api + path, token)[0] for _ in range(WARM_RUNS))
                figures[name] = (cold, warm, len(body))
                if name == "locations.geojson":
                    collection = json.loads(body)
            rss = worker_rss_mb(base.rsplit(":", 1)[1])

    # The floor: the same features as prepared dicts, serialised once.
    features = collection["features"]
    timings = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        orjson.dumps({"type": "FeatureCollection", "features": features})
        timings.append(time.perf_counter() - started)
    reference = statistics.median(timings)

    print(f"{'export':20s} {'cold ms':>9s} {'warm ms':>9s} {'bytes':>11s}")
    for name, (cold, warm, size) in figures.items():
        print(f"{name:20s} {cold * 1000:9.0f} {warm * 1000:9.0f} {size:11,d}")
    geojson_warm = figures["locations.geojson"][1]
    print(
        f"reference: orjson of the same {len(features)} features {reference * 1000:.1f} ms; "
        f"locations.geojson warm / reference = {geojson_warm / reference:.1f}"
    )
    if rss is not None:
        print(f"worker resident memory after the exports: {rss:.0f} MB")


def _login(base: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/tokens",
        data=json.dumps(
            {"username": "bench.coordinator", "password": "benchmark-password"}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


if __name__ == "__main__":
    main()
