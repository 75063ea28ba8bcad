"""A location's picture by day, kept at write time: a past day is read like today.

``location_picture_days`` holds, per location, a row for every day on which
its picture may change (a visit, an outcome going stale, another norm set
version coming into force: ``engine.picture_days``); the picture of a past
day is that of the latest row on or before it. The rows are rewritten with
the location's picture (``location_state.refresh``), in the same
transaction: from the visits' outcome letters for every day when visits
arrive late or are rescored, or from the new visit's day on when it is the
location's latest.

A version loaded later than the rows were written makes the rows from its
first day on outdated: ``outdated_on`` finds the locations whose row of a
day names another version than the one in force, for
``location_state.bring_days_up_to_date`` to remake.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from inspection.engine import (
    DayPicture,
    NormSetDocument,
    NormTrack,
    VisitLetters,
    VisitResults,
    days_from,
    days_of,
    folded_letter_days,
    local_date,
)
from inspection.models import LocationPictureDay
from inspection.norm_sets import compiled, versions
from inspection.visit_letters import LetterVisit

# Locations whose rows are remade per round of queries.
CHUNK = 200


class Versions:
    """Norm set versions, looked up by day: ``(valid_from, id, document)`` each, oldest first.

    A day before every version takes the first, as ``location_state.norm_set_for``.
    """

    def __init__(self, stored: Sequence[tuple[date, int, NormSetDocument]]) -> None:
        self.stored = list(stored)
        self.days = [valid_from for valid_from, _, _ in self.stored]

    @classmethod
    def of_catalogue(cls) -> Versions:
        """The stored versions of the service's catalogue."""
        return cls(
            [
                (norm_set.valid_from, norm_set.id, compiled(norm_set))
                for norm_set in versions(current_app.config["NORM_CATALOGUE"])
            ]
        )

    def _index(self, day: date) -> int:
        return max(bisect_right(self.days, day) - 1, 0)

    def id_on(self, day: date) -> int:
        return self.stored[self._index(day)][1]

    def document_on(self, day: date) -> NormSetDocument:
        return self.stored[self._index(day)][2]


def day_rows(
    location_id: int,
    location_type: str,
    visits: Sequence[tuple[LetterVisit, int | None]],
    codes: Callable[[int], Sequence[str]],
    known: Versions,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Every row of a location from its visits (in picture order, with the children counted).

    ``codes(norm_set_id)``: the norm codes of a version in document order (``NormCodes``).
    ``since``: only the rows from that day (a visit's) on.
    """
    folded = folded_letter_days(
        VisitLetters(v.id, v.observed_at, v.letters, codes(v.norm_set_id)) for v, _ in visits
    )
    days = days_of(folded, location_type, known.document_on, known.days, since)
    return _rows(location_id, days, _children_by_visit(visits), known)


def rows_from(
    location_id: int,
    location_type: str,
    visits: Sequence[tuple[LetterVisit, int | None]],
    tracks: dict[str, NormTrack],
    known: Versions,
) -> list[dict[str, Any]]:
    """The rows from the latest visit's day on, when the rows before that day stand.

    ``tracks`` are those of all ``visits``, the latest of which is the one added.
    """
    latest = visits[-1][0]
    day = local_date(latest.observed_at)
    added = VisitResults(latest.id, latest.observed_at, ())
    days = days_from(tracks, added, day, None, location_type, known.document_on, known.days)
    return _rows(location_id, days, _children_by_visit(visits), known)


def write_days(
    session: Session,
    location_ids: Sequence[int],
    rows: list[dict[str, Any]],
    since: dict[int, date] | None = None,
) -> None:
    """Replace the rows of these locations (of the location's day in ``since`` on, if given)."""
    since = since or {}
    whole = [i for i in location_ids if i not in since]
    for start in range(0, len(whole), CHUNK):
        chunk = whole[start : start + CHUNK]
        session.execute(delete(LocationPictureDay).where(LocationPictureDay.location_id.in_(chunk)))
    for location_id, day in since.items():
        session.execute(
            delete(LocationPictureDay).where(
                LocationPictureDay.location_id == location_id,
                LocationPictureDay.valid_from >= day,
            )
        )
    if rows:
        # A Core insert on the table: a rescoring writes a row per location and day.
        session.connection().execute(insert(LocationPictureDay.__table__), rows)


def rows_of_day(day: date) -> Any:
    """Per location, its row in force on ``day``: a subquery joined on ``location_id``."""
    later = aliased(LocationPictureDay)
    newest = (
        select(func.max(later.valid_from))
        .where(later.location_id == LocationPictureDay.location_id, later.valid_from <= day)
        .correlate(LocationPictureDay)
        .scalar_subquery()
    )
    return select(LocationPictureDay).where(LocationPictureDay.valid_from == newest).subquery()


def outdated_on(session: Session, day: date) -> list[int]:
    """The locations whose row of ``day`` names another version than the one in force then."""
    known = Versions.of_catalogue()
    if not known.stored:
        return []
    current = rows_of_day(day)
    return sorted(
        session.scalars(
            select(current.c.location_id).where(current.c.norm_set_id != known.id_on(day))
        ).all()
    )


def _rows(
    location_id: int,
    days: Iterable[DayPicture],
    children: dict[str, int | None],
    known: Versions,
) -> list[dict[str, Any]]:
    rows = []
    for d in days:
        picture = d.picture
        rows.append(
            {
                "location_id": location_id,
                "valid_from": d.day,
                "norm_set_id": known.id_on(d.day),
                "status": picture.status,
                "overall": picture.overall,
                "coverage": picture.coverage,
                "failed_norms": list(picture.failed_norms),
                "critical_norms": list(picture.critical_norms),
                "failing_since": picture.failing_since,
                "latest_inspection_id": d.latest.id,
                "latest_observed_at": d.latest.observed_at,
                "children_present": children[d.latest.id],
            }
        )
    return rows


def _children_by_visit(visits: Sequence[tuple[LetterVisit, int | None]]) -> dict[str, int | None]:
    """Per visit, the children counted by the latest visit up to it that counted them."""
    counted: int | None = None
    by_visit: dict[str, int | None] = {}
    for visit, children in visits:
        if children is not None:
            counted = int(children)
        by_visit[visit.id] = counted
    return by_visit
