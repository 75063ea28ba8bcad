"""Stored visits as their outcome letters: what findings and pictures need, without results.

A visit keeps its outcomes as one letter per norm (``Inspection.outcomes``,
``engine.outcome_letters``), in the order of its norm set's norms. That is
all that findings need, and all a picture needs except the value, threshold
and critical flag of the one visit that established each norm's outcome:
``latest_tracks`` reads only those visits' result documents. Remaking many
locations at once (a rescoring) therefore decodes a few result documents per
location instead of every one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspection.day_rows import DayVisit
from inspection.engine import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    UNANSWERED,
    NormTrack,
    advance,
    outcome_letters,
)
from inspection.engine.picture import FAIL_LETTERS, OUTCOME_LETTERS
from inspection.models import Inspection, NormSet
from inspection.norm_sets import compiled

# Letter -> (outcome, effective severity of a failure).
LETTERS: dict[str, tuple[str, str | None]] = {
    **{letter: (outcome, None) for outcome, letter in OUTCOME_LETTERS.items()},
    **{letter: (FAIL, severity) for severity, letter in FAIL_LETTERS.items()},
}
_BREAKS = {OUTCOME_LETTERS[PASS], OUTCOME_LETTERS[NOT_APPLICABLE]}
_UNANSWERED = OUTCOME_LETTERS[UNANSWERED]
# Ids per query when results are read by id.
CHUNK = 900


class LetterVisit(NamedTuple):
    """A stored visit: its id, when, its norm set and its outcomes as letters.

    A named tuple, made several times faster than a frozen dataclass: a rescoring makes one
    for every visit of every location it remakes.
    """

    id: str
    observed_at: datetime
    norm_set_id: int
    letters: str


class NormCodes:
    """The norm codes of each stored norm set, in document order (the order of the letters)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._codes: dict[int, tuple[str, ...]] = {}

    def __call__(self, norm_set_id: int) -> tuple[str, ...]:
        codes = self._codes.get(norm_set_id)
        if codes is None:
            document = compiled(self.session.get(NormSet, norm_set_id))
            codes = self._codes[norm_set_id] = tuple(norm.code for norm in document.norms)
        return codes


def letter_visits(
    session: Session, location_ids: Sequence[int], *columns: Any
) -> dict[int, list[tuple[LetterVisit, tuple[Any, ...]]]]:
    """Each location's visits in picture order (observed_at, then id), with ``columns`` of each.

    Visits stored before the letters were kept get them from their results.
    """
    rows = session.execute(
        select(
            Inspection.location_id,
            Inspection.id,
            Inspection.observed_at,
            Inspection.norm_set_id,
            Inspection.outcomes,
            *columns,
        ).where(Inspection.location_id.in_(location_ids))
    ).all()
    missing = [row[1] for row in rows if row[4] is None]
    letters_of = {key: outcome_letters(results) for key, results in results_of(session, missing)}
    visits: dict[int, list[tuple[LetterVisit, tuple[Any, ...]]]] = defaultdict(list)
    for location_id, key, observed_at, norm_set_id, letters, *extra in rows:
        if letters is None:
            letters = letters_of[key]
        visits[location_id].append(
            (LetterVisit(key, observed_at, norm_set_id, letters), tuple(extra))
        )
    for listed in visits.values():
        listed.sort(key=lambda pair: (pair[0].observed_at, pair[0].id))
    return visits


def results_of(session: Session, ids: Iterable[str]) -> Iterable[tuple[str, list[dict]]]:
    """The result documents of these inspections, by id."""
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield from session.execute(
            select(Inspection.id, Inspection.results).where(
                Inspection.id.in_(ids[start : start + CHUNK])
            )
        ).all()


class LatestOutcomes:
    """What ``engine.track_norms`` makes of ``visits`` (in picture order), read from letters.

    Per norm: the latest visit that assessed it, and where its current run of
    failures began (``unanswered`` does not break a run). The value,
    threshold and critical flag of a track come from the result of that one
    visit: ``needed`` names those visits, ``tracks`` takes their results.
    """

    def __init__(self, visits: Sequence[LetterVisit | DayVisit], codes: NormCodes) -> None:
        self.visits = visits
        self.latest: dict[str, int] = {}
        self.run_start: dict[str, int] = {}
        open_runs: set[str] = set()
        # Every norm the visits may hold: once each has its latest visit and no run is open,
        # the older visits change nothing (a location's last few visits, usually).
        every = len(set().union(*(codes(key) for key in {v.norm_set_id for v in visits})))
        for index in range(len(visits) - 1, -1, -1):
            if len(self.latest) == every and not open_runs:
                break
            visit = visits[index]
            for code, letter in zip(codes(visit.norm_set_id), visit.letters, strict=True):
                if letter == _UNANSWERED:
                    continue
                if code not in self.latest:
                    self.latest[code] = index
                    if letter not in _BREAKS:
                        self.run_start[code] = index
                        open_runs.add(code)
                elif code in open_runs:
                    if letter in _BREAKS:
                        open_runs.discard(code)
                    else:
                        self.run_start[code] = index

    @property
    def needed(self) -> set[str]:
        """The visits whose results the tracks take their values from."""
        return {self.visits[index].id for index in self.latest.values()}

    def tracks(self, results: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, NormTrack]:
        """The tracks, given the results of (at least) the ``needed`` visits by id."""
        tracks: dict[str, NormTrack] = {}
        for code, index in self.latest.items():
            visit = self.visits[index]
            result = next(r for r in results[visit.id] if r["norm"] == code)
            track = advance(None, result, visit)  # type: ignore[arg-type]  (id and observed_at)
            assert track is not None  # the letter was not unanswered
            if code in self.run_start:
                track = _since(track, self.visits[self.run_start[code]].observed_at)
            tracks[code] = track
        return tracks


def _since(track: NormTrack, failing_since: datetime) -> NormTrack:
    return track._replace(failing_since=failing_since)
