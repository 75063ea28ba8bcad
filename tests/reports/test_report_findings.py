"""The findings in a visit's report: what each failure opened or confirmed, and its deadline."""

from __future__ import annotations

import subprocess

from test_report_documents import fetch_pdf


def pdf_text(body: bytes) -> str:
    """The PDF's text with its layout: a table row stays on one line."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def flat(text: str) -> str:
    return " ".join(text.split())


def findings_of(world, code: str, state: str = "all") -> dict[str, dict]:
    response = world.call("GET", f"/findings?location={code}&state={state}", "coordinator")
    assert response.status_code == 200, response.get_json()
    return {f["norm"]: f for f in response.get_json()["items"]}


def row_of(text: str, norm: str, after: str) -> str:
    """The line of ``norm`` in the table that follows the heading ``after``."""
    section = text[text.index(after) :]
    return next(line for line in section.splitlines() if line.strip().startswith(norm))


def test_each_failed_norm_shows_the_finding_it_opened_with_its_deadline(world):
    report_id = world.report_in("concept")
    findings = findings_of(world, "OWN")

    text = pdf_text(fetch_pdf(world, report_id))

    assert "Bevindingen en termijnen" in text
    hyg01 = findings["HYG-01"]
    row = flat(row_of(text, "HYG-01", "Bevindingen en termijnen"))
    # Opened on the visit's Dutch date; the deadline as the findings API gives it.
    assert row.startswith("HYG-01 geopend bij dit bezoek")
    assert "2026-11-20" in row
    assert hyg01["deadline"] in row
    assert row.endswith("open") == (not hyg01["overdue"])


def test_a_failure_seen_before_is_confirmed_and_shown_overdue(world):
    # An earlier failing visit, whose finding's deadline has long passed.
    world.submit_at("OWN", "2026-08-03T09:00:00+02:00", toilets=20)
    report_id = world.report_in("concept")
    finding = findings_of(world, "OWN")["HYG-01"]

    text = pdf_text(fetch_pdf(world, report_id))
    row = flat(row_of(text, "HYG-01", "Bevindingen en termijnen"))

    assert finding["overdue"] and finding["opened_at"].startswith("2026-08-03")
    assert row.startswith("HYG-01 bevestigd (eerder geopend)")
    assert "2026-08-03" in row and finding["deadline"] in row
    assert "open, termijn verstreken" in flat(text[text.index("Bevindingen en termijnen") :])


def test_findings_resolved_by_the_visit_are_listed(world):
    deadline = findings_of(world, "OWN")["HYG-01"]["deadline"]
    visit = world.submit_at("OWN", "2026-11-27T09:00:00+01:00", toilets=60)
    report_id = world.new_report("OWN", visit=visit)["id"]

    nl = pdf_text(fetch_pdf(world, report_id))
    en = pdf_text(fetch_pdf(world, report_id, query="?lang=en"))

    assert findings_of(world, "OWN", "resolved")["HYG-01"]["closed_by"] == visit
    row = flat(row_of(nl, "HYG-01", "Opgeloste bevindingen"))
    assert "2026-11-20" in row and deadline in row and row.endswith("2026-11-27")
    assert "Findings resolved" in en
    assert flat(row_of(en, "HYG-01", "Findings resolved")).endswith("2026-11-27")


def test_the_findings_in_english(world):
    report_id = world.report_in("concept")

    text = flat(pdf_text(fetch_pdf(world, report_id, query="?lang=en")))

    assert "Findings and deadlines" in text
    assert "HYG-01 opened at this visit" in text
    assert "Bevindingen" not in text
