"""How confidential shelters are shown: both rules, for single locations and whole pictures.

Protected shelters keep their address secret. Only coordinators see their
real point; a manager sees the real point of their own. Everyone else sees
such a location at the mean position of its municipality's NON-confidential
locations, or without a position where there are none: a mean including the
secret point would let anyone who knows the others compute it. Viewers also
see its code and name masked.
"""

from __future__ import annotations

import geopandas
import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from geodata.picture import CRS
from inspection.db import db
from inspection.models import Location, User
from inspection.vocabulary import COORDINATOR, MANAGER, VIEWER

MASKED_NAME = "Vertrouwelijke locatie"
MASKED_CODE_PREFIX = "VERTROUWELIJK-"


def knows_identity(user: User, location: Location) -> bool:
    """Whether the user may see a location's code and name (viewers see secret shelters masked)."""
    return not (location.confidential and user.role == VIEWER)


def knows_position(user: User, location: Location) -> bool:
    """Whether the user may see a location's real coordinates."""
    if not location.confidential or user.role == COORDINATOR:
        return True
    return user.role == MANAGER and any(loc.id == location.id for loc in user.locations)


def masked_code(location: Location) -> str:
    """The code shown instead of a secret shelter's own: stable, and says nothing about it."""
    return f"{MASKED_CODE_PREFIX}{location.id}"


def listing_order(user: User) -> tuple[object, ...]:
    """The order of location lists; masked entries must not sort by their hidden code."""
    if user.role == VIEWER:
        hidden = case((Location.confidential.is_(True), Location.id), else_=None)
        return (Location.confidential, hidden, Location.code)
    return (Location.code,)


def generalised_positions() -> dict[str, tuple[float, float]]:
    """Per municipality, ``(latitude, longitude)``: the mean of its NON-confidential locations."""
    rows = db.session.execute(
        select(Location.municipality, func.avg(Location.latitude), func.avg(Location.longitude))
        .where(Location.confidential.is_(False))
        .group_by(Location.municipality)
    )
    return {municipality: (lat, lon) for municipality, lat, lon in rows}


def shows_real_positions(user: User) -> bool:
    """Whether the pictures (exports, maps) ``user`` gets hold confidential locations' real points.

    Exports leave the server in bulk and get passed on: every role but
    coordinator gets every confidential location generalised there, a
    manager's own included.
    """
    return user.role == COORDINATOR


def picture_as_seen_by(user: User, frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """A picture with the real points as ``user`` may see it (``shows_real_positions``)."""
    if shows_real_positions(user):
        return frame
    return generalise_picture(frame, generalised_positions())


def counted_by_recorded_region(user: User, frame: geopandas.GeoDataFrame) -> pd.Series:
    """Which rows of a picture ``user`` gets counted in a region by its recorded name.

    Whoever may not see where a confidential location is gets it counted by its
    recorded municipality or province: joining its real point with fine
    boundaries (a 1 km grid loaded as "municipalities") would show its cell.
    """
    return frame["confidential"].astype(bool) & (user.role != COORDINATOR)


def generalise_picture(
    frame: geopandas.GeoDataFrame, positions: dict[str, tuple[float, float]]
) -> geopandas.GeoDataFrame:
    """A picture as any role but coordinator may see it.

    Each confidential location gets its municipality's entry of
    ``positions`` (``generalised_positions``) or no geometry where there is
    none; its code and name are masked. Its status and numbers stay, so they
    still count. The rows are sorted again by the shown code: left in the
    order of the real codes, a masked row's place would hint at its code.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A picture (``geodata.picture.COLUMNS``) in EPSG:4326.
    positions : dict
        ``{municipality: (latitude, longitude)}``.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame; ``masked`` is True on the rows that were changed.
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
    out = out.set_geometry(geopandas.GeoSeries(geometry, index=out.index, crs=frame.crs))
    out.loc[secret, "code"] = MASKED_CODE_PREFIX + out.loc[secret, "id"].astype(str)
    out.loc[secret, "name"] = MASKED_NAME
    out.loc[secret, "masked"] = True
    return out.sort_values("code", kind="stable", ignore_index=True)
