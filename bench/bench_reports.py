"""The national report with 10,000 locations, and one visit's report, against references.

Targets: the national report (PDF) under 10 s for 10,000 locations, a visit
report (PDF) under 1 s. Both are asked through the API (Flask's test client,
one process, SQLite). References measured in the same run: the GeoJSON export
of the same day (the same read model, so the ratio shows what the report adds
to it) and WeasyPrint rendering a one-line page (its fixed cost). Wall and CPU
time are printed: on a loaded machine CPU time is the steadier of the two.

Run: .venv/bin/python bench/bench_reports.py [--locations 10000] [--inspections 200000]
     [--database kept.sqlite3]
"""

from __future__ import annotations

import statistics
import tempfile
from datetime import date, datetime

from common import COORDINATOR, PASSWORD, large_database, machine, sized_arguments, timed

WARM_RUNS = 3


def line(name: str, cold: tuple[float, float], warm: list[tuple[float, float]], size: int) -> None:
    wall = statistics.median(w for w, _ in warm)
    cpu = statistics.median(c for _, c in warm)
    print(
        f"{name:28s} {cold[0] * 1000:9.0f} {cold[1] * 1000:9.0f} "
        f"{wall * 1000:9.0f} {cpu * 1000:9.0f} {size:11,d}"
    )
    return wall


def main() -> None:
    args = sized_arguments(__doc__)
    print(f"machine: {machine()}")

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = large_database(tmp, "reports", args.locations, args.inspections, args.database)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp})
        with app.app_context():
            from sqlalchemy import select

            from inspection.db import db
            from inspection.models import Inspection

            # The visit report of the latest visit that failed norms.
            visit = db.session.scalars(
                select(Inspection.id)
                .where(Inspection.status.in_(("below_norm", "critical")))
                .order_by(Inspection.observed_at.desc())
                .limit(1)
            ).one()

        client = app.test_client()
        token = client.post(
            "/api/v1/auth/tokens",
            json={"username": COORDINATOR, "password": PASSWORD},
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        report_id = client.post(f"/api/v1/inspections/{visit}/report", headers=headers).get_json()[
            "id"
        ]
        day = datetime.now().date().isoformat()

        def get(path: str):
            def call():
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
                return response.data

            return call

        def weasyprint_floor():
            with app.app_context():
                from inspection.reports.rendering import html_to_pdf

                return html_to_pdf("<!doctype html><p>Een regel.</p>")

        print(
            f"{'':28s} {'cold ms':>9s} {'cold cpu':>9s} {'warm ms':>9s} {'warm cpu':>9s} "
            f"{'bytes':>11s}"
        )
        results = {}
        for name, call in (
            ("weasyprint one line (ref)", weasyprint_floor),
            ("locations.geojson (ref)", get(f"/api/v1/exports/locations.geojson?as_of={day}")),
            ("national.html", get(f"/api/v1/reports/national.html?as_of={day}")),
            ("national.pdf", get(f"/api/v1/reports/national.pdf?as_of={day}")),
            ("visit report .html", get(f"/api/v1/reports/{report_id}.html")),
            ("visit report .pdf", get(f"/api/v1/reports/{report_id}.pdf")),
        ):
            cold_wall, cold_cpu, body = timed(call)
            warm = [timed(call)[:2] for _ in range(WARM_RUNS)]
            results[name] = (line(name, (cold_wall, cold_cpu), warm, len(body)), cold_wall)
        # A different day: nothing cached for it, as the first request of a day would be.
        other = get(f"/api/v1/reports/national.pdf?as_of={date(2026, 1, 1).isoformat()}")
        cold_wall, cold_cpu, body = timed(other)
        line(
            "national.pdf, uncached day", (cold_wall, cold_cpu), [(cold_wall, cold_cpu)], len(body)
        )

    national = results["national.pdf"]
    visit_pdf = results["visit report .pdf"]
    print(
        f"national.pdf: cold {national[1]:.2f} s, warm {national[0]:.2f} s (target < 10 s); "
        f"warm / geojson export = {national[0] / results['locations.geojson (ref)'][0]:.1f}"
    )
    print(
        f"visit report .pdf: warm {visit_pdf[0]:.2f} s (target < 1 s); "
        f"warm / weasyprint one line = {visit_pdf[0] / results['weasyprint one line (ref)'][0]:.1f}"
    )


if __name__ == "__main__":
    main()
