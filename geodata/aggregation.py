"""Counts per region: how many locations, how many below the norms, how many children there.

Where region boundaries are given, each location is assigned to the polygon
its real point lies in (``geopandas.sjoin``), except those the caller says
to count by name: in the polygon named as their recorded region. That is how
a confidential location counts for whoever may not see where it is, so that
no boundaries, however fine, tell where it lies.
Otherwise locations are grouped by their own province or municipality field
and each region is shown as the mean position of its non-confidential
locations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas
import numpy as np
import orjson
import pandas as pd
import shapely

from geodata.exports import DECIMALS
from geodata.picture import CRS

COUNTS = ("locations", "below_norm", "critical", "not_inspected", "children_below_norm")
REGION_PROPERTIES = ("name", *COUNTS, "mean_score")


@dataclass(frozen=True)
class RegionSummary:
    """Per region ``REGION_PROPERTIES`` and a geometry (EPSG:4326).

    ``polygons`` tells whether the geometries are loaded boundaries;
    ``unassigned`` counts the locations outside every boundary (always 0
    without boundaries); ``credit`` names the source of the boundaries where
    their licence asks for it (the shipped ones: ``geodata.boundaries``).
    """

    frame: geopandas.GeoDataFrame
    polygons: bool
    unassigned: int
    credit: str | None = None


def summarise_regions(
    picture: geopandas.GeoDataFrame,
    level: str,
    regions: geopandas.GeoDataFrame | None = None,
    by_name: pd.Series | None = None,
) -> RegionSummary:
    """Counts per region of the locations of a picture.

    Parameters
    ----------
    picture : geopandas.GeoDataFrame
        A picture with the REAL points (never generalised: a generalised
        point may lie in another region), EPSG:4326.
    level : {"province", "municipality"}
        The picture's column that names a location's region, used when no
        ``regions`` are given.
    regions : geopandas.GeoDataFrame, optional
        Boundaries (``name``, polygon geometry, EPSG:4326) to assign the
        locations to by their points.
    by_name : pandas.Series of bool, optional
        The locations (aligned with ``picture``) to assign to the boundary
        named as their ``level`` column (case and surrounding spaces aside)
        instead of by their points; none when omitted.

    Returns
    -------
    RegionSummary
        With boundaries, one row per boundary (zero counts included);
        otherwise one row per region named in the picture.
    """
    if level not in ("province", "municipality"):
        raise ValueError(f"level must be province or municipality, got {level!r}")
    for name, frame in (("picture", picture), ("regions", regions)):
        if frame is not None and (frame.crs is None or not frame.crs.equals(CRS)):
            raise ValueError(f"{name} must be in {CRS}, got {frame.crs}")
    flags = _flags(picture)
    if regions is not None:
        named = (
            pd.Series(False, index=picture.index)
            if by_name is None
            else by_name.reindex(picture.index, fill_value=False).astype(bool)
        )
        located = picture.geometry.notna() & ~picture.geometry.is_empty
        joined = geopandas.sjoin(
            picture.loc[located & ~named, ["id", "geometry"]],
            regions,
            how="inner",
            predicate="intersects",
        )
        # A point on a shared border lies in both: count it once, in the first region.
        joined = joined[~joined.index.duplicated(keep="first")]
        region = pd.Series(joined["index_right"], index=joined.index, dtype="float64")
        region = region.reindex(flags.index)
        if named.any():
            by_key = pd.Series(regions.index, index=_name_key(regions["name"]), dtype="float64")
            by_key = by_key[~by_key.index.duplicated(keep="first")]
            region[named] = _name_key(picture.loc[named, level]).map(by_key)
        flags["region"] = region
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
        return RegionSummary(frame=_typed(frame), polygons=True, unassigned=unassigned)

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


def with_share_below(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """A region summary's frame plus ``share_below``: the share of its locations below the norms.

    From 0 to 1; NaN where a region has no locations. For a choropleth.
    """
    counted = frame["locations"].where(frame["locations"] > 0)
    out = frame.copy()
    out["share_below"] = (frame["below_norm"] + frame["critical"]) / counted
    return out


def _name_key(names: pd.Series) -> pd.Series:
    """Region names compared without case or surrounding spaces."""
    return names.astype("string").str.strip().str.casefold()


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
    collection when boundaries are used, and ``attribution`` the credit of
    the boundaries when there is one.
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
