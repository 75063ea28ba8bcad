"""A location's score history: every visit with its own score and the location's picture after it.

Read from what the visits keep: their own scores, and their outcomes as one
letter per norm (``Inspection.outcomes``), which the engine folds in picture
order (``engine.picture_series``). Two queries for the visits and one per norm
set version they were scored with, whatever the number of visits; the result
documents are read only for visits stored before the letters were kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import select

from inspection.db import db
from inspection.engine import (
    NormSetDocument,
    Picture,
    VisitResults,
    picture_series,
    results_from_letters,
)
from inspection.models import Inspection, Location, NormSet
from inspection.norm_sets import compiled, versions

_CHUNK = 900


@dataclass(frozen=True)
class HistoryPoint:
    """One visit: its own score, and the location's picture at the end of its local day.

    ``id`` is None where the reader may not know it (``location_views.score_history_for``).
    """

    id: str | None
    observed_at_local: datetime
    overall: float | None
    coverage: float | None
    status: str
    domain_scores: dict[str, Any]
    picture: Picture

    @property
    def picture_summary(self) -> dict[str, Any]:
        picture = self.picture
        return {
            "day": picture.day,
            "overall": picture.overall,
            "coverage": picture.coverage,
            "status": picture.status,
            "domains": {code: domain.score for code, domain in picture.domains.items()},
            "failed_norms": list(picture.failed_norms),
            "critical_norms": list(picture.critical_norms),
        }


def score_history(location: Location) -> list[HistoryPoint]:
    """Every visit of ``location`` in picture order (observed_at, then id), with the picture."""
    rows = db.session.execute(
        select(
            Inspection.id,
            Inspection.observed_at,
            Inspection.observed_utc_offset_minutes,
            Inspection.norm_set_id,
            Inspection.outcomes,
            Inspection.overall,
            Inspection.coverage,
            Inspection.status,
            Inspection.domain_scores,
        )
        .where(Inspection.location_id == location.id)
        .order_by(Inspection.observed_at, Inspection.id)
    ).all()
    if not rows:
        return []
    norms_of = {
        norm_set_id: [norm.code for norm in compiled(db.session.get(NormSet, norm_set_id)).norms]
        for norm_set_id in {row.norm_set_id for row in rows}
    }
    full = _results_without_letters([row.id for row in rows if row.outcomes is None])
    visits = [
        VisitResults(
            row.id,
            row.observed_at,
            full[row.id]
            if row.outcomes is None
            else results_from_letters(row.outcomes, norms_of[row.norm_set_id]),
        )
        for row in rows
    ]
    points = picture_series(visits, location.type, _documents_by_day())
    by_id = {row.id: row for row in rows}
    history = []
    for point in points:
        row = by_id[point.visit.id]
        history.append(
            HistoryPoint(
                id=row.id,
                observed_at_local=_local(row.observed_at, row.observed_utc_offset_minutes),
                overall=row.overall,
                coverage=row.coverage,
                status=row.status,
                domain_scores=row.domain_scores,
                picture=point.picture,
            )
        )
    return history


def _documents_by_day() -> Callable[[date], NormSetDocument]:
    """``document_on(day)``: the version of the service's catalogue in force on a day.

    As ``location_state.norm_set_for``, with the versions read once: the first
    version for a day before any.
    """
    stored = versions(current_app.config["NORM_CATALOGUE"])

    def document_on(day: date) -> NormSetDocument:
        in_force = [ns for ns in stored if ns.valid_from <= day]
        return compiled(in_force[-1] if in_force else stored[0])

    return document_on


def _results_without_letters(ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The result documents of visits stored before their outcome letters were kept."""
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(
            db.session.execute(
                select(Inspection.id, Inspection.results).where(Inspection.id.in_(chunk))
            ).all()
        )
    return found


def _local(moment: datetime, offset_minutes: int) -> datetime:
    """``moment`` in the offset the phone reported it with (``Inspection.observed_at_local``)."""
    return moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
