"""A location's picture over time: after each visit, the picture at the end of its local day.

A visit's own score says what that visit found; a follow-up that checked three
norms scores 100 while the location still fails the norms it did not check.
The history of a location is therefore the history of its picture
(``picture``): per visit, the picture as it stood at the end of that visit's
local day, so that visits on the same day share one point of the picture.

The visits are folded once, in picture order (``picture.visit_order``), and a
picture is made once per local day that has a visit: the work grows with the
number of visits times the number of norms, not with its square as making each
point's picture afresh from all earlier visits would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import NormSetDocument
from .picture import (
    FAIL_LETTERS,
    OUTCOME_LETTERS,
    Picture,
    VisitResults,
    folded_days,
    picture_from_tracks,
)
from .rules import FAIL

_OUTCOME_OF_LETTER = {letter: outcome for outcome, letter in OUTCOME_LETTERS.items()}
_SEVERITY_OF_LETTER = {letter: severity for severity, letter in FAIL_LETTERS.items()}


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One visit and the location's picture at the end of the visit's local day."""

    visit: VisitResults
    picture: Picture


def picture_series(
    visits: Iterable[VisitResults],
    location_type: str,
    document_on: Callable[[dt.date], NormSetDocument],
) -> list[SeriesPoint]:
    """Per visit, in picture order, the location's picture at the end of its local day.

    ``document_on(day)`` is the norm set version in force on ``day`` (the one
    whose norms count in that day's picture). Each point's picture is the
    one ``current_picture`` gives for that day from the same visits.
    """
    points: list[SeriesPoint] = []
    for day, visits_of_day, tracks, _ in folded_days(visits):
        picture = picture_from_tracks(tracks, document_on(day), location_type, day, visited=True)
        points.extend(SeriesPoint(visit, picture) for visit in visits_of_day)
    return points


def results_from_letters(letters: str, norms: Sequence[str]) -> list[dict[str, Any]]:
    """A visit's results as the picture needs them, from its outcome letters.

    ``letters`` is ``outcome_letters`` of the visit's results and ``norms``
    the codes of its norm set version in document order (the order of a
    visit's results). What was found (value, threshold) is not in the
    letters: enough for a picture's scores and status, not for its failed
    norms' details.
    """
    if len(letters) != len(norms):
        raise ValueError(f"{len(letters)} outcome letters for {len(norms)} norms")
    results = []
    for norm, letter in zip(norms, letters, strict=True):
        if letter in _SEVERITY_OF_LETTER:
            results.append({"norm": norm, "outcome": FAIL, "severity": _SEVERITY_OF_LETTER[letter]})
        else:
            results.append({"norm": norm, "outcome": _OUTCOME_OF_LETTER[letter], "severity": ""})
    return results
