"""The pages of reports: the list (per location and national) and one report with its hearing.

Like every page they are static HTML and a script; the data, the moves and
the documents come from the JSON API with the bearer token.
"""

from __future__ import annotations

from flask import render_template

from inspection.web.pages import pages


@pages.get("/reports")
def reports() -> str:
    """Reports the user may read, by location and state, and the national report."""
    return render_template("web/reports.html", page="reports")


@pages.get("/reports/<int:report_id>")
def report(report_id: int) -> str:
    """One report: its state, the moves the user may make and, during the hearing, the reaction."""
    return render_template("web/report.html", page="reports", report_id=report_id)
