"""Region boundaries: reading them from a vector file, and back from their stored WKB.

Any file GDAL reads (GeoPackage, GeoJSON, shapefile, a PDOK WFS download)
with a coordinate reference system; the polygons are reprojected to WGS84,
repaired where they are invalid, merged per name and oriented as RFC 7946
asks (exterior rings counterclockwise).

The project ships the generalised provinces and municipalities of the
Netherlands (``geodata/data``, Bron: CBS, Kadaster/PDOK, CC BY 4.0); they
stand in for a level until boundaries of that level are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas
import numpy as np
import pyogrio
import shapely

from geodata.picture import CRS

_POLYGON, _MULTIPOLYGON = 3, 6
DATA = Path(__file__).parent / "data"
SHIPPED = {
    "province": DATA / "nl-provinces-2025.geojson",
    "municipality": DATA / "nl-municipalities-2023.geojson",
}
# The credit that CC BY 4.0 asks for wherever the shipped boundaries are shown.
SHIPPED_CREDIT = "Bron: CBS, Kadaster/PDOK (CC BY 4.0)"
_SHOWN = 5  # problems named in a message before "and N more"


@dataclass(frozen=True)
class Boundaries:
    """Clean boundaries: ``frame`` has ``name`` and ``geometry`` (EPSG:4326), one row per name."""

    frame: geopandas.GeoDataFrame
    repaired: int
    merged: int


def read_boundaries(
    path: str | Path,
    name_field: str,
    service_area: tuple[float, float, float, float] | None = None,
    layer: str | None = None,
) -> Boundaries:
    """Read region polygons from a vector file, ready to store.

    Parameters
    ----------
    path : str or Path
        Any vector file GDAL reads.
    name_field : str
        The attribute holding each region's name (e.g. ``statnaam`` in the
        CBS/PDOK files). Features sharing a name are merged into one region.
    service_area : tuple, optional
        ``(min_lon, min_lat, max_lon, max_lat)``; boundaries that all lie
        outside it are refused (usually a wrongly declared CRS).
    layer : str, optional
        The layer to read; required when the file has more than one (the
        CBS Wijk- en buurtkaart holds ``gemeenten``, ``wijken``, ``buurten``).

    Returns
    -------
    Boundaries
        The regions in EPSG:4326, how many geometries were repaired with
        ``shapely.make_valid``, and how many features were merged by name.

    Raises
    ------
    ValueError
        When the file cannot be read, has no CRS, lacks ``name_field``, has
        blank names, empty or non-polygonal geometries, or geometries that
        stay invalid after repair.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path} does not exist")
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
        if layer is None and len(layers) > 1:
            raise ValueError(f"{path} has several layers; choose one of: {', '.join(layers)}")
        if layer is not None and layer not in layers:
            raise ValueError(f"{path} has no layer {layer!r}; its layers: {', '.join(layers)}")
        frame = geopandas.read_file(path, layer=layer, engine="pyogrio")
    except UnicodeDecodeError:
        raise ValueError(_not_utf8(path, layer)) from None
    except ValueError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        reason = str(exc) if len(str(exc)) <= 200 else f"{str(exc)[:200]}..."
        raise ValueError(f"{path} could not be read as a vector file: {reason}") from exc
    if frame.empty:
        raise ValueError(f"{path} holds no features")
    if frame.crs is None:
        raise ValueError(
            f"{path} has no coordinate reference system; set one (e.g. EPSG:28992 for "
            "the Dutch grid) and retry"
        )
    if name_field not in frame.columns:
        fields = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
        raise ValueError(f"{path} has no field {name_field!r}; its fields are: {fields}")

    names = frame[name_field].astype("string").str.strip()
    blank = names.isna() | (names == "")
    if blank.any():
        raise ValueError(f"{path}: features {_numbers(blank)} have no {name_field}")
    frame = geopandas.GeoDataFrame(
        {"name": names.astype(str)}, geometry=frame.geometry, crs=frame.crs
    )
    empty = (frame.geometry.isna() | frame.geometry.is_empty).to_numpy()
    if empty.any():
        raise ValueError(f"{path}: {_listed(frame['name'][empty])} have no geometry")
    # Checked where the shapes were drawn, and again in WGS84 (reprojection can bend a
    # ring into itself, or a degenerate ring into a sliver that looks valid).
    geometry, repaired = _repaired(frame.geometry)
    geometry, repaired_again = _repaired(geometry.to_crs(CRS))
    repaired = int((repaired | repaired_again).sum())
    kinds = shapely.get_type_id(np.asarray(geometry.array, dtype=object))
    not_polygonal = ~np.isin(kinds, (_POLYGON, _MULTIPOLYGON))
    if not_polygonal.any():
        raise ValueError(
            f"{path}: {_listed(frame['name'][not_polygonal])} are not polygons "
            "(or are nothing but lines and points once repaired)"
        )
    still_invalid = ~geometry.is_valid.to_numpy()
    if still_invalid.any():
        raise ValueError(f"{path}: {_listed(frame['name'][still_invalid])} stay invalid")
    frame = geopandas.GeoDataFrame({"name": frame["name"]}, geometry=geometry, crs=CRS)

    merged = int(frame["name"].duplicated().sum())
    if merged:
        frame = frame.dissolve(by="name", as_index=False)
    frame = frame.set_geometry(shapely.orient_polygons(frame.geometry.array, exterior_cw=False))
    frame = frame.sort_values("name", ignore_index=True)

    if service_area is not None:
        area = shapely.box(*service_area)
        if not frame.geometry.intersects(area).any():
            bounds = ", ".join(f"{b:.3f}" for b in frame.total_bounds)
            raise ValueError(
                f"{path}: no boundary lies in the service area (they span {bounds} in "
                f"longitude/latitude); is the file's coordinate reference system right?"
            )
    return Boundaries(frame=frame[["name", "geometry"]], repaired=repaired, merged=merged)


def _not_utf8(path: Path, layer: str | None) -> str:
    """Which feature and field of a file hold text that is not UTF-8."""
    # Every byte is a Latin-1 character: read that way, the cells that were
    # not UTF-8 are those that do not decode as UTF-8 once turned back into bytes.
    frame = geopandas.read_file(path, layer=layer, engine="pyogrio", encoding="latin-1")
    for column in frame.columns:
        for number, value in enumerate(frame[column], start=1):
            if isinstance(value, str):
                try:
                    value.encode("latin-1").decode("utf-8")
                except UnicodeDecodeError:
                    return (
                        f"{path}: feature {number}.{column} is not UTF-8 text; save the file "
                        "as UTF-8 (a shapefile may name its encoding in a .cpg file)"
                    )
    return f"{path} is not UTF-8 text; save it as UTF-8"


def _repaired(geometry: geopandas.GeoSeries) -> tuple[geopandas.GeoSeries, np.ndarray]:
    """The geometries with the invalid ones made valid (polygonal parts only), and which."""
    invalid = (geometry.notna() & ~geometry.is_valid).to_numpy()
    if not invalid.any():
        return geometry, invalid
    fixed = np.asarray(geometry.array, dtype=object).copy()
    fixed[invalid] = _polygonal(shapely.make_valid(fixed[invalid]))
    return geopandas.GeoSeries(fixed, index=geometry.index, crs=geometry.crs), invalid


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    """Keep the polygonal parts of each geometry (``make_valid`` may add lines and points)."""
    parts, index = shapely.get_parts(geometries, return_index=True)
    # Collections may hold multipolygons: one more level reaches the polygons.
    parts, inner = shapely.get_parts(parts, return_index=True)
    index = index[inner]
    polygons = shapely.get_type_id(parts) == _POLYGON
    out = np.full(len(geometries), None, dtype=object)
    # Few geometries need repair: a loop over them is clearer than index juggling.
    for row in np.unique(index[polygons]):
        kept = parts[polygons & (index == row)]
        # A single polygon stays a Polygon.
        out[row] = kept[0] if len(kept) == 1 else shapely.MultiPolygon(list(kept))
    return out


def _numbers(mask: object) -> str:
    rows = np.flatnonzero(np.asarray(mask)) + 1
    shown = ", ".join(str(r) for r in rows[:_SHOWN])
    return shown + (f" and {len(rows) - _SHOWN} more" if len(rows) > _SHOWN else "")


def _listed(names: object) -> str:
    values = list(names)  # type: ignore[call-overload]
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


def from_wkb(names: list[str], wkb: list[bytes]) -> geopandas.GeoDataFrame:
    """Stored regions (names and WKB in EPSG:4326) as a GeoDataFrame."""
    geometry = shapely.from_wkb(np.array(wkb, dtype=object))
    return geopandas.GeoDataFrame({"name": names}, geometry=geometry, crs=CRS)


def to_wkb(frame: geopandas.GeoDataFrame) -> list[bytes]:
    """The geometries of ``frame`` (EPSG:4326) as WKB, for storing."""
    if frame.crs is None or not frame.crs.equals(CRS):
        raise ValueError(f"regions are stored in {CRS}, got {frame.crs}")
    return [bytes(b) for b in shapely.to_wkb(frame.geometry.array)]


@cache
def shipped_boundaries(level: str) -> geopandas.GeoDataFrame:
    """The boundaries of ``level`` that ship with the project (``name``, geometry; EPSG:4326).

    Read once per process; callers must not change the frame. The files hold
    valid polygons oriented as RFC 7946 asks; rows are sorted by name, like
    imported boundaries.
    """
    if level not in SHIPPED:
        raise ValueError(f"level must be one of {sorted(SHIPPED)}, got {level!r}")
    frame = geopandas.read_file(SHIPPED[level], engine="pyogrio")
    frame = geopandas.GeoDataFrame({"name": frame["name"]}, geometry=frame.geometry, crs=CRS)
    return frame.sort_values("name", ignore_index=True)
