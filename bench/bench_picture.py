"""The picture export right after a submission: no warm cache, against an orjson dump.

10,000 locations and 200,000 inspections (SQLite), the app under gunicorn
(one sync worker). Each round an inspector submits a visit over HTTP, which
changes the data, so that the coordinator's next ``locations.geojson`` is
made anew: read from the pictures kept at write time (today's), or computed
from the visits' outcome letters (``as_of`` a year back). Reference in the
same run: ``orjson.dumps`` of the same FeatureCollection from its list of
feature dicts.

Run: .venv/bin/python bench/bench_picture.py [--locations 10000] [--inspections 200000]
     [--database kept.sqlite3]
"""

from __future__ import annotations

import json
import statistics
import tempfile
import urllib.request
import uuid
from datetime import date, timedelta

from common import (
    COORDINATOR,
    fetch,
    gunicorn,
    large_database,
    login,
    machine,
    orjson_floor,
    sized_arguments,
    submissions,
)

ROUNDS = 9
YEAR_BACK_ROUNDS = 5


def post(url: str, token: str, body: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201, response.status


def reference(body: bytes) -> float:
    return orjson_floor(json.loads(body)["features"], ROUNDS)


def main() -> None:
    args = sized_arguments(__doc__)
    print(f"machine: {machine()}")

    with tempfile.TemporaryDirectory() as tmp:
        url = large_database(tmp, "picture", args.locations, args.inspections, args.database)
        bodies = submissions(ROUNDS + YEAR_BACK_ROUNDS + 2, locations=args.locations)
        env = {"DATABASE_URL": url, "INSTANCE_PATH": tmp}
        with gunicorn("app:create_app()", env, workers=1, timeout=600) as base:
            inspector = login(base)
            coordinator = login(base, COORDINATOR)
            api = f"{base}/api/v1"
            export = f"{api}/exports/locations.geojson"
            year_back = f"{export}?as_of={(date.today() - timedelta(days=365)).isoformat()}"
            # The worker's imports and first caches; a past day can take minutes on a loaded
            # machine, past gunicorn's default timeout.
            fetch(export, coordinator)
            fetch(year_back, coordinator)

            def after_a_submission(url: str) -> tuple[float, bytes]:
                post(f"{api}/inspections", inspector, {**bodies.pop(), "id": str(uuid.uuid4())})
                return fetch(url, coordinator)

            now = [after_a_submission(export) for _ in range(ROUNDS)]
            past = [after_a_submission(year_back) for _ in range(YEAR_BACK_ROUNDS)]

    now_ms = statistics.median(t for t, _ in now) * 1000
    past_ms = statistics.median(t for t, _ in past) * 1000
    now_reference = reference(now[-1][1]) * 1000
    past_reference = reference(past[-1][1]) * 1000
    features = len(json.loads(now[-1][1])["features"])
    print(f"locations.geojson after a submission      {now_ms:8.1f} ms (median of {ROUNDS})")
    print(f"  orjson of the same {features} features   {now_reference:8.1f} ms")
    print(f"  ratio {now_ms / now_reference:.1f} (target <= 3), target < 150 ms")
    print(f"as_of a year back after a submission {past_ms:8.1f} ms (median of {YEAR_BACK_ROUNDS})")
    print(f"  orjson of the same features              {past_reference:8.1f} ms")
    print(f"  ratio {past_ms / past_reference:.1f}, target < 1500 ms")


if __name__ == "__main__":
    main()
