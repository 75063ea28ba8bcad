"""Each location's GeoJSON feature, serialised when its picture or the location is written.

The GeoJSON export of today's picture is the stored features concatenated
(``inspection.picture.features``). A feature is made from the location's
columns and its picture row (``location_state``) by ``geodata.features``,
byte for byte what ``geodata.exports.to_geojson`` writes for that location,
with real code, name and point and ``masked: false``: the variant a
coordinator sees. Whoever may not see a confidential location as it is gets
that feature patched on reading to ``masked: true`` (few locations are
confidential, and their generalised point depends on the other locations of
the municipality, so it is not stored).

Written by ``location_state.write_pictures`` (submissions, late arrivals,
rescoring, a new day overtaking a picture) and ``refresh_features``
(location edits). Each stored feature records the location's ``updated_at``
it was made with: a reader that finds a newer location makes it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from geodata.features import LOCATION_PROPERTIES, feature, iso_time
from inspection.models import Location, LocationPicture, NormSet
from inspection.vocabulary import AMSTERDAM, NOT_INSPECTED

# What a feature needs of its location.
FEATURE_LOCATION_COLUMNS = (
    Location.id,
    *(getattr(Location, name) for name in LOCATION_PROPERTIES),
    Location.latitude,
    Location.longitude,
    Location.updated_at,
)
# What a feature needs of a stored picture.
FEATURE_PICTURE_COLUMNS = (
    LocationPicture.location_id,
    LocationPicture.status,
    LocationPicture.overall,
    LocationPicture.coverage,
    LocationPicture.latest_observed_at,
    LocationPicture.children_present,
    LocationPicture.failed_norms,
    LocationPicture.critical_norms,
    LocationPicture.failing_since,
    LocationPicture.norm_set_id,
)
# Locations per query.
_CHUNK = 500
# Where a stored feature cannot be served: none stored, or made before its location last changed.
STALE = or_(
    LocationPicture.feature.is_(None),
    LocationPicture.location_updated_at.is_distinct_from(Location.updated_at),
)


def served_feature() -> Any:
    """The stored feature where it may be served (``STALE``: not), else NULL."""
    return case((STALE, None), else_=LocationPicture.feature)


def features_by_key(
    session: Session, rows: Iterable[tuple[Any, int, bytes | None]]
) -> dict[Any, bytes]:
    """Features by key from rows of (key, location id, ``served_feature()``): those it gives
    as stored, the others (NULL) made again from their location as it is now."""
    read: dict[Any, bytes] = {}
    remake: dict[int, Any] = {}
    for key, location_id, body in rows:
        if body is None:
            remake[location_id] = key
        else:
            read[key] = bytes(body)
    if remake:
        made = stored_features(session, list(remake))
        read.update((key, made[location_id]["feature"]) for location_id, key in remake.items())
    return read


def digest(body: bytes) -> bytes:
    """The digest kept with a feature: what today's GeoJSON knows it by (``picture.as_stored``)."""
    return hashlib.blake2b(body, digest_size=16).digest()


def location_feature(
    location: Any, picture: Mapping[str, Any] | None, norm_set: str | None
) -> bytes:
    """The feature of ``location`` (a row of ``FEATURE_LOCATION_COLUMNS``).

    ``picture`` holds the columns of its ``location_pictures`` row (None: not
    inspected); ``norm_set`` names that row's version (``catalogue/version``).
    """
    values = {name: getattr(location, name) for name in LOCATION_PROPERTIES}
    point = (location.longitude, location.latitude)
    if picture is None:
        shown: dict[str, Any] = {
            "status": NOT_INSPECTED,
            "overall": None,
            "coverage": None,
            "observed_at": None,
            "children_present": None,
            "failed_norms": None,
            "critical_norms": None,
            "failing_since": None,
            "norm_set": None,
        }
    else:
        shown = {
            "status": picture["status"],
            "overall": picture["overall"],
            "coverage": picture["coverage"],
            "observed_at": iso_time(picture["latest_observed_at"], AMSTERDAM),
            "children_present": picture["children_present"],
            "failed_norms": list(picture["failed_norms"]),
            "critical_norms": list(picture["critical_norms"]),
            "failing_since": iso_time(picture["failing_since"], AMSTERDAM),
            "norm_set": norm_set,
        }
    return feature(point, values, shown)


def feature_columns(location: Any, picture: Mapping[str, Any], norm_set: str) -> dict[str, Any]:
    """The feature columns of a ``location_pictures`` row."""
    body = location_feature(location, picture, norm_set)
    return {
        "feature": body,
        "feature_digest": digest(body),
        "location_updated_at": location.updated_at,
    }


def add_features(session: Session, picture_rows: list[dict[str, Any]]) -> None:
    """Give ``location_pictures`` rows about to be written their feature columns (in place)."""
    if not picture_rows:
        return
    locations = _locations(session, [row["location_id"] for row in picture_rows])
    names = _norm_set_names(session, {row["norm_set_id"] for row in picture_rows})
    for row in picture_rows:
        row.update(feature_columns(locations[row["location_id"]], row, names[row["norm_set_id"]]))


def refresh_features(session: Session, location_ids: Iterable[int]) -> None:
    """Make the stored features of these locations again (after the locations changed).

    In the caller's transaction, after the change is flushed.
    """
    ids = sorted(set(location_ids))
    for start in range(0, len(ids), _CHUNK):
        made = stored_features(session, ids[start : start + _CHUNK], pictured_only=True)
        if made:
            session.execute(
                update(LocationPicture),
                [{"location_id": key, **columns} for key, columns in made.items()],
            )


def stored_features(
    session: Session, location_ids: list[int], *, pictured_only: bool = False
) -> dict[int, dict[str, Any]]:
    """The feature columns of these locations, made from what is stored about them now.

    For a location without a picture (not inspected) as well, unless
    ``pictured_only``.
    """
    locations = _locations(session, location_ids)
    pictures = {
        row.location_id: row._asdict()
        for row in session.execute(
            select(*FEATURE_PICTURE_COLUMNS).where(LocationPicture.location_id.in_(location_ids))
        )
    }
    names = _norm_set_names(session, {p["norm_set_id"] for p in pictures.values()})
    made: dict[int, dict[str, Any]] = {}
    for key, location in locations.items():
        picture = pictures.get(key)
        if picture is None:
            if pictured_only:
                continue
            body = location_feature(location, None, None)
            made[key] = {"feature": body, "feature_digest": digest(body)}
        else:
            made[key] = feature_columns(location, picture, names[picture["norm_set_id"]])
    return made


def _locations(session: Session, location_ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(location_ids), _CHUNK):
        chunk = location_ids[start : start + _CHUNK]
        found.update(
            (row.id, row)
            for row in session.execute(
                select(*FEATURE_LOCATION_COLUMNS).where(Location.id.in_(chunk))
            )
        )
    return found


def _norm_set_names(session: Session, norm_set_ids: set[int]) -> dict[int, str]:
    if not norm_set_ids:
        return {}
    rows = session.execute(
        select(NormSet.id, NormSet.catalogue, NormSet.version).where(NormSet.id.in_(norm_set_ids))
    )
    return {key: f"{catalogue}/{version}" for key, catalogue, version in rows}


def outdated(feature_made_for: datetime | None, location_updated_at: datetime | None) -> bool:
    """Whether a stored feature was made before its location last changed (or never)."""
    return feature_made_for is None or feature_made_for != location_updated_at
