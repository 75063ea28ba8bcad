"""Rescoring: stored inspections per second through `norms rescore`, and the engine alone.

Run: .venv/bin/python bench/bench_rescoring.py [--inspections 100000]
"""

from __future__ import annotations

import argparse
import copy
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import LOCATION_TYPES, machine, prepare_database

DISTINCT_ANSWER_SETS = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")

    from sqlalchemy import insert, select

    from app import create_app
    from inspection import rescoring
    from inspection.db import db
    from inspection.demo.answers import generate_answers
    from inspection.engine import score_answers
    from inspection.models import Inspection, Location, NormSet, User
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, compiled, read_document
    from inspection.rescoring import correct_norm_set

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'rescore.sqlite3'}"
        prepare_database(url, locations=args.locations)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            norm_set = db.session.scalars(select(NormSet)).one()
            document = compiled(norm_set)
            inspector = db.session.scalars(select(User)).one()
            locations = db.session.scalars(select(Location)).all()
            rng = random.Random(3)
            answer_sets = [
                generate_answers(rng, LOCATION_TYPES[n % 3], 300, rng.random())
                for n in range(DISTINCT_ANSWER_SETS)
            ]
            print(f"storing {args.inspections} inspections ...", flush=True)
            started = time.perf_counter()
            now = datetime.now(UTC)
            rows = []
            for n in range(args.inspections):
                location = locations[n % len(locations)]
                answers = answer_sets[n % DISTINCT_ANSWER_SETS]
                score = score_answers(answers, document, location.type).to_dict()
                rows.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "location_id": location.id,
                        "inspector_id": inspector.id,
                        "observed_at": now - timedelta(minutes=n),
                        "observed_utc_offset_minutes": 60,
                        "received_at": now,
                        "answers": answers,
                        "notes": {},
                        "norm_set_id": norm_set.id,
                        "overall": score["overall"],
                        "coverage": score["coverage"],
                        "status": score["status"],
                        "domain_scores": score["domains"],
                        "results": score["results"],
                    }
                )
                if len(rows) == 5000:
                    db.session.execute(insert(Inspection), rows)
                    rows = []
            if rows:
                db.session.execute(insert(Inspection), rows)
            db.session.commit()
            print(f"  stored in {time.perf_counter() - started:.1f} s")

            pairs = [
                (answer_sets[n % DISTINCT_ANSWER_SETS], locations[n % len(locations)].type)
                for n in range(args.inspections)
            ]
            started = time.perf_counter()
            for answers, kind in pairs:
                score_answers(answers, document, kind)
            engine_rate = args.inspections / (time.perf_counter() - started)

            started = time.perf_counter()
            report = rescoring.rescore("nl-children", "2023.1")
            db.session.commit()
            unchanged_rate = report.rescored / (time.perf_counter() - started)

            erratum = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
            hyg01 = next(n for n in erratum["norms"] if n["code"] == "HYG-01")
            hyg01["rule"]["max"] = {"default": 25, "azc": 12}
            correct_norm_set(norm_set, erratum, None)
            started = time.perf_counter()
            changed_report = rescoring.rescore("nl-children", "2023.1")
            db.session.commit()
            erratum_rate = changed_report.rescored / (time.perf_counter() - started)

    print(f"engine alone           {engine_rate:9.0f} inspections/s")
    print(
        f"rescore, no change     {unchanged_rate:9.0f} inspections/s  "
        f"({report.changed} changed)  rescore/engine {unchanged_rate / engine_rate:.2f}"
    )
    print(
        f"rescore after erratum  {erratum_rate:9.0f} inspections/s  "
        f"({changed_report.changed} changed)  rescore/engine {erratum_rate / engine_rate:.2f}"
    )


if __name__ == "__main__":
    main()
