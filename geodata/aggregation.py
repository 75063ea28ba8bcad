"""Counts per region: how many locations, how many below the norms, how many children there.

Where boundaries were loaded, each location is assigned to the polygon its
REAL point lies in (``geopandas.sjoin``), so that a confidential location
counts in the right region without its point ever leaving the server.
Otherwise locations are grouped by their own province or municipality field
and each region is shown as the mean position of its non-confidential
locations.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import geopandas
import numpy as np
import orjson
import pandas as pd
import shapely
from flask import current_app

from geodata.boundaries import SHIPPED_CREDIT, from_wkb, shipped_boundaries
from geodata.exports import DECIMALS
from geodata.picture import CRS, PictureFilter, scoped_picture
from inspection.models import REGION_LEVELS, User
from inspection.regions import region_rows, regions_version

COUNTS = ("locations", "below_norm", "critical", "not_inspected", "children_below_norm")
REGION_PROPERTIES = ("name", *COUNTS, "mean_score")


@dataclass(frozen=True)
class RegionSummary:
    """Per region ``REGION_PROPERTIES`` and a geometry (EPSG:4326).

    ``polygons`` tells whether the geometries are loaded boundaries;
    ``unassigned`` counts the locations outside every boundary (always 0
    without boundaries); ``credit`` is the source to name with the shipped
    boundaries.
    """

    frame: geopandas.GeoDataFrame
    polygons: bool
    unassigned: int
    credit: str | None = None


def stored_regions(level: str) -> geopandas.GeoDataFrame | None:
    """The boundaries of ``level`` (``name``, geometry): the imported ones, else those shipped.

    None only when none were imported and ``DEFAULT_BOUNDARIES`` is off (a
    service outside the Netherlands). Decoding detailed boundaries costs
    time, so they are kept per process until the regions of that level are
    loaded again.
    """
    if level not in REGION_LEVELS:
        raise ValueError(f"level must be one of {REGION_LEVELS}, got {level!r}")
    version = regions_version(level)
    if version[0] == 0:
        return shipped_boundaries(level) if _shipped_in_use() else None
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], level, version)
    cache = current_app.extensions.setdefault("geodata_regions", ({}, threading.Lock()))
    frames, lock = cache
    with lock:
        if key in frames:
            return frames[key]
    rows = region_rows(level)
    frame = from_wkb([r.name for r in rows], [r.geometry for r in rows])
    with lock:
        for old in [k for k in frames if k[:2] == key[:2]]:
            del frames[old]
        frames[key] = frame
    return frame


def region_summary(
    level: str,
    as_of: date | None = None,
    *,
    user: User,
    filters: PictureFilter | None = None,
) -> RegionSummary:
    """Counts per region of the locations ``user`` may see.

    Parameters
    ----------
    level : {"province", "municipality"}
    as_of : date, optional
        The picture at the end of this Europe/Amsterdam day; now when omitted.
    user : User
        Whose scope (a manager: their own locations).
    filters : PictureFilter, optional
        Which locations count.

    Returns
    -------
    RegionSummary
        With loaded boundaries, one row per boundary (zero counts included);
        otherwise one row per province or municipality that has locations.
    """
    picture = scoped_picture(as_of, user=user, filters=filters)
    regions = stored_regions(level)
    flags = _flags(picture)
    if regions is not None:
        located = picture.geometry.notna() & ~picture.geometry.is_empty
        joined = geopandas.sjoin(
            picture.loc[located, ["id", "geometry"]], regions, how="inner", predicate="intersects"
        )
        # A point on a shared border lies in both: count it once, in the first region.
        joined = joined[~joined.index.duplicated(keep="first")]
        flags["region"] = pd.Series(joined["index_right"], index=joined.index).reindex(flags.index)
        assigned = flags.dropna(subset=["region"]).astype({"region": "int64"})
        counted = _counts(assigned, "region")
        counts = counted.reindex(regions.index, fill_value=0)
        counts["mean_score"] = counted["mean_score"].reindex(regions.index)
        frame = geopandas.GeoDataFrame(
            {"name": regions["name"], **{c: counts[c] for c in counts.columns}},
            geometry=regions.geometry,
            crs=CRS,
        )
        unassigned = int(flags["region"].isna().sum())
        credit = None if regions_version(level)[0] else SHIPPED_CREDIT
        return RegionSummary(
            frame=_typed(frame), polygons=True, unassigned=unassigned, credit=credit
        )

    flags["region"] = picture[level]
    counts = _counts(flags, "region")
    public = picture[~picture["confidential"].to_numpy(dtype=bool)]
    means = (
        pd.DataFrame({"region": public[level], "x": public.geometry.x, "y": public.geometry.y})
        .groupby("region")[["x", "y"]]
        .mean()
        .reindex(counts.index)
    )
    points = geopandas.points_from_xy(means["x"], means["y"])
    geometry = np.where(means["x"].notna().to_numpy(), np.asarray(points), None)
    frame = geopandas.GeoDataFrame(
        {"name": counts.index.astype(str), **{c: counts[c].to_numpy() for c in counts.columns}},
        geometry=geopandas.GeoSeries(geometry, crs=CRS),
        crs=CRS,
    )
    return RegionSummary(frame=_typed(frame), polygons=False, unassigned=0)


def share_below_by_region(
    as_of: date | None = None, *, user: User, filters: PictureFilter | None = None
) -> geopandas.GeoDataFrame | None:
    """For a choropleth: the share of locations below the norms per loaded boundary.

    Uses municipalities where their boundaries were imported, else provinces
    (imported or shipped); None without any boundaries. A status filter is
    ignored: a share of only the locations below the norms would be 100%
    everywhere.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The region summary plus ``share_below`` (0 to 1, NaN without locations).
    """
    # Imported municipalities are detailed enough for a national map; the shipped ones
    # (342 polygons) would bury the points, so provinces serve until then.
    level = "municipality" if regions_version("municipality")[0] else "province"
    if stored_regions(level) is None:
        return None
    every_status = replace(filters or PictureFilter(), statuses=())
    frame = region_summary(level, as_of, user=user, filters=every_status).frame
    counted = frame["locations"].where(frame["locations"] > 0)
    frame["share_below"] = (frame["below_norm"] + frame["critical"]) / counted
    return frame


def boundaries_version() -> tuple[Any, ...]:
    """What identifies the boundaries of every level in use (for ETags)."""
    return (_shipped_in_use(), *((level, *regions_version(level)) for level in REGION_LEVELS))


def shipped_credit(level: str) -> str | None:
    """The credit to show with boundaries of ``level``: set when the shipped ones are used."""
    return SHIPPED_CREDIT if _shipped_in_use() and regions_version(level)[0] == 0 else None


def _shipped_in_use() -> bool:
    return bool(current_app.config.get("DEFAULT_BOUNDARIES", True))


def _flags(picture: pd.DataFrame) -> pd.DataFrame:
    status = picture["status"]
    below = status.isin(("below_norm", "critical"))
    return pd.DataFrame(
        {
            "below_norm": (status == "below_norm").astype(int),
            "critical": (status == "critical").astype(int),
            "not_inspected": (status == "not_inspected").astype(int),
            "children_below_norm": picture["children_present"]
            .where(below, 0)
            .fillna(0)
            .astype(int),
            "overall": picture["overall"],
        },
        index=picture.index,
    )


def _counts(flags: pd.DataFrame, key: str) -> pd.DataFrame:
    grouped = flags.groupby(key, sort=True)
    counts = grouped[["below_norm", "critical", "not_inspected", "children_below_norm"]].sum()
    counts.insert(0, "locations", grouped.size())
    # The mean over inspected locations with a score; NaN (no score) is left out.
    counts["mean_score"] = grouped["overall"].mean().round(1)
    return counts


def _typed(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    for column in COUNTS:
        frame[column] = frame[column].astype("int64")
    frame["mean_score"] = frame["mean_score"].astype("float64")
    return frame.sort_values("name", ignore_index=True)


def regions_to_geojson(summary: RegionSummary) -> bytes:
    """An RFC 7946 FeatureCollection of a region summary (coordinates with six decimals).

    Polygons keep the orientation they were stored with (exterior rings
    counterclockwise); ``unassigned_locations`` is a foreign member of the
    collection when boundaries are used, and ``attribution`` the credit of the
    shipped boundaries when they are.
    """
    frame = summary.frame
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ValueError(f"a region summary is in {CRS}, got {frame.crs}")
    rounded = shapely.transform(
        np.asarray(frame.geometry.array, dtype=object), lambda xy: np.round(xy, DECIMALS)
    )
    geometries = [None if g is None or g.is_empty else g.__geo_interface__ for g in rounded]
    columns: list[list[Any]] = [frame["name"].tolist()]
    columns += [frame[c].tolist() for c in COUNTS]
    mean = frame["mean_score"].to_numpy(dtype=object)
    mean[frame["mean_score"].isna().to_numpy()] = None
    columns.append(mean.tolist())
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": dict(zip(REGION_PROPERTIES, row, strict=True)),
        }
        for geometry, *row in zip(geometries, *columns, strict=True)
    ]
    document: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if summary.polygons:
        document["unassigned_locations"] = summary.unassigned
    if summary.credit:
        document["attribution"] = summary.credit
    return orjson.dumps(document)
