"""Rescoring: stored inspections per second through `norms rescore`, and the engine alone.

Run: .venv/bin/python bench/bench_rescoring.py [--inspections 100000]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from pathlib import Path

from common import machine, prepare_database, store_inspections

DISTINCT_ANSWER_SETS = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument(
        "--rounds", type=int, default=3, help="errata timed, each next to the engine alone"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
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

            def engine() -> float:
                started = time.perf_counter()
                for answers, kind in pairs:
                    score_answers(answers, document, kind)
                return args.inspections / (time.perf_counter() - started)

            engine_rate = engine()
            started = time.perf_counter()
            report = rescoring.rescore("nl-children", "2023.1")
            db.session.commit()
            unchanged_rate = report.rescored / (time.perf_counter() - started)

            # Errata one after the other, each changing a threshold of HYG-01 back or forth so
            # that every stored result changes; each timed next to the engine alone, as the
            # machine's speed drifts (the median of the rounds is reported: the lower of the
            # middle two for an even number).
            original = read_document(DEFAULT_NORM_SET_FILE)
            rounds = []
            for number in range(args.rounds):
                erratum = copy.deepcopy(original)
                if number % 2 == 0:
                    hyg01 = next(n for n in erratum["norms"] if n["code"] == "HYG-01")
                    hyg01["rule"]["max"] = {"default": 25, "azc": 12}
                correction = correct_norm_set(norm_set, erratum, None)
                started = time.perf_counter()
                changed_report = rescoring.rescore("nl-children", "2023.1", correction=correction)
                db.session.commit()
                rate = changed_report.rescored / (time.perf_counter() - started)
                reference = engine()
                rounds.append((rate / reference, rate, reference, changed_report.changed))
                print(
                    f"  erratum {number + 1}: {rate:7.0f} inspections/s, engine {reference:7.0f}/s,"
                    f" ratio {rate / reference:.2f} ({changed_report.changed} changed)",
                    flush=True,
                )

    ratio, erratum_rate, reference, changed = statistics.median_low(rounds)
    print(f"engine alone           {engine_rate:9.0f} inspections/s")
    print(
        f"rescore, no change     {unchanged_rate:9.0f} inspections/s  "
        f"({report.changed} changed)  rescore/engine {unchanged_rate / engine_rate:.2f}"
    )
    print(
        f"rescore after erratum  {erratum_rate:9.0f} inspections/s  "
        f"({changed} changed)  rescore/engine {ratio:.2f} (median of {len(rounds)} rounds, "
        f"engine {reference:.0f}/s in its round)"
    )


if __name__ == "__main__":
    main()
