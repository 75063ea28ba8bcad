"""Writing a picture as GeoJSON (RFC 7946), GeoPackage and CSV.

Columns are converted once, vectorised, into plain Python values (``None``
for anything missing, never NaN); the GeoJSON is then encoded by orjson.
A picture handed in here must already be generalised for its reader (the
location picture of ``inspection`` does that): these functions write what they
get, times in the zone their column carries.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from typing import Any

import geopandas
import numpy as np
import orjson
import pandas as pd

from geodata.picture import COLUMNS, CRS

# The properties of an exported location, in order: the picture's columns less
# those that only steer the export. ``masked`` stays: a reader must be able to tell
# a masked code from a real one without knowing how masked codes are spelt.
PROPERTIES = tuple(name for name in COLUMNS if name not in ("id", "confidential", "active"))
LIST_PROPERTIES = ("failed_norms", "critical_norms")
TIME_PROPERTIES = ("observed_at", "failing_since")
# Written ``true``/``false`` in CSV, the GeoJSON's spelling, rather than pandas'
# True/False; pandas reads either back as booleans.
BOOLEAN_PROPERTIES = ("masked",)
# RFC 7946 section 11.2: six decimals are about 10 cm, more only suggests precision.
DECIMALS = 6
GEOPACKAGE_LAYER = "locations"
# GeoPackage 1.2, not the newest 1.4 that GDAL writes by default: the GDAL in Debian 12
# (and the QGIS built on it) warns about 1.4 and its validator fails on it.
GEOPACKAGE_DATASET = {"VERSION": "1.2"}
# The standard's date-time form is YYYY-MM-DDTHH:MM:SS.SSSZ; GDAL leaves out zero milliseconds.
GEOPACKAGE_LAYER_OPTIONS = {"DATETIME_PRECISION": "MILLISECOND"}
# ``rfc4180`` for programs (the default), ``excel-nl`` for Dutch spreadsheets.
CSV_DIALECTS = ("rfc4180", "excel-nl")


def _check(frame: geopandas.GeoDataFrame) -> None:
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ValueError(f"an export is written from {CRS}, got {frame.crs}")
    missing = [p for p in PROPERTIES if p not in frame.columns]
    if missing:
        raise ValueError(f"the picture lacks the columns {missing}")


def iso_times(values: pd.Series) -> pd.Series:
    """ISO 8601 strings in the zone of ``values`` (``2026-11-20T10:15:00+01:00``), None for NaT.

    Vectorised with numpy: pandas' ``strftime`` formats row by row and costs
    tens of milliseconds per ten thousand rows.
    """
    if values.dt.tz is None:
        raise ValueError("times must be timezone-aware")
    present = values.notna().to_numpy()
    local = values.dt.tz_localize(None)
    utc = values.dt.tz_convert("UTC").dt.tz_localize(None)
    minutes = ((local - utc) / pd.Timedelta(minutes=1)).fillna(0).to_numpy().astype(int)
    suffixes = {
        m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
        for m in set(minutes.tolist())
    }
    text = np.datetime_as_string(local.to_numpy(dtype="datetime64[s]"), unit="s")
    offsets = np.array([suffixes[m] for m in minutes.tolist()], dtype=object)
    out = (text.astype(object) + offsets).astype(object)
    out[~present] = None
    return pd.Series(out, index=values.index, dtype=object)


def plain_values(values: pd.Series) -> list[Any]:
    """A column as a list of JSON-ready Python values: int, float, str, bool, list or None."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return iso_times(values).tolist()
    if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) or values.dtype == object:
        return values.to_numpy(dtype=object, na_value=None).tolist()
    if np.issubdtype(values.dtype, np.floating):
        array = values.to_numpy(dtype=object)
        array[values.isna().to_numpy()] = None
        return array.tolist()
    return values.tolist()


def coordinates(frame: geopandas.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rounded longitudes and latitudes, and which rows have a point at all."""
    geometry = frame.geometry
    present = (geometry.notna() & ~geometry.is_empty).to_numpy()
    longitude = np.full(len(frame), np.nan)
    latitude = np.full(len(frame), np.nan)
    longitude[present] = np.round(geometry[present].x.to_numpy(), DECIMALS)
    latitude[present] = np.round(geometry[present].y.to_numpy(), DECIMALS)
    return longitude, latitude, present


def to_geojson(frame: geopandas.GeoDataFrame) -> bytes:
    """An RFC 7946 FeatureCollection of the picture's locations.

    Point geometry ``[longitude, latitude]`` in WGS84 with six decimals, or
    ``null`` where a location has no position to show; no ``crs`` member;
    the properties of ``PROPERTIES`` as plain JSON values.

    Raises
    ------
    ValueError
        When the frame is not in EPSG:4326 or lacks a property column.
    """
    _check(frame)
    longitude, latitude, present = coordinates(frame)
    geometries = [
        {"type": "Point", "coordinates": [x, y]} if has else None
        for x, y, has in zip(longitude.tolist(), latitude.tolist(), present.tolist(), strict=True)
    ]
    columns = [plain_values(frame[name]) for name in PROPERTIES]
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": dict(zip(PROPERTIES, row, strict=True)),
        }
        for geometry, *row in zip(geometries, *columns, strict=True)
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def flat_table(frame: geopandas.GeoDataFrame, separator: str) -> pd.DataFrame:
    """The properties as a plain table, lists joined with ``separator``."""
    _check(frame)
    table = pd.DataFrame({name: frame[name] for name in PROPERTIES})
    for name in LIST_PROPERTIES:
        table[name] = frame[name].str.join(separator)
    for name in TIME_PROPERTIES:
        table[name] = iso_times(frame[name])
    return table


def to_csv(
    frame: geopandas.GeoDataFrame, dialect: str = "rfc4180", extra: Sequence[str] = ()
) -> bytes:
    """The picture as CSV with ``latitude``/``longitude`` columns, in one of ``CSV_DIALECTS``.

    ``rfc4180`` is for programs: UTF-8, comma-separated, CRLF line ends, dot
    decimals, every value exactly as stored; lists are joined with ``;``.
    ``excel-nl`` is for spreadsheets in a Dutch locale (Excel, LibreOffice):
    UTF-8 with a byte order mark (or accented names are misread), ``;``
    between fields, decimal commas, lists joined with ``,``, and text that a
    spreadsheet would run as a formula prefixed with ``'``. ``masked`` is
    ``true`` or ``false`` in both.

    A location without a position to show has empty latitude and longitude.
    ``extra`` names columns of ``frame`` written after those, as they are
    (an empty cell for a missing value).
    """
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"dialect must be one of {CSV_DIALECTS}, got {dialect!r}")
    spreadsheet = dialect == "excel-nl"
    table = flat_table(frame, "," if spreadsheet else ";")
    for name in BOOLEAN_PROPERTIES:
        table[name] = np.where(table[name].to_numpy(dtype=bool), "true", "false")
    longitude, latitude, _ = coordinates(frame)
    table["latitude"] = latitude
    table["longitude"] = longitude
    for name in extra:
        table[name] = frame[name]
    if not spreadsheet:
        return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    for name in table.columns:
        if table[name].dtype == object or isinstance(table[name].dtype, pd.StringDtype):
            table[name] = defuse_formulas(table[name])
    text = table.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def defuse_formulas(column: pd.Series) -> pd.Series:
    """Prefix text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a quote.

    Names come from import files and the API; opened in Excel or LibreOffice
    a cell like ``=HYPERLINK(...)`` would otherwise execute. Only for the
    spreadsheet dialect: a program reading the CSV gets the values untouched.
    """
    text = column.astype("string")
    risky = text.str.match(r"^[=+\-@\t\r]").fillna(False).astype(bool)
    return column.where(~risky, "'" + text)


def to_geopackage(frame: geopandas.GeoDataFrame) -> bytes:
    """The picture as a GeoPackage 1.2 (layer ``locations``).

    Lists are joined with commas, ``masked`` is a boolean field (an integer
    of subtype boolean, as GeoPackage keeps them), and ``observed_at`` is a
    date-time field in UTC (the GeoPackage standard knows no other offset),
    with milliseconds as the standard writes them; a location without a
    position to show has a null geometry. GDAL writes to a file, so the
    GeoPackage is made in a temporary directory that is removed before
    returning.
    """
    table = flat_table(frame, ",")
    for name in TIME_PROPERTIES:
        table[name] = frame[name].dt.tz_convert("UTC")
    longitude, latitude, present = coordinates(frame)
    points = geopandas.points_from_xy(longitude, latitude)
    geometry = geopandas.GeoSeries(np.where(present, np.asarray(points), None), crs=CRS)
    layer = geopandas.GeoDataFrame(table, geometry=geometry, crs=CRS)
    with tempfile.TemporaryDirectory(prefix="export-") as directory:
        path = os.path.join(directory, "locations.gpkg")
        layer.to_file(
            path,
            layer=GEOPACKAGE_LAYER,
            driver="GPKG",
            engine="pyogrio",
            geometry_type="Point",
            dataset_options=GEOPACKAGE_DATASET,
            layer_options=GEOPACKAGE_LAYER_OPTIONS,
        )
        with open(path, "rb") as handle:
            return handle.read()
