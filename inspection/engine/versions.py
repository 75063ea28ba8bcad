"""Which norm set version is in force for an inspection.

A version applies from its ``valid_from`` day until the next version's, and
days are LOCAL days in the Netherlands: an inspection observed at
2025-01-01T00:30+01:00 falls on 1 January though it is still 31 December in
UTC. The date an answer set was received or processed never matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

T = TypeVar("T")


@lru_cache(maxsize=8192)
def local_date(observed_at: dt.datetime) -> dt.date:
    """The Europe/Amsterdam calendar date of an aware datetime.

    Raises ``ValueError`` for a naive datetime: without an offset we cannot
    know which day it was, and guessing would pick the wrong norm set.
    Cached: a picture asks it of the same few instants for every norm and day.
    """
    if observed_at.tzinfo is None or observed_at.utcoffset() is None:
        raise ValueError("observed_at must include a UTC offset (timezone-aware datetime)")
    return observed_at.astimezone(AMSTERDAM).date()


def select_in_force(versions: Iterable[tuple[dt.date, T]], observed_at: dt.datetime) -> T | None:
    """The version with the latest ``valid_from`` on or before the local date of ``observed_at``.

    ``versions`` are ``(valid_from, version)`` pairs in any order. Returns
    ``None`` when every version starts later. Raises ``ValueError`` for a
    naive ``observed_at`` and when two versions share the ``valid_from`` that
    would be chosen, since neither could be preferred without guessing.
    """
    day = local_date(observed_at)
    best_from: dt.date | None = None
    best: T | None = None
    tie = False
    for valid_from, version in versions:
        if valid_from > day:
            continue
        if best_from is None or valid_from > best_from:
            best_from, best, tie = valid_from, version, False
        elif valid_from == best_from:
            tie = True
    if tie:
        raise ValueError(f"more than one version is valid from {best_from.isoformat()}")
    return best
