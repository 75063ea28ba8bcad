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
from typing import Any

import pandas as pd
from sqlalchemy import String, cast, func, select

from geodata.features import collection, masked
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


def geojson_of_today(user: User, filters: PictureFilter) -> tuple[bytes, str]:
    """Today's picture of the locations ``user`` may see, as GeoJSON, and its ETag.

    Equal to ``to_geojson(location_picture(user=user, filters=filters))``.
    """
    bring_up_to_date(db.session)
    sqlite = db.session.get_bind().dialect.name == "sqlite"

    def text(column: Any) -> Any:
        # SQLite's driver gives times and JSON as text anyway; as text on both, the two
        # times compare as written.
        return cast(column, String) if sqlite else column

    columns = [
        Location.id,
        Location.code,
        Location.confidential,
        Location.municipality,
        text(Location.updated_at),
        text(LocationPicture.location_updated_at),
        LocationPicture.feature,
        LocationPicture.feature_digest,
    ]
    if filters.domain:
        columns.append(text(LocationPicture.failed_norms))
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

    remake = [row[0] for row in rows if row[6] is None or row[4] != row[5]]
    made = stored_features(db.session, remake) if remake else {}
    real = shows_real_positions(user)
    positions = None
    entries = []
    for key, code, confidential, municipality, _, _, body, kept, *_ in rows:
        if key in made:
            body, kept = made[key]["feature"], made[key]["feature_digest"]
        shown = code
        if confidential and not real:
            if positions is None:
                positions = generalised_positions()
            shown = f"{MASKED_CODE_PREFIX}{key}"
            place = positions.get(municipality)
            point = None if place is None or None in place else (place[1], place[0])
            body = masked(body, shown, MASKED_NAME, point)
            kept = digest(body)
        entries.append((shown, code, body, kept))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    etag = hashlib.blake2b(b"".join(bytes(e[3]) for e in entries), digest_size=20)
    return collection([e[2] for e in entries]), etag.hexdigest()


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
