"""Today's GeoJSON for a reader who sees each feature as stored: keys in code order, parts kept.

The coordinator sees confidential locations as they are, and so does a
reader whose selection holds none: every feature they get is the stored one,
in the order of the locations' codes. For 10,000 locations, reading the
features (6 MB) through the sqlite3 driver costs more than all else a
request does, and after a submission all but one are what the process read
before. So one query walks the selection in code order and gives one short
key a location (``_KEY``): SQLite walks ``locations`` by an index of (code,
updated_at) and finds each key in an index of ``location_pictures`` that
holds it, never visiting the rows with their features. The body is sent in
parts of ``PER_PART`` features (``geodata.features.collection_part``), and
each part is kept per process under the keys of its features: a part whose
keys are unchanged is sent as it is, and only the others are made, from the
features read by their digest.

A key names the bytes of one location's feature: the digest of a feature
that may be served as stored (``location_features.digest``, written with
it: a feature is known by its digest), or ``id!updated_at`` for one that
must be made again (none stored, or made before its location last changed),
which then depends on the location alone. After a submission its picture
holds a new feature already, so the latter are the locations never inspected
and those changed behind the service's back.
"""

from __future__ import annotations

import typing
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, LargeBinary, Select, String, case, cast, func, or_, select

from geodata.features import PER_PART, collection_part, finished
from inspection.cache import app_cache
from inspection.confidentiality import shows_real_positions
from inspection.db import db, driver_rows
from inspection.location_features import features_by_key, served_feature, stored_features
from inspection.models import Location, LocationPicture, User
from inspection.picture.service import PictureFilter
from inspection.scope import location_clause
from inspection.vocabulary import MANAGER, NOT_INSPECTED

# The same from the index that holds the keys: the digest is written with the feature.
_STALE_KEY = or_(
    LocationPicture.feature_digest.is_(None),
    LocationPicture.location_updated_at.is_distinct_from(Location.updated_at),
)
# A feature served as stored goes by its 16-byte digest, one to be made by ``id!updated_at``
# (longer). As bytes on both databases: SQLite's || gives text, and PostgreSQL's CASE wants
# one type.
_KEY = case(
    (
        _STALE_KEY,
        cast(cast(Location.id, String) + "!" + cast(Location.updated_at, String), LargeBinary),
    ),
    else_=LocationPicture.feature_digest,
)
_DIGEST_SIZE = 16
_KEY_INDEX = "ix_location_pictures_feature_key"
# Parts kept per process: some 60 KB each, a whole collection of 10,000 locations in 100.
KEPT_PARTS = 300
# Features per query when they are read by their digest.
_CHUNK = 500


def selection(user: User, filters: PictureFilter) -> list[ColumnElement[bool]]:
    """The conditions on a location and its picture for what ``user`` may see and asked for.

    All filters but ``domain``, which is decided on the failed norms in Python.
    """
    conditions: list[ColumnElement[bool]] = []
    if user.role == MANAGER:
        conditions.append(location_clause(user))
    if filters.type:
        conditions.append(Location.type == filters.type)
    if filters.province:
        conditions.append(Location.province == filters.province)
    if filters.statuses:
        status = func.coalesce(LocationPicture.status, NOT_INSPECTED)
        conditions.append(status.in_(sorted(filters.status_set())))
    return conditions


def sees_as_stored(user: User, conditions: list[ColumnElement[bool]]) -> bool:
    """Whether every feature of the selection goes to ``user`` as stored (none masked)."""
    if shows_real_positions(user):
        return True
    secret = _located(select(Location.id)).where(Location.confidential.is_(True), *conditions)
    return db.session.execute(secret.limit(1)).first() is None


def parts_as_stored(conditions: list[ColumnElement[bool]]) -> list[bytes] | None:
    """The GeoJSON of the selected locations' features as stored, in parts, by code.

    None if a feature changed between the walk and its reading (a write at
    that moment): then it is read another way.
    """
    walk = _located(select(_KEY)).where(*conditions).order_by(Location.code)
    # Else SQLite looks each key up in the table, whose rows carry the features.
    _, rows = driver_rows(walk.with_hint(LocationPicture, f"INDEXED BY {_KEY_INDEX}", "sqlite"))
    keys: list[bytes] = list(map(itemgetter(0), rows))
    blocks = [
        (start == 0, tuple(keys[start : start + PER_PART]))
        for start in range(0, len(keys), PER_PART)
    ]
    kept = app_cache("stored_parts", KEPT_PARTS)
    parts: list[bytes | None] = [kept.get(block) for block in blocks]
    missing = [n for n, part in enumerate(parts) if part is None]
    if len(missing) > len(blocks) // 2:
        # A process that has made few of them yet: every feature in one walk, not by key.
        read = _features(_located(select(_KEY, Location.id, served_feature())).where(*conditions))
    else:
        read = _read({key for n in missing for key in blocks[n][1]})
    for n in missing:
        first, block = blocks[n]
        if not all(key in read for key in block):
            return None
        parts[n] = collection_part([read[key] for key in block], first=first)
        kept.put(blocks[n], parts[n])
    return finished(typing.cast(list[bytes], parts))  # every None replaced


def _located(query: Select[Any]) -> Select[Any]:
    """``query`` over every location with its picture, if it has one."""
    return query.select_from(Location).outerjoin(
        LocationPicture, LocationPicture.location_id == Location.id
    )


def _read(keys: set[bytes]) -> dict[bytes, bytes]:
    """The features of these keys: stored ones by their digest, the others made."""
    digests = [key for key in keys if len(key) == _DIGEST_SIZE]
    read: dict[bytes, bytes] = {}
    for start in range(0, len(digests), _CHUNK):
        query = select(
            LocationPicture.feature_digest, LocationPicture.location_id, LocationPicture.feature
        ).where(LocationPicture.feature_digest.in_(digests[start : start + _CHUNK]))
        read.update(_features(query))
    # The others are made as the location is now (their key names its ``updated_at``).
    ids = {int(key.partition(b"!")[0]): key for key in keys if len(key) != _DIGEST_SIZE}
    if ids:
        made = stored_features(db.session, list(ids))
        read.update((key, made[location_id]["feature"]) for location_id, key in ids.items())
    return read


def _features(query: Select[Any]) -> dict[bytes, bytes]:
    """Features by key from rows of (key, location id, stored feature or NULL): NULL ones made."""
    return features_by_key(db.session, driver_rows(query)[1])
