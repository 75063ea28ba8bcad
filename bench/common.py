"""Shared pieces of the benchmarks: a prepared database, a gunicorn server, wrk runs.

Figures on these machines are noisy; compare only ratios measured side by side
in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspection.vocabulary import LOCATION_TYPES  # noqa: E402  (after the path is set)

PASSWORD = "benchmark-password"
COORDINATOR = "bench.coordinator"


def machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.node()} {platform.machine()} {cpus} CPU, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROVINCES = (
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
)  # fmt: skip


def prepare_database(url: str, locations: int = 20) -> None:
    """Migrate, load the default norm set, add locations and a benchmark inspector.

    Locations lie in the Netherlands, in 12 provinces and 340 municipalities;
    one in fifty is confidential.
    """
    from flask_migrate import upgrade

    from app import create_app
    from inspection.db import db
    from inspection.models import Location
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, load_norm_set, read_document
    from inspection.users import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_norm_set(read_document(DEFAULT_NORM_SET_FILE))
        rng = random.Random(1)
        for n in range(locations):
            db.session.add(
                Location(
                    code=f"BENCH-{n}",
                    name=f"Bench {n}",
                    type=LOCATION_TYPES[n % 3],
                    municipality=f"Gemeente {n % 50}",
                    province="Utrecht",
                    latitude=51.9 + rng.random(),
                    longitude=5.0 + rng.random(),
                    capacity=300,
                )
            )
        create_user("bench", PASSWORD, "inspector")
        db.session.commit()
        db.engine.dispose()


def store_inspections(count: int, seed: int = 3, distinct: int = 2000) -> list[tuple[dict, str]]:
    """Store ``count`` scored inspections spread over all locations, in bulk.

    The locations' pictures are made afterwards, as submissions would have
    left them. Must run in an app context. Returns (answers, location type)
    per inspection.
    """
    from sqlalchemy import insert, select

    from inspection import location_state
    from inspection.db import db
    from inspection.demo.answers import generate_answers
    from inspection.engine import outcome_letters, score_answers
    from inspection.models import Inspection, Location, NormSet, User
    from inspection.norm_sets import compiled

    norm_set = db.session.scalars(select(NormSet)).one()
    document = compiled(norm_set)
    inspector = db.session.scalars(select(User)).one()
    locations = [(loc.id, loc.type) for loc in db.session.scalars(select(Location))]
    rng = random.Random(seed)
    items = list(document.items)
    answer_sets = [
        generate_answers(rng, LOCATION_TYPES[n % 3], 300, rng.random(), items)
        for n in range(distinct)
    ]
    scores: dict[tuple[int, str], dict] = {}
    now = datetime.now(UTC)
    stored, rows = [], []
    for n in range(count):
        location_id, kind = locations[n % len(locations)]
        answers = answer_sets[n % distinct]
        key = (n % distinct, kind)
        if key not in scores:
            scores[key] = score_answers(answers, document, kind).stored()
            scores[key]["outcomes"] = outcome_letters(scores[key]["results"])
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "location_id": location_id,
                "inspector_id": inspector.id,
                "observed_at": now - timedelta(minutes=7 * n + rng.randint(0, 6)),
                "observed_utc_offset_minutes": 60,
                "received_at": now,
                "answers": answers,
                "notes": {},
                "norm_set_id": norm_set.id,
                **scores[key],
                "norm_set_sha256": norm_set.document_sha256,
            }
        )
        stored.append((answers, kind))
        if len(rows) == 5000:
            db.session.execute(insert(Inspection), rows)
            rows = []
    if rows:
        db.session.execute(insert(Inspection), rows)
    location_state.refresh(db.session, [location_id for location_id, _ in locations])
    db.session.commit()
    return stored


def sized_arguments(description: str) -> argparse.Namespace:
    """The command line of a benchmark on the large database: its two sizes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--locations", type=int, default=10_000)
    parser.add_argument("--inspections", type=int, default=200_000)
    parser.add_argument(
        "--database",
        help="keep the large database in this file: made there when missing, else copied "
        "from it and migrated (building it takes tens of minutes on a busy machine)",
    )
    return parser.parse_args()


def large_database(
    directory: str, name: str, locations: int, inspections: int, kept: str | None = None
) -> str:
    """A SQLite database in ``directory`` with scored inspections and a coordinator.

    The coordinator (``COORDINATOR``) sees the whole picture, unmasked.
    Prints how long storing took and the file's size. Returns its URL.
    ``kept``: a file to copy the database from (then migrated to the current
    schema, as a deployment would be) or, when missing, to save it to.
    """
    from sqlalchemy import text

    from app import create_app
    from inspection.db import db
    from inspection.users import create_user

    database = Path(directory) / f"{name}.sqlite3"
    url = f"sqlite:///{database}"
    if kept and Path(kept).exists():
        from flask_migrate import upgrade

        print(f"copying and migrating {kept} ...", flush=True)
        started = time.perf_counter()
        shutil.copyfile(kept, database)
        with create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": directory}).app_context():
            upgrade()
            db.engine.dispose()
        # The copy on disk before anything is timed: the system writing 2 GB back while the
        # rounds run made some runs twice as slow as others.
        os.sync()
        print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)
        return url
    print(f"storing {locations} locations, {inspections} inspections ...", flush=True)
    started = time.perf_counter()
    prepare_database(url, locations=locations)
    with create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": directory}).app_context():
        store_inspections(inspections)
        create_user(COORDINATOR, PASSWORD, "coordinator")
        db.session.commit()
        if kept:
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()
    if kept:
        shutil.copyfile(database, kept)
    print(
        f"  stored in {time.perf_counter() - started:.0f} s "
        f"({database.stat().st_size / 1e6:.0f} MB)",
        flush=True,
    )
    return url


def timed(call) -> tuple[float, float, object]:
    """Wall and CPU seconds of ``call()``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def fetch(url: str, token: str, timeout: float = 300) -> tuple[float, bytes]:
    """GET ``url`` with a bearer token: the seconds until the whole body was read, and the body."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return time.perf_counter() - started, body


def orjson_floor(features: list[dict], rounds: int) -> float:
    """Median seconds for orjson to serialise a FeatureCollection of prepared dicts.

    The reference for the exports: no query, no frame, no masking.
    """
    import orjson

    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        orjson.dumps({"type": "FeatureCollection", "features": features})
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def submissions(count: int, locations: int = 20, seed: int = 7) -> list[dict]:
    """Realistic, distinct, full checklists (ids left for the caller to fill in)."""
    from inspection.demo.answers import generate_answers
    from inspection.engine import parse_norm_set
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document

    # The items of the version the benchmarks load (the demo's answers cover every version).
    items = list(parse_norm_set(read_document(DEFAULT_NORM_SET_FILE)).items)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    bodies = []
    for n in range(count):
        kind = LOCATION_TYPES[n % locations % 3]
        answers = generate_answers(rng, kind, 300, rng.random(), items)
        observed = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        bodies.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "location": f"BENCH-{n % locations}",
                "observed_at": observed.isoformat(timespec="seconds"),
                "answers": answers,
                "notes": {},
            }
        )
    return bodies


@contextlib.contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], workers: int = 2, timeout: int = 30
) -> Iterator[str]:
    """Serve ``app_spec`` with gunicorn (sync workers) on a free loopback port.

    ``timeout``: seconds a request may take before gunicorn kills its worker.
    """
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
        "--timeout",
        str(timeout),
        app_spec,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # the server answers (404 is fine): it is up
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def login(base: str, username: str = "bench") -> str:
    """A bearer token for one of the benchmark users (the inspector unless named)."""
    request = urllib.request.Request(
        f"{base}/api/v1/auth/tokens",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


WRK_SCRIPT = r"""
local bodies = {}
%(bodies)s
counter = 0
acknowledged = 0
failed = 0
tid = 0
local token = "%(token)s"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

acked_ids = {}

function request()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1]
  local id = string.format("%%08x-0000-4000-8000-%%012x", tid, counter)
  body = string.gsub(body, "__ID__", id)
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    acknowledged = acknowledged + 1
    local id = string.match(body, '"id":%%s*"([^"]+)"')
    if id then table.insert(acked_ids, id) end
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local acked, bad = 0, 0
  local out = io.open("%(ids_file)s", "w")
  for _, thread in ipairs(threads) do
    acked = acked + thread:get("acknowledged")
    bad = bad + thread:get("failed")
    for _, id in ipairs(thread:get("acked_ids")) do out:write(id, "\n") end
  end
  out:close()
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"acknowledged": %%d, "refused": %%d, "socket_errors": %%d, "non_2xx": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, acked, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def wrk_post(
    base: str, path: str, token: str, bodies: list[dict], clients: int, seconds: int
) -> dict:
    """POST the bodies (each with a fresh id) from ``clients`` connections for ``seconds``."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    lua_bodies = []
    for n, body in enumerate(bodies, start=1):
        text = json.dumps({**body, "id": "__ID__"})
        lua_bodies.append(f"bodies[{n}] = [==[{text}]==]")
    handle, ids_file = tempfile.mkstemp(suffix=".ids")
    os.close(handle)
    script = WRK_SCRIPT % {
        "bodies": "\n".join(lua_bodies),
        "token": token,
        "path": path,
        "ids_file": ids_file,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(clients),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["acknowledged_ids"] = Path(ids_file).read_text().split()
    os.unlink(ids_file)
    return result
