"""The picture: every location with the status of its latest inspection, as a GeoDataFrame.

One SQL query reads all locations with their latest inspection as of a date
(``inspection.inspections.latest_per_location``); everything after that is
vectorised pandas. What a user may see is applied last: the scope of their
role, and for every role but coordinator the generalised position and masked
identity of confidential locations (``generalise``).

The query is the expensive part (a window over all inspections), so its
result is kept per process and reused until the data change: a cheap
fingerprint of the tables (``data_version``) is part of the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import geopandas
import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import Select, case, func, literal, literal_column, select
from sqlalchemy.sql.elements import True_

from geodata.sql import critical_norm_codes, domain_failed, failed_norm_codes
from inspection.db import JSONDocument, db
from inspection.engine import AMSTERDAM
from inspection.inspections import latest_per_location
from inspection.models import AuditEvent, Inspection, Location, NormSet, User
from inspection.scope import MASKED_NAME, generalised_positions, location_clause, masked_code

CRS = "EPSG:4326"
NOT_INSPECTED = "not_inspected"
BELOW = "below"
# ``below`` in a status filter stands for these two.
BELOW_STATUSES = ("below_norm", "critical")
# Audited changes that alter stored rows in place (counted, so commit order cannot hide one).
CHANGING_ACTIONS = ("location.updated", "locations.imported", "norm_set.rescored")
CACHED_PICTURES = 8

# The columns of a picture, in order (plus ``geometry``).
COLUMNS = (
    "id",
    "code",
    "name",
    "type",
    "municipality",
    "province",
    "capacity",
    "confidential",
    "active",
    "status",
    "overall",
    "coverage",
    "observed_at",
    "children_present",
    "failed_norms",
    "critical_norms",
    "norm_set",
    "generalised",
)


@dataclass(frozen=True)
class PictureFilter:
    """Which locations a picture holds; every part optional.

    ``statuses`` may hold any location status and ``below`` (below_norm and
    critical); ``domain`` keeps locations whose latest inspection failed a
    norm of that domain.
    """

    statuses: tuple[str, ...] = ()
    type: str | None = None
    province: str | None = None
    domain: str | None = None

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> PictureFilter:
        """From the parsed query arguments of an export (``geodata.filters``)."""
        return cls(
            statuses=tuple(args.get("status") or ()),
            type=args.get("type"),
            province=args.get("province"),
            domain=args.get("domain"),
        )

    def status_set(self) -> set[str]:
        """The statuses asked for, ``below`` expanded."""
        return {s for w in self.statuses for s in (BELOW_STATUSES if w == BELOW else (w,))}


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Europe/Amsterdam, in UTC: what ``as_of=day`` means."""
    return datetime.combine(day, time.max, tzinfo=AMSTERDAM).astimezone(UTC)


def location_picture(
    as_of: date | None = None, *, user: User, filters: PictureFilter | None = None
) -> geopandas.GeoDataFrame:
    """The locations ``user`` may see, with their latest status, as ``user`` may see them.

    Parameters
    ----------
    as_of : date, optional
        The picture at the end of this Europe/Amsterdam day; now when omitted.
    user : User
        Managers get their own locations only; every role but coordinator
        gets confidential locations generalised (see ``generalise``).
    filters : PictureFilter, optional
        Status, type, province and domain filters.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location in EPSG:4326, sorted by the shown code, with
        the columns of ``COLUMNS``; ``status`` is ``not_inspected`` where no
        inspection was observed by ``as_of``.
    """
    frame = scoped_picture(as_of, user=user, filters=filters)
    if user.role == "coordinator":
        return frame
    return generalise(frame, generalised_positions())


def scoped_picture(
    as_of: date | None = None, *, user: User, filters: PictureFilter | None = None
) -> geopandas.GeoDataFrame:
    """The locations ``user`` may see with their REAL points and identities.

    Only for what never leaves the server as is (which region a confidential
    location lies in), and for coordinators. Filters as ``location_picture``.
    """
    filters = filters or PictureFilter()
    frame = real_picture(as_of, domain=filters.domain)
    keep = pd.Series(True, index=frame.index)
    scope = location_clause(user)
    if not isinstance(scope, True_):  # a manager: only their own locations
        keep &= frame["id"].isin(db.session.scalars(select(Location.id).where(scope)).all())
    if filters.type:
        keep &= frame["type"] == filters.type
    if filters.province:
        keep &= frame["province"] == filters.province
    if filters.statuses:
        keep &= frame["status"].isin(filters.status_set())
    return frame[keep.to_numpy()].reset_index(drop=True)


def real_picture(as_of: date | None = None, *, domain: str | None = None) -> geopandas.GeoDataFrame:
    """Every location with its latest inspection as of ``as_of`` (real points: internal).

    ``domain`` keeps only the locations whose latest inspection failed a norm
    of that domain. Kept per process until ``data_version`` changes; the
    frame returned must be treated as read-only (pandas copy-on-write keeps
    derived frames from writing through).
    """
    # The fingerprint is read before the rows: a picture is never older than its key, and
    # a change committed in between gives the next request another key.
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], data_version(), as_of, domain)
    cache = _cache()
    with cache.lock:
        if key in cache.frames:
            cache.frames.move_to_end(key)
            return cache.frames[key]
    result = db.session.execute(picture_query(as_of, domain))
    table = pd.DataFrame.from_records(result.all(), columns=list(result.keys()))
    # Sorted here, by code point: database collations disagree about hyphens.
    frame = _frame(table).sort_values("code", kind="stable", ignore_index=True)
    with cache.lock:
        cache.frames[key] = frame
        while len(cache.frames) > CACHED_PICTURES:
            cache.frames.popitem(last=False)
    return frame


def data_version() -> tuple[Any, ...]:
    """A fingerprint of the rows a picture is made of, from cheap index-backed aggregates.

    New rows change a count; audited changes in place change the count of
    their audit events (a count, not a maximum id, so that transactions
    committing out of order cannot hide one); other location edits move
    ``updated_at``.
    """
    row = db.session.execute(
        select(
            select(func.count()).select_from(Location).scalar_subquery(),
            select(func.max(Location.updated_at)).scalar_subquery(),
            select(func.count()).select_from(Inspection).scalar_subquery(),
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(CHANGING_ACTIONS))
            .scalar_subquery(),
        )
    ).one()
    return tuple(row)


@dataclass
class _PictureCache:
    lock: threading.Lock
    frames: OrderedDict[tuple[Any, ...], geopandas.GeoDataFrame]


def _cache() -> _PictureCache:
    return current_app.extensions.setdefault(
        "geodata_pictures", _PictureCache(threading.Lock(), OrderedDict())
    )


def picture_query(as_of: date | None, domain: str | None = None) -> Select[Any]:
    """The one SELECT behind a picture: every location joined to its latest inspection."""
    latest_ids = latest_per_location(end_of_day(as_of) if as_of else None).subquery()
    # The norm codes are taken out of the results inside the subquery, so that
    # only short lists, not whole result documents, are carried into the join.
    columns = [
        Inspection.location_id,
        Inspection.status,
        Inspection.overall,
        Inspection.coverage,
        Inspection.observed_at,
        Inspection.answers["children_present"].as_float().label("children_present"),
        failed_norm_codes(Inspection.results).label("failed_norms"),
        # Only a critical status has critical norms: skip the others' result lists.
        case(
            (Inspection.status == "critical", critical_norm_codes(Inspection.results)),
            else_=literal_column("'[]'", JSONDocument),
        ).label("critical_norms"),
        NormSet.catalogue,
        NormSet.version,
    ]
    if domain:
        columns.append(domain_failed(Inspection.results, literal(domain)).label("in_domain"))
    latest = (
        select(*columns)
        .join(latest_ids, latest_ids.c.id == Inspection.id)
        .join(NormSet, NormSet.id == Inspection.norm_set_id)
        .subquery("latest")
    )
    query = select(
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
        latest.c.status,
        latest.c.overall,
        latest.c.coverage,
        latest.c.observed_at,
        latest.c.children_present,
        latest.c.failed_norms,
        latest.c.critical_norms,
        latest.c.catalogue,
        latest.c.version,
    ).outerjoin(latest, latest.c.location_id == Location.id)
    if domain:
        query = query.where(latest.c.in_domain)
    return query


def _frame(table: pd.DataFrame) -> geopandas.GeoDataFrame:
    """Typed columns and point geometry from the query's rows (vectorised)."""
    inspected = table["status"].notna()
    norm_set = (table["catalogue"].astype(object) + "/" + table["version"].astype(object)).where(
        inspected, None
    )
    frame = pd.DataFrame(
        {
            "id": table["id"].astype("int64"),
            "code": table["code"].astype("str"),
            "name": table["name"].astype("str"),
            "type": table["type"].astype("str"),
            "municipality": table["municipality"].astype("str"),
            "province": table["province"].astype("str"),
            "capacity": table["capacity"].astype("Int64"),
            "confidential": table["confidential"].astype(bool),
            "active": table["active"].astype(bool),
            "status": table["status"].where(inspected, NOT_INSPECTED).astype("str"),
            "overall": table["overall"].astype("float64"),
            "coverage": table["coverage"].astype("float64"),
            "observed_at": pd.to_datetime(table["observed_at"], utc=True).astype(
                "datetime64[us, UTC]"
            ),
            "children_present": table["children_present"].astype("Float64").astype("Int64"),
            "failed_norms": table["failed_norms"].astype(object),
            "critical_norms": table["critical_norms"].astype(object),
            "norm_set": norm_set.astype(object),
            "generalised": np.zeros(len(table), dtype=bool),
        }
    )
    geometry = geopandas.points_from_xy(
        table["longitude"].astype("float64"), table["latitude"].astype("float64"), crs=CRS
    )
    return geopandas.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def generalise(
    frame: geopandas.GeoDataFrame, positions: dict[str, tuple[float, float]]
) -> geopandas.GeoDataFrame:
    """The picture as any role but coordinator may see it.

    Each confidential location gets its municipality's entry of
    ``positions`` (the mean of the NON-confidential locations there, see
    ``inspection.scope.generalised_positions``) or no geometry where there is
    none; its code and name are masked. Its status and numbers stay, so they
    still count. The rows are sorted again by the shown code: left in the
    order of the real codes, a masked row's place would hint at its code.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A picture (``real_picture``) in EPSG:4326.
    positions : dict
        ``{municipality: (latitude, longitude)}``.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame; ``generalised`` is True on the rows that were changed.
    """
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ValueError(f"a picture is in {CRS}, got {frame.crs}")
    secret = frame["confidential"].to_numpy(dtype=bool)
    if not secret.any():
        return frame.copy()
    out = frame.copy()
    municipalities = out.loc[secret, "municipality"]
    latitude = municipalities.map({m: p[0] for m, p in positions.items()}).astype("float64")
    longitude = municipalities.map({m: p[1] for m, p in positions.items()}).astype("float64")
    points = np.asarray(geopandas.points_from_xy(longitude, latitude))
    known = (latitude.notna() & longitude.notna()).to_numpy()
    geometry = np.asarray(out.geometry.array).copy()
    geometry[np.flatnonzero(secret)] = np.where(known, points, None)
    out = out.set_geometry(geopandas.GeoSeries(geometry, index=out.index, crs=CRS))
    # masked_code needs only the id, which each row carries.
    out.loc[secret, "code"] = [masked_code(row) for row in out.loc[secret].itertuples()]
    out.loc[secret, "name"] = MASKED_NAME
    out.loc[secret, "generalised"] = True
    return out.sort_values("code", kind="stable", ignore_index=True)


def known_domains() -> list[str]:
    """The domain codes of every stored norm set (for checking a ``domain`` filter)."""
    from inspection.norm_sets import compiled

    codes: set[str] = set()
    for norm_set in db.session.scalars(select(NormSet)):
        codes.update(domain.code for domain in compiled(norm_set).domains)
    return sorted(codes)
