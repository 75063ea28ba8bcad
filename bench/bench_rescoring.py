"""Rescoring: stored inspections per second through `norms rescore`, and the engine alone.

Run: .venv/bin/python bench/bench_rescoring.py [--inspections 100000]
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

from common import machine, prepare_database, store_inspections

DISTINCT_ANSWER_SETS = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")

    from sqlalchemy import select

    from app import create_app
    from inspection import rescoring
    from inspection.db import db
    from inspection.engine import score_answers
    from inspection.models import NormSet
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, compiled, read_document
    from inspection.rescoring import correct_norm_set

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'rescore.sqlite3'}"
        prepare_database(url, locations=args.locations)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            norm_set = db.session.scalars(select(NormSet)).one()
            document = compiled(norm_set)
            print(f"storing {args.inspections} inspections ...", flush=True)
            started = time.perf_counter()
            pairs = store_inspections(args.inspections)
            print(f"  stored in {time.perf_counter() - started:.1f} s")

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
            correction = correct_norm_set(norm_set, erratum, None)
            started = time.perf_counter()
            changed_report = rescoring.rescore("nl-children", "2023.1", correction=correction)
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
