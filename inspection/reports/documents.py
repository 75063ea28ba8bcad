"""The documents of reports as files: HTML or PDF bytes, a media type and a name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inspection.models import User
from inspection.reports.national import national_document
from inspection.reports.rendering import HTML, PDF, html_to_pdf, render_html
from inspection.reports.visit import visit_document
from inspection.reports.workflow import visible_report


@dataclass(frozen=True)
class Document:
    body: bytes
    media_type: str
    filename: str


def visit_report_document(report_id: int, user: User, kind: str, lang: str) -> Document:
    """The document of a report ``user`` may read, as ``html`` or ``pdf``, in ``lang``."""
    report = visible_report(user, report_id)
    context = visit_document(report, user, lang)
    html = render_html("reports/visit.html", context)
    day = report.inspection.observed_at_local.date().isoformat()
    stem = f"rapport_{context['location']['code']}_{day}" + ("" if lang == "nl" else f"_{lang}")
    return _as(kind, html, stem)


def national_report_document(as_of: date, user: User, kind: str, lang: str) -> Document:
    """The national report on ``as_of`` as ``user`` may see it, as ``html`` or ``pdf``."""
    html = render_html("reports/national.html", national_document(as_of, user, lang))
    stem = f"landelijk-rapport_{as_of.isoformat()}" + ("" if lang == "nl" else f"_{lang}")
    return _as(kind, html, stem)


def _as(kind: str, html: str, stem: str) -> Document:
    if kind == "pdf":
        return Document(html_to_pdf(html), PDF, f"{stem}.pdf")
    return Document(html.encode(), HTML, f"{stem}.html")
