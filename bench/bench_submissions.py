"""Submission throughput: the app under gunicorn against the ceiling app, side by side.

Run: .venv/bin/python bench/bench_submissions.py [--clients 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import collections
import sqlite3
import tempfile
from pathlib import Path

from common import gunicorn, login, machine, prepare_database, submissions, wrk_post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--bodies", type=int, default=500)
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"{args.clients} clients, {args.seconds} s each, gunicorn 2 sync workers, SQLite WAL")
    bodies = submissions(args.bodies)
    with tempfile.TemporaryDirectory() as tmp:
        ours_db = Path(tmp) / "ours.sqlite3"
        ceiling_db = Path(tmp) / "ceiling.sqlite3"
        prepare_database(f"sqlite:///{ours_db}")

        with gunicorn("bench.ceiling_app:app", {"CEILING_DATABASE": str(ceiling_db)}) as base:
            ceiling = wrk_post(base, "/api/v1/inspections", "-", bodies, args.clients, args.seconds)
        with gunicorn(
            "app:create_app()", {"DATABASE_URL": f"sqlite:///{ours_db}", "INSTANCE_PATH": tmp}
        ) as base:
            ours = wrk_post(
                base, "/api/v1/inspections", login(base), bodies, args.clients, args.seconds
            )

        with sqlite3.connect(ours_db) as connection:
            stored = collections.Counter(
                row[0] for row in connection.execute("SELECT id FROM inspections")
            )

    for name, result in (("ceiling", ceiling), ("ours", ours)):
        print(
            f"{name:8s} {result['rps']:8.1f} req/s  p50 {result['p50_us'] / 1000:6.1f} ms  "
            f"p99 {result['p99_us'] / 1000:6.1f} ms  acknowledged {result['acknowledged']}  "
            f"errors {result['socket_errors'] + result['refused']}"
        )
    print(f"ours/ceiling: {ours['rps'] / ceiling['rps']:.2f}")
    acknowledged = ours["acknowledged_ids"]
    not_once = [i for i in acknowledged if stored[i] != 1]
    # Requests in flight when the load stopped may be stored without wrk reading the answer.
    in_flight = sum(stored.values()) - len(acknowledged)
    print(
        f"stored {sum(stored.values())} rows; {len(acknowledged)} acknowledged, "
        f"{len(not_once)} of them not stored exactly once; "
        f"{in_flight} stored while in flight at the end (at most {args.clients})"
    )
    if not_once or not 0 <= in_flight <= args.clients:
        raise SystemExit("FAILED: acknowledged submissions lost or duplicated")


if __name__ == "__main__":
    main()
