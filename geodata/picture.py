"""The shape of a picture: one row per location with its status, as a GeoDataFrame.

A picture is what every export, map and region count is made from. It is
built elsewhere (the location picture of ``inspection``, which queries,
scopes and masks) from plain rows; here is only its shape: the columns, their
types, and the point geometry in WGS84.
"""

from __future__ import annotations

from datetime import tzinfo

import geopandas
import numpy as np
import pandas as pd

CRS = "EPSG:4326"

# The columns of a picture, in order (plus ``geometry``). ``masked``: the row is a
# confidential location as its reader may see it, code, name and point replaced.
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
    "failing_since",
    "norm_set",
    "masked",
)
# The columns of the rows a picture is made from, besides those of ``COLUMNS``.
ROW_COLUMNS = ("latitude", "longitude", "catalogue", "version")


def picture_frame(table: pd.DataFrame, time_zone: tzinfo) -> geopandas.GeoDataFrame:
    """A typed picture from plain rows, vectorised.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per location with the columns of ``COLUMNS`` (less
        ``norm_set`` and ``masked``) and of ``ROW_COLUMNS``: WGS84
        ``latitude``/``longitude``, and the ``catalogue``/``version`` of the
        norm set of the status (null where there is none).
    time_zone : tzinfo
        The zone ``observed_at`` is shown in; writers format times in the
        zone the column carries.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of ``COLUMNS`` and point geometry in EPSG:4326; ``norm_set``
        is ``catalogue/version``; ``masked`` is False everywhere.
    """
    missing = [c for c in (*COLUMNS[:-2], *ROW_COLUMNS) if c not in table.columns]
    if missing:
        raise ValueError(f"the rows lack the columns {missing}")
    scored = table["catalogue"].notna()
    norm_set = (table["catalogue"].astype(object) + "/" + table["version"].astype(object)).where(
        scored, None
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
            "status": table["status"].astype("str"),
            "overall": table["overall"].astype("float64"),
            "coverage": table["coverage"].astype("float64"),
            "observed_at": pd.to_datetime(table["observed_at"], utc=True)
            .astype("datetime64[us, UTC]")
            .dt.tz_convert(time_zone),
            "children_present": table["children_present"].astype("Float64").astype("Int64"),
            "failed_norms": table["failed_norms"].astype(object),
            "critical_norms": table["critical_norms"].astype(object),
            "failing_since": pd.to_datetime(table["failing_since"], utc=True)
            .astype("datetime64[us, UTC]")
            .dt.tz_convert(time_zone),
            "norm_set": norm_set.astype(object),
            "masked": np.zeros(len(table), dtype=bool),
        }
    )
    geometry = geopandas.points_from_xy(
        table["longitude"].astype("float64"), table["latitude"].astype("float64"), crs=CRS
    )
    return geopandas.GeoDataFrame(frame, geometry=geometry, crs=CRS)
