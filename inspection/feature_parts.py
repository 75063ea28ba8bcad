"""The stored features of every location joined in parts, kept at write time (``feature_parts``).

Today's GeoJSON of every location, as a coordinator sees it, is these parts
one after the other (``collection``): some hundred rows of about 60 KB for
10,000 locations, where reading a feature per location costs several times
what serialising them does. A part holds the locations from its
``first_code`` up to the next part's, in the order of the codes'
characters; its ``body`` is their features each after a comma
(``geodata.features.joined``).

Database triggers name in ``feature_part_changes`` the code of every
location whose row or picture a statement changes (the migration
``b4e8f2a6c1d3``), so no writer can leave a part behind what is stored
unnoticed. The writers of pictures and locations then call
``join_changed`` before they commit: a submission joins its location's part
again (about 100 features read and 60 KB written) and removes the names it
handled. A reader joins for itself, in memory, a part with a change named.

The triggers only add rows, so writers never wait for each other on them.
One transaction at a time joins parts (PostgreSQL: a lock that a writer
takes only if it is free, else it leaves the joining to the next); it
alone splits a part that grew past twice ``PER_PART`` and drops one left
empty (its codes fall to the part before), so the bounds a trigger's code
falls within change under no one else's hands.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from geodata.features import PER_PART, collection_of, joined
from inspection.location_features import features_by_key, served_feature
from inspection.locks import hold_if_free
from inspection.models import FeaturePart, FeaturePartChange, Location, LocationPicture

# The first part's lower bound: every code is at or after it.
FIRST = ""
# The lock of whoever joins parts (``locks.hold_if_free``).
JOINING = "feature-parts"
# Change rows removed per statement.
_IDS = 5000


def collection(session: Session) -> list[bytes]:
    """Today's GeoJSON of every location's stored feature, by code, in parts.

    The same bytes as the features of all locations as stored (outdated and
    missing ones made again) joined by ``geodata.features.collection_parts``.
    """
    # The parts and the changes named since, as of one moment.
    kind = literal(0).label("kind")
    rows = session.execute(
        union_all(
            select(FeaturePart.first_code, FeaturePart.body, kind),
            select(FeaturePartChange.code, cast(null(), LargeBinary), literal(1)),
        )
    ).all()
    parts = _sorted([(code, body) for code, body, named in rows if not named])
    stale = _stale(parts, (code for code, _, named in rows if named))
    runs = []
    for n, (_, body) in enumerate(parts):
        if n in stale:
            body = joined([feature for _, feature in _features(session, *_bounds(parts, n))])
        runs.append(bytes(body))
    return collection_of(runs)


def join_changed(session: Session) -> None:
    """Join again the parts with a change named (or never joined), in this transaction.

    Called by the writers of pictures and locations after their writes. On
    PostgreSQL, when another transaction is joining parts now, this one
    leaves its changes named for the next writer (readers join them meanwhile).
    """
    session.flush()
    if not hold_if_free(JOINING):
        return
    changes = session.execute(select(FeaturePartChange.id, FeaturePartChange.code)).all()
    # The size of each body (NULL: never joined), not the body: SQLite reads none to say.
    parts = _sorted(session.execute(select(FeaturePart.first_code, func.length(FeaturePart.body))))
    stale = _stale(parts, (code for _, code in changes))
    if not stale:
        return
    table = FeaturePart.__table__
    if parts[0][1] is None and session.get(FeaturePart, FIRST) is None:
        # Every code falls in some part: the first one is there whatever happened to it.
        session.execute(insert(table).values(first_code=FIRST, body=None, features=0))
    for n in sorted(stale):
        first_code, following = _bounds(parts, n)
        features = _features(session, first_code, following)
        if not features and first_code != FIRST:
            session.execute(delete(table).where(table.c.first_code == first_code))
            continue
        for index, run in enumerate(_split(features)):
            values = {"body": joined([feature for _, feature in run]), "features": len(run)}
            if index == 0:
                session.execute(
                    update(table).where(table.c.first_code == first_code).values(values)
                )
            else:
                session.execute(insert(table).values(first_code=run[0][0], **values))
    ids = [key for key, _ in changes]
    for start in range(0, len(ids), _IDS):
        session.execute(
            delete(FeaturePartChange).where(FeaturePartChange.id.in_(ids[start : start + _IDS]))
        )


def _sorted(rows: Iterable[Any]) -> list[tuple[str, Any]]:
    """Parts as (first code, value) in the order of the characters, as the triggers compare
    codes; a missing first part as (``FIRST``, None)."""
    parts: list[tuple[str, Any]] = sorted(
        ((code, value) for code, value in rows), key=itemgetter(0)
    )
    if not parts or parts[0][0] != FIRST:
        parts.insert(0, (FIRST, None))
    return parts


def _stale(parts: Sequence[tuple[str, Any]], codes: Iterable[str]) -> set[int]:
    """The positions of the parts never joined (None) or holding one of ``codes``."""
    bounds = [first_code for first_code, _ in parts]
    stale = {n for n, (_, value) in enumerate(parts) if value is None}
    stale.update(max(bisect_right(bounds, code) - 1, 0) for code in codes)
    return stale


def _bounds(parts: Sequence[tuple[str, Any]], n: int) -> tuple[str, str | None]:
    """The first code of part ``n`` and of the part after it (None: the last part)."""
    return parts[n][0], parts[n + 1][0] if n + 1 < len(parts) else None


def _split(features: list[tuple[str, bytes]]) -> list[list[tuple[str, bytes]]]:
    """A part's features as one run, or in runs of ``PER_PART`` when it grew past twice that."""
    if len(features) <= 2 * PER_PART:
        return [features]
    return [features[start : start + PER_PART] for start in range(0, len(features), PER_PART)]


def _features(session: Session, first: str, following: str | None) -> list[tuple[str, bytes]]:
    """(code, feature) of the locations from code ``first`` up to ``following``, by code."""
    code = _by_characters(session, Location.code)
    where = [code >= first] if following is None else [code >= first, code < following]
    query = (
        select(Location.code, Location.id, served_feature())
        .select_from(Location)
        .outerjoin(LocationPicture, LocationPicture.location_id == Location.id)
        .where(*where)
    )
    # Codes are unique: a location's key.
    return sorted(features_by_key(session, session.execute(query).all()).items())


def _by_characters(session: Session, column: Any) -> ColumnElement[Any]:
    """``column`` compared in the order of its characters, as the parts' bounds are."""
    if session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column
