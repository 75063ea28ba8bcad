"""The rows of a location's picture by day, made from its visits' outcome letters.

Pure: no Flask, no database. The rows are written by ``picture_days``; a
rescoring makes them in its worker processes (``rows_of_locations``), which
get the visits as plain tuples and the versions once, pickled.
"""

from __future__ import annotations

import hashlib
import pickle
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

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


class Versions:
    """Norm set versions, looked up by day: ``(valid_from, id, document)`` each, oldest first.

    A day before every version takes the first, as ``location_state.norm_set_for``.
    """

    def __init__(self, stored: Sequence[tuple[date, int, NormSetDocument]]) -> None:
        self.stored = list(stored)
        self.days = [valid_from for valid_from, _, _ in self.stored]

    def _index(self, day: date) -> int:
        return max(bisect_right(self.days, day) - 1, 0)

    def id_on(self, day: date) -> int:
        return self.stored[self._index(day)][1]

    def document_on(self, day: date) -> NormSetDocument:
        return self.stored[self._index(day)][2]


class DayVisit(NamedTuple):
    """A visit as the days need it: its outcome letters, and the children it counted."""

    id: str
    observed_at: datetime
    norm_set_id: int
    letters: str
    children: int | None


def day_rows(
    location_id: int,
    location_type: str,
    visits: Sequence[DayVisit],
    codes: Callable[[int], Sequence[str]],
    known: Versions,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Every row of a location from its visits (in picture order).

    ``codes(norm_set_id)``: the norm codes of a version in document order.
    ``since``: only the rows from that day (a visit's) on.
    """
    folded = folded_letter_days(
        VisitLetters(v.id, v.observed_at, v.letters, codes(v.norm_set_id)) for v in visits
    )
    days = days_of(folded, location_type, known.document_on, known.days, since)
    return _rows(location_id, days, _children_by_visit(visits), known)


def rows_from(
    location_id: int,
    location_type: str,
    visits: Sequence[DayVisit],
    tracks: dict[str, NormTrack],
    known: Versions,
) -> list[dict[str, Any]]:
    """The rows from the latest visit's day on, when the rows before that day stand.

    ``tracks`` are those of all ``visits``, the latest of which is the one added.
    """
    latest = visits[-1]
    day = local_date(latest.observed_at)
    added = VisitResults(latest.id, latest.observed_at, ())
    days = days_from(tracks, added, day, None, location_type, known.document_on, known.days)
    return _rows(location_id, days, _children_by_visit(visits), known)


class DayTask(NamedTuple):
    """The rows of one location to make in a worker process (``rows_of_locations``)."""

    location_id: int
    location_type: str
    visits: Sequence[DayVisit]
    since: date | None


class Terms(NamedTuple):
    """What the tasks of a refresh share: the versions and the norm codes of their visits.

    Pickled once by the refresh; every task carries the bytes, and a worker
    unpickles them only when they differ from the last it saw.
    """

    key: bytes
    payload: bytes
    # The versions whose norm codes the payload holds.
    norm_sets: frozenset[int]

    @classmethod
    def of(cls, known: Versions, codes: dict[int, tuple[str, ...]]) -> Terms:
        payload = pickle.dumps((known, codes), protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.blake2b(payload, digest_size=16).digest()
        return cls(key, payload, frozenset(codes))


# In a worker process: the terms last unpickled (one refresh at a time).
_terms: tuple[bytes, Versions, dict[int, tuple[str, ...]]] | None = None


def rows_of_locations(terms: Terms, tasks: Iterable[DayTask]) -> list[dict[str, Any]]:
    """The rows of these locations, in a worker process."""
    global _terms
    if _terms is None or _terms[0] != terms.key:
        known, codes = pickle.loads(terms.payload)
        _terms = (terms.key, known, codes)
    _, known, codes = _terms
    rows: list[dict[str, Any]] = []
    for task in tasks:
        rows.extend(
            day_rows(
                task.location_id, task.location_type, task.visits, codes.__getitem__, known,
                since=task.since,
            )
        )  # fmt: skip
    return rows


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


def _children_by_visit(visits: Sequence[DayVisit]) -> dict[str, int | None]:
    """Per visit, the children counted by the latest visit up to it that counted them."""
    counted: int | None = None
    by_visit: dict[str, int | None] = {}
    for visit in visits:
        if visit.children is not None:
            counted = int(visit.children)
        by_visit[visit.id] = counted
    return by_visit
