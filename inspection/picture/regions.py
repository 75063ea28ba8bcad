"""Counts per region of the picture a user may see, with the imported or shipped boundaries.

Until boundaries of a level are imported, the generalised ones that ship with
the project (``geodata/data``) stand in, unless ``DEFAULT_BOUNDARIES`` is off
(a service outside the Netherlands); then regions are points.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import geopandas
from flask import current_app

from geodata.aggregation import RegionSummary, summarise_regions, with_share_below
from geodata.boundaries import SHIPPED_CREDIT, from_wkb, shipped_boundaries
from inspection.cache import app_cache
from inspection.models import REGION_LEVELS, User
from inspection.picture.service import PictureFilter, scoped_picture
from inspection.regions import region_rows, regions_version

# Decoded boundaries kept per process: the newest of each level is all that is asked for.
CACHED_BOUNDARIES = 2 * len(REGION_LEVELS)


def stored_regions(level: str) -> geopandas.GeoDataFrame | None:
    """The boundaries of ``level`` (``name``, geometry): the imported ones, else those shipped.

    None only when none were imported and the shipped ones are switched off.
    Decoding detailed boundaries costs time, so they are kept per process
    until the regions of that level are loaded again.
    """
    if level not in REGION_LEVELS:
        raise ValueError(f"level must be one of {REGION_LEVELS}, got {level!r}")
    version = regions_version(level)
    if version[0] == 0:
        return shipped_boundaries(level) if _shipped_in_use() else None

    def decode() -> geopandas.GeoDataFrame:
        rows = region_rows(level)
        return from_wkb([r.name for r in rows], [r.geometry for r in rows])

    return app_cache("boundaries", CACHED_BOUNDARIES).get_or_make((level, version), decode)


def boundaries_version() -> tuple[Any, ...]:
    """What identifies the boundaries of every level in use (for ETags)."""
    return (_shipped_in_use(), *((level, *regions_version(level)) for level in REGION_LEVELS))


def shipped_credit(level: str) -> str | None:
    """The credit to show with boundaries of ``level``: set when the shipped ones are used."""
    return SHIPPED_CREDIT if _shipped_in_use() and regions_version(level)[0] == 0 else None


def _shipped_in_use() -> bool:
    return bool(current_app.config.get("DEFAULT_BOUNDARIES", True))


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
        With boundaries, one row per boundary (zero counts included) and the
        credit of the shipped ones; otherwise one row per province or
        municipality that has locations.
    """
    picture = scoped_picture(as_of, user=user, filters=filters)
    # Whoever may not see where a confidential location is gets it counted by its
    # recorded municipality or province: joining its real point with fine
    # boundaries (a 1 km grid loaded as "municipalities") would show its cell.
    secret = picture["confidential"].astype(bool) & (user.role != "coordinator")
    summary = summarise_regions(picture, level, stored_regions(level), by_name=secret)
    return replace(summary, credit=shipped_credit(level)) if summary.polygons else summary


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
    return with_share_below(region_summary(level, as_of, user=user, filters=every_status).frame)
