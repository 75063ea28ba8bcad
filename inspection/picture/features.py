"""Today's picture as GeoJSON from the features kept at write time: read, patch a few, concatenate.

The same bytes as ``geodata.exports.to_geojson`` of ``location_picture``
(tests compare them for every role and filter), without a frame or a
feature dict per location: each location's feature was serialised when its
picture or the location was written (``inspection.location_features``).
Here only what depends on the reader is done: which locations (scope and
filters, in SQL but for ``domain``), confidential locations generalised and
masked for every role but coordinator (``inspection.confidentiality``), and
the order by the code shown. A coordinator asking for every location gets
the parts ``inspection.feature_parts`` joined at write time; whoever else
gets every feature as stored (a coordinator's selection, or one without a
confidential location) and asks for no ``domain`` gets them as
``inspection.picture.as_stored`` keeps them; the rest are read here. The
ETag is made from the request's inputs (``inspection.exports``), so no
digest is read or made here.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import pandas as pd
from sqlalchemy import String, case, cast, select

from geodata.features import collection_parts, masked
from inspection.confidentiality import (
    MASKED_CODE_PREFIX,
    MASKED_NAME,
    generalised_positions,
    shows_real_positions,
)
from inspection.db import db
from inspection.feature_parts import collection
from inspection.location_features import STALE, stored_features
from inspection.location_state import bring_up_to_date
from inspection.models import Location, LocationPicture, User
from inspection.picture.as_stored import parts_as_stored, sees_as_stored, selection
from inspection.picture.query import code_lists, driver_rows, norm_domains
from inspection.picture.service import PictureFilter


def geojson_of_today(user: User, filters: PictureFilter) -> list[bytes]:
    """Today's picture of the locations ``user`` may see, as GeoJSON in parts.

    The parts joined equal ``to_geojson(location_picture(user=user, filters=filters))``.
    """
    bring_up_to_date(db.session)
    conditions = selection(user, filters)
    if not filters.domain and not conditions and shows_real_positions(user):
        # Every location as stored: the parts kept at write time.
        return collection(db.session)
    if not filters.domain and sees_as_stored(user, conditions):
        parts = parts_as_stored(conditions)
        if parts is not None:
            return parts
    return collection_parts(features_as_seen(user, filters, conditions))


def features_as_seen(user: User, filters: PictureFilter, conditions: list[Any]) -> list[bytes]:
    """The features of the selection, confidential ones masked unless ``user`` sees them."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    real = shows_real_positions(user)
    # One row per location, with no more columns than most rows need: for 10,000 rows the
    # driver's values cost more than the features' bytes, about a millisecond a column.
    # Most rows need the code (the order) and the feature; the id comes only where the
    # feature must be made again (``STALE``) or masked for this reader (a confidential
    # location, with its municipality).
    columns: list[Any] = [Location.code, LocationPicture.feature, case((STALE, Location.id))]
    if not real:
        columns.append(case((Location.confidential, Location.id)))
        columns.append(case((Location.confidential, Location.municipality)))
    if filters.domain:
        # SQLite's driver gives JSON as text anyway; as text, the lists are split at once.
        failed = LocationPicture.failed_norms
        columns.append(cast(failed, String) if sqlite else failed)
    query = (
        select(*columns)
        .outerjoin(LocationPicture, LocationPicture.location_id == Location.id)
        .where(*conditions)
    )
    _, rows = driver_rows(query)
    if filters.domain:
        rows = _failing_in(rows, filters.domain, sqlite)

    remake = [row[2] for row in rows if row[2] is not None]
    if remake:
        made = stored_features(db.session, remake)
        rows = [
            row if row[2] is None else (row[0], made[row[2]]["feature"], None, *row[3:])
            for row in rows
        ]
    secret = [] if real else [row for row in rows if row[3] is not None]
    if not secret:
        rows.sort(key=itemgetter(0))  # codes are unique
        return [row[1] for row in rows]
    positions = generalised_positions()
    shown = {}
    for _, body, _, key, municipality, *_ in secret:
        place = positions.get(municipality)
        point = None if place is None or None in place else (place[1], place[0])
        masked_code = f"{MASKED_CODE_PREFIX}{key}"
        shown[key] = (masked_code, masked(body, masked_code, MASKED_NAME, point))
    entries = [
        (*shown[row[3]], row[0]) if row[3] is not None else (row[0], row[1], row[0]) for row in rows
    ]
    # Masked rows go by the code shown, then the real one: their place must not hint at it.
    entries.sort(key=itemgetter(0, 2))
    return [entry[1] for entry in entries]


def _failing_in(rows: list[tuple[Any, ...]], domain: str, sqlite: bool) -> list[tuple[Any, ...]]:
    """The rows whose picture fails a norm of ``domain`` (their last column: the failed norms)."""
    in_domain = norm_domains()
    lists = [row[-1] for row in rows]
    if sqlite:
        lists = code_lists(pd.Series(lists, dtype=object))
    return [
        row
        for row, codes in zip(rows, lists, strict=True)
        if codes and any(in_domain.get(code) == domain for code in codes)
    ]
