"""A location's picture on every day: the days it changes, each with the picture from then on.

The picture of a day (``picture``) changes only on three kinds of days: a day
with a visit, a day on which an outcome goes stale (``Picture.stale_on``) and
a day on which another norm set version comes into force. Between two such
days it stays as it is. ``picture_days`` walks a location's visits once, in
picture order, and yields the picture on each day it may have changed;
the picture of any day is then that of the latest such day on or before it.
A store that keeps these rows answers a past day with one lookup per
location instead of folding every visit again.

``days_from`` does the same from tracks already folded, for a location whose
newest visit is its latest: the days before that visit's do not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .letter_days import VisitLetters
from .model import NormSetDocument
from .picture import NormTrack, Picture, VisitResults, folded_days, picture_from_tracks


@dataclass(frozen=True, slots=True)
class DayPicture:
    """The picture from ``day`` on, and the latest visit observed by the end of ``day``."""

    day: dt.date
    picture: Picture
    latest: VisitResults | VisitLetters


def picture_days(
    visits: Iterable[VisitResults],
    location_type: str,
    document_on: Callable[[dt.date], NormSetDocument],
    switch_days: Sequence[dt.date],
    since: dt.date | None = None,
) -> list[DayPicture]:
    """Every day from the first visit on where the picture may differ from the day before.

    ``document_on(day)`` is the version in force on ``day``; ``switch_days``
    the days versions come into force, in order. A day whose picture equals the day
    before's is left out unless a visit was observed on it or a version came
    into force. The last row holds for ever after. ``since`` (a day with a
    visit) leaves out the days before it: the visits before it are folded,
    no picture is made for them.
    """
    return days_of(folded_days(visits), location_type, document_on, switch_days, since)


def days_of(
    folded: Iterable[
        tuple[dt.date, Sequence[VisitResults | VisitLetters], dict[str, NormTrack], dt.date | None]
    ],
    location_type: str,
    document_on: Callable[[dt.date], NormSetDocument],
    switch_days: Sequence[dt.date],
    since: dt.date | None = None,
) -> list[DayPicture]:
    """As ``picture_days``, from visits already folded by day (``folded_days`` or
    ``letter_days.folded_letter_days``)."""
    days: list[DayPicture] = []
    for day, visits_of_day, tracks, until in folded:
        if since is not None and day < since:
            continue
        latest = visits_of_day[-1]
        days.extend(days_from(tracks, latest, day, until, location_type, document_on, switch_days))
    return days


def days_from(
    tracks: dict[str, NormTrack],
    latest: VisitResults | VisitLetters,
    day: dt.date,
    until: dt.date | None,
    location_type: str,
    document_on: Callable[[dt.date], NormSetDocument],
    switch_days: Sequence[dt.date],
) -> list[DayPicture]:
    """The pictures from ``day`` (a visit's day) to before ``until`` (None: for ever).

    ``tracks`` are those after every visit to the end of ``day``, ``latest``
    the last of them; no visit is observed after ``day`` and before ``until``.
    """
    document = document_on(day)
    picture = picture_from_tracks(tracks, document, location_type, day, visited=True)
    days = [DayPicture(day, picture, latest)]
    while True:
        switch = next((s for s in switch_days if s > day), None)
        candidates = [d for d in (picture.stale_on, switch) if d is not None]
        if not candidates:
            return days
        day = min(candidates)
        if until is not None and day >= until:
            return days
        previous = document
        document = document_on(day)
        picture = picture_from_tracks(tracks, document, location_type, day, visited=True)
        if document is not previous or _summary(picture) != _summary(days[-1].picture):
            days.append(DayPicture(day, picture, latest))


def _summary(picture: Picture) -> tuple[object, ...]:
    return (
        picture.status,
        picture.overall,
        picture.coverage,
        picture.failed_norms,
        picture.critical_norms,
        picture.failing_since,
        picture.domains,
    )
