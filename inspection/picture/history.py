"""The picture of an earlier day, computed from the outcome letters the visits keep.

The pictures kept at write time are today's. For ``as_of`` a past day, every
location's picture is made again from its visits observed by the end of that
day, by the rules of ``engine.picture`` (tested to agree with it), but over
all visits at once: each visit's outcomes are one short text
(``Inspection.outcomes``, a letter per norm), which become one row of a
matrix of visits by norms, and numpy finds per location and norm the latest
assessment, the start of the current run of failures and whether it is
stale.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, String, cast, func, select

from inspection.db import db, driver_rows
from inspection.engine import NormSetDocument, end_of_local_day, outcome_letters
from inspection.engine.picture import FAIL_LETTERS
from inspection.engine.scoring import MIN_COVERAGE, percentage, score_weight
from inspection.location_state import norm_set_for
from inspection.models import Inspection, Location, NormSet
from inspection.norm_sets import compiled
from inspection.vocabulary import (
    AMSTERDAM,
    BELOW_NORM,
    CRITICAL,
    INCOMPLETE,
    MEETS_NORMS,
    NOT_INSPECTED,
)

LOCATION_COLUMNS = (
    Location.id,
    Location.code,
    Location.name,
    Location.type,
    Location.municipality,
    Location.province,
    Location.capacity,
    Location.confidential,
    Location.active,
    Location.latitude,
    Location.longitude,
)
PICTURE_COLUMNS = (
    "status",
    "overall",
    "coverage",
    "observed_at",
    "children_present",
    "failed_norms",
    "critical_norms",
    "failing_since",
    "catalogue",
    "version",
)

_P, _N, _U = (ord(letter) for letter in "PNU")
_CRITICAL, _MAJOR, _MINOR = (ord(FAIL_LETTERS[s]) for s in ("critical", "major", "minor"))
# Rounds of looking further back for the latest visit that counted the children.
CHILDREN_ROUNDS = 4
_CHUNK = 900


def history_rows(as_of: date) -> pd.DataFrame:
    """Every location with its picture at the end of the local day ``as_of``.

    The columns of ``query.picture_query``: the location's, then
    ``PICTURE_COLUMNS``.
    """
    result = db.session.execute(select(*LOCATION_COLUMNS).order_by(Location.id))
    locations = pd.DataFrame.from_records(result.all(), columns=list(result.keys()))
    norm_set = norm_set_for(as_of)
    pictures = _pictures(as_of, norm_set, locations) if norm_set is not None else None
    if pictures is None:
        pictures = pd.DataFrame({"id": pd.Series([], dtype="int64")})
    table = locations.merge(pictures, on="id", how="left")
    for column in PICTURE_COLUMNS:
        if column not in table:
            table[column] = None
    table["status"] = table["status"].fillna(NOT_INSPECTED)
    return table


def _pictures(as_of: date, norm_set: NormSet, locations: pd.DataFrame) -> pd.DataFrame | None:
    document = compiled(norm_set)
    visits = _visits(end_of_local_day(as_of))
    if visits is None:
        return None
    location, micros, letters_by_set, keys = visits
    codes = [norm.code for norm in document.norms]
    letters = _matrix(letters_by_set, codes, len(location))
    n, k = letters.shape
    starts = np.flatnonzero(np.r_[True, location[1:] != location[:-1]])
    ends = np.r_[starts[1:], n] - 1
    group_of_row = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    rows = np.arange(n, dtype=np.int32)[:, None]

    # Per location and norm: the latest visit that assessed it.
    assessed = letters != _U
    last = np.maximum.reduceat(np.where(assessed, rows, -1), starts, axis=0)
    has = last >= 0
    current = np.where(has, letters[np.where(has, last, 0), np.arange(k)], _U)
    day_of_row = _local_days(micros)
    age = _day_number(as_of) - day_of_row[np.where(has, last, 0)]
    stale = has & (age > document.stale_after_days)

    # The first failure after the last pass or not-applicable (unanswered does not count).
    failed_letter = (letters == _CRITICAL) | (letters == _MAJOR) | (letters == _MINOR)
    breaks = (letters == _P) | (letters == _N)
    last_break = np.maximum.reduceat(np.where(breaks, rows, -1), starts, axis=0)
    after_break = rows > last_break[group_of_row]
    first_failure = np.minimum.reduceat(
        np.where(failed_letter & after_break, rows, n), starts, axis=0
    )

    ids = locations["id"].to_numpy()
    types = locations["type"].to_numpy()
    location_ids = location[starts]
    type_of = dict(zip(ids.tolist(), types.tolist(), strict=True))
    kinds = sorted(set(types.tolist()))
    rows_of_kind = [kinds.index(type_of[i]) for i in location_ids.tolist()]
    applies = _applies(document, kinds)[rows_of_kind]
    valid = has & ~stale & applies
    counted = valid & (current != _N)
    unanswered = applies & ~(has & ~stale)
    passed = counted & (current == _P)
    failed = counted & ~passed

    weights, domain_matrix = _weights(document)
    pass_by_domain = (passed * weights) @ domain_matrix
    assessed_by_domain = (counted * weights) @ domain_matrix
    overall = _percentages(pass_by_domain.sum(axis=1), assessed_by_domain.sum(axis=1))
    answered = counted.sum(axis=1)
    coverage = _percentages(answered, answered + unanswered.sum(axis=1))
    any_critical = (failed & (current == _CRITICAL)).any(axis=1)
    any_major = (failed & (current == _MAJOR)).any(axis=1)
    low = np.array([c is None or c < MIN_COVERAGE for c in coverage])
    status = np.select(
        [any_critical, any_major, low], [CRITICAL, BELOW_NORM, INCOMPLETE], MEETS_NORMS
    )

    code_array = np.array(codes, dtype=object)
    never = np.iinfo(np.int64).max
    since = np.where(failed, micros[np.minimum(first_failure, n - 1)], never)
    earliest = since.min(axis=1)
    return pd.DataFrame(
        {
            "id": location_ids,
            "status": status,
            "overall": overall,
            "coverage": coverage,
            "observed_at": _times(micros[ends]),
            "children_present": _children(keys, starts, ends),
            "failed_norms": [code_array[row].tolist() for row in failed],
            "critical_norms": [code_array[row].tolist() for row in failed & (current == _CRITICAL)],
            "failing_since": _times(np.where(earliest < never, earliest, np.nan)),
            "catalogue": norm_set.catalogue,
            "version": norm_set.version,
        }
    )


Visits = tuple[np.ndarray, np.ndarray, dict[int, tuple[np.ndarray, list[str]]], np.ndarray]


def _visits(end: datetime) -> Visits | None:
    """Every visit observed by ``end`` in picture order: location, instant (µs), letters, ids."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite keeps UTC times as text ('2026-11-20 09:15:00.000000'): pandas parses them all.
        moment = cast(Inspection.observed_at, String)
    else:
        moment = cast(func.extract("epoch", Inspection.observed_at) * 1_000_000, BigInteger)
    # Through the driver's cursor: SQLAlchemy's rows would cost a third more for 100,000s.
    _, rows = driver_rows(
        select(
            Inspection.location_id,
            moment,
            Inspection.norm_set_id,
            Inspection.outcomes,
            Inspection.id,
        )
        .where(Inspection.observed_at <= end)
        .order_by(Inspection.location_id, Inspection.observed_at, Inspection.id)
    )
    if not rows:
        return None
    location, moments, norm_set_ids, letters, keys = (
        list(column) for column in zip(*rows, strict=True)
    )
    missing = [i for i, text in enumerate(letters) if text is None]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        results = dict(
            db.session.execute(
                select(Inspection.id, Inspection.results).where(
                    Inspection.id.in_([keys[i] for i in chunk])
                )
            ).all()
        )
        for i in chunk:
            letters[i] = outcome_letters(results[keys[i]])
    sets = np.array(norm_set_ids)
    by_set = {}
    for norm_set_id in np.unique(sets).tolist():
        positions = np.flatnonzero(sets == norm_set_id)
        by_set[norm_set_id] = (positions, [letters[i] for i in positions.tolist()])
    if isinstance(moments[0], str):
        micros = pd.to_datetime(pd.Series(moments), format="ISO8601").to_numpy()
        micros = micros.astype("datetime64[us]").astype(np.int64)
    else:
        micros = np.array(moments, dtype=np.int64)
    return (
        np.array(location, dtype=np.int64),
        micros,
        by_set,
        np.array(keys, dtype=object),
    )


def _matrix(
    letters_by_set: dict[int, tuple[np.ndarray, list[str]]], codes: list[str], n: int
) -> np.ndarray:
    """Visits by the norms of ``codes``, one letter each; ``U`` where a visit's set lacks one."""
    index = {code: j for j, code in enumerate(codes)}
    matrix = np.full((n, len(codes)), _U, dtype=np.uint8)
    for norm_set_id, (positions, texts) in letters_by_set.items():
        norm_set = db.session.get(NormSet, norm_set_id)
        own = [norm.code for norm in compiled(norm_set).norms]
        width = len(own)
        source = [i for i, code in enumerate(own) if code in index]
        target = [index[own[i]] for i in source]
        fits = np.array([len(text) == width for text in texts])
        if not fits.all():
            raise ValueError(f"outcome letters of norm set {norm_set_id} do not fit its norms")
        block = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(-1, width)
        matrix[np.ix_(positions, target)] = block[:, source]
    return matrix


def _applies(document: NormSetDocument, kinds: list[str]) -> np.ndarray:
    """Per location type of ``kinds``, which norms apply."""
    return np.array([[kind in norm.applies_to for norm in document.norms] for kind in kinds])


def _weights(document: NormSetDocument) -> tuple[np.ndarray, np.ndarray]:
    weights = np.array([float(score_weight(norm)) for norm in document.norms])
    domains = [domain.code for domain in document.domains]
    matrix = np.zeros((len(document.norms), len(domains)))
    for j, norm in enumerate(document.norms):
        matrix[j, domains.index(norm.domain)] = 1.0
    return weights, matrix


def _percentages(parts: np.ndarray, wholes: np.ndarray) -> list[float | None]:
    """``engine.percentage`` per pair, computed once per distinct pair."""
    cache: dict[tuple[float, float], float | None] = {}
    out = []
    for part, whole in zip(parts.tolist(), wholes.tolist(), strict=True):
        key = (part, whole)
        if key not in cache:
            cache[key] = percentage(_exact(part), _exact(whole))
        out.append(cache[key])
    return out


def _exact(number: float) -> int | Decimal:
    # Sums of weights as the engine makes them: integers stay integers.
    return int(number) if float(number).is_integer() else Decimal(repr(round(number, 9)))


def _local_days(micros: np.ndarray) -> np.ndarray:
    """The Europe/Amsterdam day number (days since 1970-01-01) of each instant."""
    local = pd.to_datetime(micros, unit="us", utc=True).tz_convert(AMSTERDAM).tz_localize(None)
    return local.to_numpy().astype("datetime64[D]").astype(np.int64)


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _times(micros: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(micros, unit="us", utc=True))


def _children(keys: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[int | None]:
    """Per location, the children counted by its latest visit that counted them."""
    found: list[int | None] = [None] * len(starts)
    position = ends.copy()
    pending = np.arange(len(starts))
    for _ in range(CHILDREN_ROUNDS):
        if not len(pending):
            break
        wanted = {keys[position[g]]: g for g in pending.tolist()}
        values: dict[str, Any] = {}
        ids = list(wanted)
        for start in range(0, len(ids), _CHUNK):
            values.update(
                db.session.execute(
                    select(Inspection.id, Inspection.answers["children_present"].as_float()).where(
                        Inspection.id.in_(ids[start : start + _CHUNK])
                    )
                ).all()
            )
        still = []
        for key, group in wanted.items():
            if values.get(key) is not None:
                found[group] = int(values[key])
            elif position[group] > starts[group]:
                position[group] -= 1
                still.append(group)
        pending = np.array(still, dtype=np.int64)
    return found
