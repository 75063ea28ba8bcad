"""Export latency with 10,000 locations and 200,000 inspections, against a serialisation floor.

The app runs under gunicorn (one sync worker, SQLite) and is asked over HTTP.
The reference is the time to serialise the same FeatureCollection from a
prepared list of dicts with orjson, the fastest JSON encoder installed: no
query, no frame, no masking.

Run: .venv/bin/python bench/bench_exports.py [--locations 10000] [--inspections 200000]
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from common import (
    COORDINATOR,
    fetch,
    gunicorn,
    large_database,
    login,
    machine,
    orjson_floor,
    sized_arguments,
)

WARM_RUNS = 7


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
    args = sized_arguments(__doc__)
    print(f"machine: {machine()}")

    with tempfile.TemporaryDirectory() as tmp:
        url = large_database(tmp, "exports", args.locations, args.inspections)
        env = {"DATABASE_URL": url, "INSTANCE_PATH": tmp}
        with gunicorn("app:create_app()", env, workers=1) as base:
            token = login(base, COORDINATOR)  # the whole picture, no masking
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
    reference = orjson_floor(features, WARM_RUNS)

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


if __name__ == "__main__":
    main()
