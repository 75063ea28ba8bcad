"""Today's picture as GeoJSON from the features kept at write time: read, patch a few, concatenate.

The same bytes as ``geodata.exports.to_geojson`` of ``location_picture``
(tests compare them for every role and filter), without a frame or a
feature dict per location: each location's feature was serialised when its
picture or the location was written (``inspection.location_features``).
Here only what depends on the reader is done: which locations (scope and
filters, in SQL but for ``domain``), confidential locations generalised and
masked for every role but coordinator (``inspection.confidentiality``), and
the order by the code shown. The ETag is a digest of the features' digests,
so that the 6 MB body is not hashed on every change of the data.
"""

from __future__ import annotations

import hashlib
from operator import itemgetter
from typing import Any

import pandas as pd
from sqlalchemy import String, case, cast, func, or_, select

from geodata.features import collection_parts, masked
from inspection.confidentiality import (
    MASKED_CODE_PREFIX,
    MASKED_NAME,
    generalised_positions,
    shows_real_positions,
)
from inspection.db import db
from inspection.location_features import digest, stored_features
from inspection.location_state import bring_up_to_date
from inspection.models import Location, LocationPicture, User
from inspection.picture.query import code_lists, driver_rows, norm_domains
from inspection.picture.service import PictureFilter
from inspection.scope import location_clause
from inspection.vocabulary import MANAGER, NOT_INSPECTED


def geojson_of_today(user: User, filters: PictureFilter) -> tuple[list[bytes], str]:
    """Today's picture of the locations ``user`` may see, as GeoJSON in parts, and its ETag.

    The parts joined equal ``to_geojson(location_picture(user=user, filters=filters))``.
    """
    bring_up_to_date(db.session)
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    real = shows_real_positions(user)
    # One row per location, with no more columns than most rows need: for 10,000 rows the
    # driver's values cost more than the features' bytes, about a millisecond a column.
    # Most rows need the code (the order), the feature and its digest; the id comes only
    # where the feature must be made again (none stored, or made before its location last
    # changed) or masked for this reader (a confidential location, with its municipality).
    stale = or_(
        LocationPicture.feature.is_(None),
        LocationPicture.location_updated_at.is_distinct_from(Location.updated_at),
    )
    columns: list[Any] = [
        Location.code,
        LocationPicture.feature,
        LocationPicture.feature_digest,
        case((stale, Location.id)),
    ]
    if not real:
        columns.append(case((Location.confidential, Location.id)))
        columns.append(case((Location.confidential, Location.municipality)))
    if filters.domain:
        # SQLite's driver gives JSON as text anyway; as text, the lists are split at once.
        failed = LocationPicture.failed_norms
        columns.append(cast(failed, String) if sqlite else failed)
    query = select(*columns).outerjoin(LocationPicture, LocationPicture.location_id == Location.id)
    if user.role == MANAGER:
        query = query.where(location_clause(user))
    if filters.type:
        query = query.where(Location.type == filters.type)
    if filters.province:
        query = query.where(Location.province == filters.province)
    if filters.statuses:
        status = func.coalesce(LocationPicture.status, NOT_INSPECTED)
        query = query.where(status.in_(sorted(filters.status_set())))
    _, rows = driver_rows(query)
    if filters.domain:
        rows = _failing_in(rows, filters.domain, sqlite)

    remake = [row[3] for row in rows if row[3] is not None]
    if remake:
        made = stored_features(db.session, remake)
        rows = [
            row
            if row[3] is None
            else (row[0], made[row[3]]["feature"], made[row[3]]["feature_digest"], None, *row[4:])
            for row in rows
        ]
    secret = [] if real else [row for row in rows if row[4] is not None]
    if secret:
        positions = generalised_positions()
        shown = {}
        for _, body, _, _, key, municipality, *_ in secret:
            place = positions.get(municipality)
            point = None if place is None or None in place else (place[1], place[0])
            masked_code = f"{MASKED_CODE_PREFIX}{key}"
            body = masked(body, masked_code, MASKED_NAME, point)
            shown[key] = (masked_code, body, digest(body))
        entries = [
            (*shown[row[4]], row[0]) if row[4] is not None else (row[0], row[1], row[2], row[0])
            for row in rows
        ]
        # Masked rows go by the code shown, then the real one: their place must not hint at it.
        entries.sort(key=itemgetter(0, 3))
        bodies, digests = [e[1] for e in entries], [e[2] for e in entries]
    else:
        rows.sort(key=itemgetter(0))  # codes are unique
        bodies, digests = [row[1] for row in rows], [row[2] for row in rows]
    etag = hashlib.blake2b(b"".join(digests), digest_size=20)
    return collection_parts(bodies), etag.hexdigest()


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
