"""What the document of a visit's report shows, gathered for its template.

Two steps. ``visit_content`` gathers what the document says about the visit,
in one language, as plain JSON: the location, the visit, its outcomes, its
findings with their deadlines. Until the report is adopted this is gathered
anew for every reading; at adoption it is stored with the report
(``Report.content``) and from then on the document shows what it showed
then, whatever happens to the data (a rescoring, a later visit, a renamed
location, a finding resolved later). ``visit_document`` then shows that
content as a given reader may see it: viewers get a confidential location
masked, without photos and without the inspector's name.
"""

from __future__ import annotations

import base64
import io
from datetime import date, datetime
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import undefer

from inspection.db import db
from inspection.engine import OPEN, RESOLVED, local_date
from inspection.findings import today
from inspection.models import Finding, Photo, Report, User, finding_inspections
from inspection.norm_sets import compiled
from inspection.photos import photos_of
from inspection.reports.national import type_names
from inspection.reports.texts import texts
from inspection.reports.views import location_as_seen, names_people
from inspection.reports.wording import found_in_words, number
from inspection.vocabulary import AMSTERDAM, REPORT_ADOPTED, REPORT_PUBLISHED

LANGUAGES = ("nl", "en")
_COMPACT = ("pass", "not_applicable")
_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
# Photos are embedded at most this wide in pixels (about 300 dpi at the 56 mm they are
# shown): a phone's photo of 4000 pixels would cost WeasyPrint time for nothing.
PHOTO_PIXELS = 660


def is_concept(report: Report) -> bool:
    """Until it is adopted, every page of the document says it is a concept."""
    return report.state not in (REPORT_ADOPTED, REPORT_PUBLISHED)


def frozen_content(report: Report) -> dict[str, Any]:
    """The content of the report in every language, as it is stored at adoption."""
    return {lang: visit_content(report, lang) for lang in LANGUAGES}


def content_of(report: Report, lang: str) -> dict[str, Any]:
    """What the document shows: stored at adoption, gathered now before it.

    A report adopted before its content was stored gets it stored now, at its
    first reading: from then on it no longer follows the data.
    """
    if is_concept(report):
        return visit_content(report, lang)
    if report.content is None:
        report.content = frozen_content(report)
        db.session.flush()
    return report.content[lang]


def visit_content(report: Report, lang: str) -> dict[str, Any]:
    """What the document says about the visit in ``lang``, as JSON, for any reader."""
    inspection = report.inspection
    document = compiled(inspection.norm_set)
    norms = {norm.code: norm for norm in document.norms}
    location = report.location
    kind = location.type
    findings = _findings_of_visit(inspection.id)
    on = today()
    rows = []
    for result in inspection.results:
        norm = norms.get(result["norm"])
        if norm is None:
            continue
        finding = findings.get(norm.code) if result["outcome"] == "fail" else None
        rows.append(
            {
                "code": norm.code,
                "domain": norm.domain,
                "requirement": getattr(norm.title, lang),
                "found": found_in_words(norm, inspection.answers, document.items, kind, lang),
                "outcome": result["outcome"],
                "severity": result["severity"],
                "critical": bool(result.get("critical")),
                "finding": _finding(finding, inspection.id, on) if finding is not None else None,
            }
        )
    domains = []
    for domain in document.domains:
        own = [row for row in rows if row["domain"] == domain.code]
        if not own:
            continue
        domains.append(
            {
                "code": domain.code,
                "title": getattr(domain.title, lang),
                "score": _score(inspection.domain_scores.get(domain.code), lang),
                # Norms met or not applicable are named compactly (the found values of
                # the ones met say nothing the outcome does not): six pages of tables
                # took WeasyPrint over a second. The others with what was found.
                "rows": [row for row in own if row["outcome"] not in _COMPACT],
                "compact": {
                    outcome: [
                        {"code": row["code"], "requirement": row["requirement"]}
                        for row in own
                        if row["outcome"] == outcome
                    ]
                    for outcome in _COMPACT
                },
            }
        )
    failed = sorted(
        (row for row in rows if row["outcome"] == "fail"),
        key=lambda row: (not row["critical"], _SEVERITY_ORDER[row["severity"]], row["code"]),
    )
    visit = inspection.observed_at_local
    offset = visit.strftime("%z")
    children = inspection.answers.get("children_present")
    return {
        "location": {
            "code": location.code,
            "name": location.name,
            "type": kind,
            "municipality": location.municipality,
            "province": location.province,
        },
        "type_name": type_names(lang).get(kind, kind),
        "visit": {
            "day": visit.strftime("%Y-%m-%d"),
            "time": visit.strftime("%H:%M"),
            "offset": f"{offset[:3]}:{offset[3:]}",
        },
        "inspector": inspection.inspector.username,
        "norm_set": f"{document.catalogue} {document.version}",
        "summary": {
            "status": inspection.status,
            "overall": _figure(inspection.overall, lang),
            "coverage": _figure(inspection.coverage, lang),
            "children": number(children, lang) if isinstance(children, int | float) else "–",
        },
        "domains": domains,
        "failed": failed,
        "resolved": [
            {
                **_finding(finding, inspection.id, on),
                "requirement": getattr(norms[finding.norm].title, lang)
                if finding.norm in norms
                else "",
            }
            for finding in _resolved_by(inspection.id)
        ],
        "findings_on": on.isoformat(),
        "notes": [
            {"code": code, "requirement": getattr(norms[code].title, lang), "text": text}
            for code, text in sorted(inspection.notes.items())
            if code in norms and text
        ],
        # Ids only: photos are never changed once stored, and the document needs their
        # bytes only when it is drawn.
        "photos": [{"id": photo.id, "norm": photo.norm} for photo in photos_of(inspection)],
    }


def visit_document(report: Report, user: User, lang: str = "nl") -> dict[str, Any]:
    """The template context of the report's document as ``user`` may read it, in ``lang``."""
    content = content_of(report, lang)
    seen = location_as_seen(report.location, user)
    location = dict(content["location"])
    if seen["masked"]:
        location.update(code=seen["code"], name=seen["name"])
    location["masked"] = seen["masked"]
    adopted = not is_concept(report)
    return {
        **texts(lang),
        **content,
        "report": report,
        "location": location,
        "inspector": content["inspector"] if names_people(user) else None,
        "photos": [] if seen["masked"] else _photos(content["photos"]),
        "concept": not adopted,
        "reactions": report.reactions if adopted else [],
        "handling": report.handling if adopted else None,
        "generated_at": datetime.now(AMSTERDAM),
        # An adopted document is the one of its adoption: its footer says when that was.
        "footer_note": _adopted_note(report, lang) if adopted else None,
        "number": lambda value: number(value, lang),
    }


def _adopted_note(report: Report, lang: str) -> str:
    moment = report.adopted_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
    return f"{texts(lang)['t']['adopted_on']} {moment}"


def _findings_of_visit(inspection_id: str) -> dict[str, Finding]:
    """Per norm, the finding this visit's failure opened or confirmed."""
    findings = db.session.scalars(
        select(Finding)
        .join(finding_inspections, finding_inspections.c.finding_id == Finding.id)
        .where(finding_inspections.c.inspection_id == inspection_id)
        .order_by(Finding.opened_at, Finding.id)
    )
    return {finding.norm: finding for finding in findings}


def _resolved_by(inspection_id: str) -> list[Finding]:
    """The findings of the location that this visit resolved (it passed their norm)."""
    return list(
        db.session.scalars(
            select(Finding)
            .where(Finding.closed_by_id == inspection_id, Finding.state == RESOLVED)
            .order_by(Finding.norm)
        )
    )


def _finding(finding: Finding, inspection_id: str, on: date) -> dict[str, Any]:
    """A finding as the document shows it; dates are Dutch calendar days."""
    opened_by = finding.inspections[0].id if finding.inspections else None
    return {
        "norm": finding.norm,
        "severity": finding.severity,
        "state": finding.state,
        "opened": local_date(finding.opened_at).isoformat(),
        "opened_here": opened_by == inspection_id,
        "deadline": finding.deadline.isoformat(),
        "overdue": finding.state == OPEN and on > finding.deadline,
        "closed": local_date(finding.closed_at).isoformat() if finding.closed_at else None,
    }


def _score(domain: dict[str, Any] | None, lang: str) -> str | None:
    score = (domain or {}).get("score")
    return None if score is None else number(round(score, 1), lang)


def _figure(value: float | None, lang: str) -> str:
    return "–" if value is None else number(round(value, 1), lang)


def _photos(photos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The photos as data URIs (the document fetches nothing), no wider than they are shown."""
    if not photos:
        return []
    stored = {
        photo.id: photo
        for photo in db.session.scalars(
            select(Photo)
            .where(Photo.id.in_([p["id"] for p in photos]))
            .options(undefer(Photo.data))
        )
    }
    shown = []
    for photo in photos:
        row = stored.get(photo["id"])
        if row is None:
            continue
        content_type, data = _fitted(row)
        shown.append(
            {
                "norm": photo["norm"],
                "src": f"data:{content_type};base64,{base64.b64encode(data).decode()}",
            }
        )
    return shown


def _fitted(photo: Photo) -> tuple[str, bytes]:
    """The photo's bytes, made smaller first when it is wider than the document shows it."""
    if photo.width <= PHOTO_PIXELS:
        return photo.content_type, photo.data
    image = Image.open(io.BytesIO(photo.data))
    image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS * 4))
    buffer = io.BytesIO()
    if photo.content_type == "image/png":
        image.save(buffer, format="PNG", optimize=False)
        return "image/png", buffer.getvalue()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return "image/jpeg", buffer.getvalue()
