"""Folding visits a local day at a time from their outcome letters alone.

A stored visit keeps one outcome letter per norm (``picture.outcome_letters``).
That is all a picture by day needs: its status, scores, coverage and failed
norms, not what was found (value and threshold). ``folded_letter_days``
yields what ``picture.folded_days`` yields for the same visits given as
results made from their letters (``series.results_from_letters``), without
making those results or a track per visit and norm: per day, one track per
norm assessed that day. A location with hundreds of visits is remade this
way whenever a rescoring or a late visit changes its past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .picture import FAIL_LETTERS, OUTCOME_LETTERS, NormTrack
from .rules import FAIL, UNANSWERED
from .versions import local_date

_SKIP = OUTCOME_LETTERS[UNANSWERED]
# Letter -> (outcome, severity as results_from_letters gives it); unanswered is skipped.
_DECODED = {
    **{letter: (outcome, "") for outcome, letter in OUTCOME_LETTERS.items() if letter != _SKIP},
    **{letter: (FAIL, severity) for severity, letter in FAIL_LETTERS.items()},
}


@dataclass(frozen=True, slots=True)
class VisitLetters:
    """A visit as its outcome letters: ``letters[i]`` is the outcome of ``norms[i]``."""

    id: str
    observed_at: dt.datetime
    letters: str
    norms: Sequence[str]


def folded_letter_days(
    visits: Iterable[VisitLetters],
) -> Iterator[tuple[dt.date, Sequence[VisitLetters], dict[str, NormTrack], dt.date | None]]:
    """Fold visits in picture order (observed_at, then id) a local day at a time.

    As ``picture.folded_days``: per day with a visit, the day, its visits, the
    tracks after them (one dict, folded further after each step) and the next
    day with a visit (None after the last).
    """
    ordered = sorted(visits, key=lambda v: (v.observed_at, v.id))
    for visit in ordered:
        if len(visit.letters) != len(visit.norms):
            raise ValueError(f"{len(visit.letters)} outcome letters for {len(visit.norms)} norms")
    tracks: dict[str, NormTrack] = {}
    # The norms failing now, since when: a run of failures is broken by a pass or n/a only.
    failing: dict[str, dt.datetime] = {}
    # Per outcome letters (and sequence of norms), the norms assessed with their outcome and
    # severity: visits often share their outcomes. The sequences are told apart by
    # identity, which is safe while ``ordered`` holds them.
    assessed_by: dict[tuple[str, int], tuple[tuple[str, str, str], ...]] = {}
    days = [local_date(visit.observed_at) for visit in ordered]
    count = len(ordered)
    start = 0
    while start < count:
        day = days[start]
        end = start
        # Per norm assessed today: the last visit that assessed it, its outcome and severity.
        latest: dict[str, tuple[VisitLetters, str, str]] = {}
        while end < count and days[end] == day:
            visit = ordered[end]
            key = (visit.letters, id(visit.norms))
            assessed = assessed_by.get(key)
            if assessed is None:
                assessed = assessed_by[key] = tuple(
                    (norm, *_DECODED[letter])
                    for norm, letter in zip(visit.norms, visit.letters, strict=True)
                    if letter != _SKIP
                )
            at = visit.observed_at
            for norm, outcome, severity in assessed:
                if outcome == FAIL:
                    failing.setdefault(norm, at)
                else:
                    failing.pop(norm, None)
                latest[norm] = (visit, outcome, severity)
            end += 1
        for norm, (visit, outcome, severity) in latest.items():
            since = failing.get(norm) if outcome == FAIL else None
            # norm, outcome, severity, value, threshold, critical, last_assessed, visit, since
            tracks[norm] = NormTrack(
                norm, outcome, severity, None, None, False, visit.observed_at, visit.id, since
            )
        following = days[end] if end < len(ordered) else None
        yield day, ordered[start:end], tracks, following
        start = end
