"""What the document of a visit's report shows, gathered for its template."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from inspection.models import Report, User
from inspection.norm_sets import compiled
from inspection.photos import photos_of
from inspection.reports.national import type_names
from inspection.reports.texts import texts
from inspection.reports.views import location_as_seen, names_people
from inspection.reports.wording import found_in_words, number
from inspection.vocabulary import AMSTERDAM, REPORT_ADOPTED, REPORT_PUBLISHED

_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


def is_concept(report: Report) -> bool:
    """Until it is adopted, every page of the document says it is a concept."""
    return report.state not in (REPORT_ADOPTED, REPORT_PUBLISHED)


def visit_document(report: Report, user: User, lang: str = "nl") -> dict[str, Any]:
    """The template context of the report's document as ``user`` may read it, in ``lang``."""
    inspection = report.inspection
    document = compiled(inspection.norm_set)
    norms = {norm.code: norm for norm in document.norms}
    kind = report.location.type
    location = location_as_seen(report.location, user)
    rows = []
    for result in inspection.results:
        norm = norms.get(result["norm"])
        if norm is None:
            continue
        rows.append(
            {
                "code": norm.code,
                "domain": norm.domain,
                "requirement": getattr(norm.title, lang),
                "found": found_in_words(norm, inspection.answers, document.items, kind, lang),
                "outcome": result["outcome"],
                "severity": result["severity"],
                "critical": bool(result.get("critical")),
            }
        )
    domains = [
        {
            "code": domain.code,
            "title": getattr(domain.title, lang),
            "score": (inspection.domain_scores.get(domain.code) or {}).get("score"),
            "rows": [row for row in rows if row["domain"] == domain.code],
        }
        for domain in document.domains
    ]
    failed = sorted(
        (row for row in rows if row["outcome"] == "fail"),
        key=lambda row: (not row["critical"], _SEVERITY_ORDER[row["severity"]], row["code"]),
    )
    photos = [] if location["masked"] else _photos(inspection)
    adopted = not is_concept(report)
    children = inspection.answers.get("children_present")
    return {
        **texts(lang),
        "report": report,
        "location": location,
        "visit_local": inspection.observed_at_local,
        "inspector": inspection.inspector.username if names_people(user) else None,
        "norm_set": f"{document.catalogue} {document.version}",
        "type_name": type_names(lang).get(kind, kind),
        "summary": {
            "status": inspection.status,
            "overall": _figure(inspection.overall, lang),
            "coverage": _figure(inspection.coverage, lang),
            "children": number(children, lang) if isinstance(children, int | float) else "–",
        },
        "domains": [domain for domain in domains if domain["rows"]],
        "notes": [
            {"code": code, "requirement": getattr(norms[code].title, lang), "text": text}
            for code, text in sorted(inspection.notes.items())
            if code in norms and text
        ],
        "photos": photos,
        "failed": failed,
        "concept": is_concept(report),
        "reactions": report.reactions if adopted else [],
        "handling": report.handling if adopted else None,
        "generated_at": datetime.now(AMSTERDAM),
        "number": lambda value: number(value, lang),
    }


def _figure(value: float | None, lang: str) -> str:
    return "–" if value is None else number(round(value, 1), lang)


def _photos(inspection: Any) -> list[dict[str, Any]]:
    """The visit's photos as data URIs: the document carries them and fetches nothing."""
    return [
        {
            "norm": photo.norm,
            "src": f"data:{photo.content_type};base64,{base64.b64encode(photo.data).decode()}",
        }
        for photo in photos_of(inspection)
    ]
