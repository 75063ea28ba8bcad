"""The stored features of every location joined in parts, kept at write time (``feature_parts``).

Today's GeoJSON of every location, as a coordinator sees it, is these parts
one after the other (``collection``): some hundred rows of about 60 KB for
10,000 locations, where reading a feature per location costs several times
what serialising them does. A part holds the locations from its
``first_code`` up to the next part's, in the order of the codes'
characters; its ``body`` is their features each after a comma
(``geodata.features.joined``).

Database triggers set a part's body to NULL in the statement that changes
a picture or a location in it (the migration ``b4e8f2a6c1d3``), so no
writer can leave a part that no longer holds what is stored. Writers of
pictures and locations then call ``join_changed`` before they commit: a
submission joins its location's part again (about 100 features read and
60 KB written). A reader joins a NULL part it finds for itself, without
writing it. A part that grows past twice ``PER_PART`` is split when it is
joined; one left empty is dropped (its codes fall to the part before).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.orm import Session

from geodata.features import PER_PART, collection_of, joined
from inspection.location_features import served_feature, stored_features
from inspection.models import FeaturePart, Location, LocationPicture

# The first part's lower bound: every code is at or after it.
FIRST = ""


def collection(session: Session) -> list[bytes]:
    """Today's GeoJSON of every location's stored feature, by code, in parts.

    The same bytes as the features of all locations as stored (outdated and
    missing ones made again) joined by ``geodata.features.collection_parts``.
    """
    parts = _parts(session, FeaturePart.body)
    runs = []
    for n, (first_code, body) in enumerate(parts):
        if body is None:
            following = parts[n + 1][0] if n + 1 < len(parts) else None
            body = joined([feature for _, feature in _features(session, first_code, following)])
        runs.append(bytes(body))
    return collection_of(runs)


def join_changed(session: Session) -> None:
    """Join again the parts whose locations or pictures changed (body NULL), in this transaction.

    Called by the writers of pictures and locations after their writes.
    """
    session.flush()
    # The size of each body (NULL: changed), not the body: a submission changes one part of
    # some hundred, and SQLite reads no value to give its length.
    parts = _parts(session, func.length(FeaturePart.body))
    table = FeaturePart.__table__
    first = select(table.c.first_code).where(table.c.first_code == FIRST)
    if parts[0][1] is None and session.scalar(first) is None:
        # Every code falls in some part: the first one is there whatever happened to it.
        session.execute(insert(table).values(first_code=FIRST, body=None, features=0))
    for n, (first_code, size) in enumerate(parts):
        if size is not None:
            continue
        following = parts[n + 1][0] if n + 1 < len(parts) else None
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


def _parts(session: Session, value: Any) -> list[tuple[str, Any]]:
    """The parts as (first code, ``value``), by first code; a missing first part with None."""
    rows = session.execute(select(FeaturePart.first_code, value)).all()
    # In the order of the characters, as the triggers compare codes.
    parts: list[tuple[str, Any]] = sorted(rows, key=itemgetter(0))
    if not parts or parts[0][0] != FIRST:
        parts.insert(0, (FIRST, None))
    return parts


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
    rows = session.execute(query).all()
    remake = [location_id for _, location_id, body in rows if body is None]
    made = stored_features(session, remake) if remake else {}
    features = [
        (code, bytes(body) if body is not None else made[location_id]["feature"])
        for code, location_id, body in rows
    ]
    features.sort(key=itemgetter(0))  # codes are unique
    return features


def _by_characters(session: Session, column: Any) -> ColumnElement[Any]:
    """``column`` compared in the order of its characters, as the triggers compare codes."""
    if session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column
