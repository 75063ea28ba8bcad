"""What the geodata tests share: the test country, URLs, and an RFC 7946 checker."""

from __future__ import annotations

import json
import math
from typing import Any

API = "/api/v1"
GEOJSON_URL = f"{API}/exports/locations.geojson"
CSV_URL = f"{API}/exports/locations.csv"
GPKG_URL = f"{API}/exports/locations.gpkg"
REGIONS_URL = f"{API}/exports/regions.geojson"
MAP_URL = f"{API}/maps/locations.png"
ROLES = ("inspector", "manager", "coordinator", "viewer")

# Real points of the secret shelters, with more decimals than an export shows.
SECRET = {
    "code": "ZWOL-SECRET",
    "name": "Beschermde opvang Herxen",  # a hamlet: no region bears its name
    "lat": 52.5123456,
    "lon": 6.1187654,
}
LONELY = {"code": "LONELY-SECRET", "name": "Huize Ruitenveen", "lat": 52.5098765, "lon": 6.2643219}

LOCATIONS = [
    dict(code="GRON-OK", name="Azc Groningen", type="azc", municipality="Groningen",
         province="Groningen", latitude=53.2194, longitude=6.5665, capacity=400),
    dict(code="GRON-CRIT", name="Sporthal Groningen", type="crisisnoodopvang",
         municipality="Groningen", province="Groningen", latitude=53.2311, longitude=6.5402,
         capacity=150),
    dict(code="GRON-NEW", name="Hotel Groningen", type="noodopvang", municipality="Groningen",
         province="Groningen", latitude=53.2102, longitude=6.5801, capacity=None),
    dict(code="GRON-HALF", name="Boot Groningen", type="noodopvang", municipality="Groningen",
         province="Groningen", latitude=53.2250, longitude=6.5950, capacity=90),
    dict(code="ZWOL-LOW", name="Azc Zwolle", type="azc", municipality="Zwolle",
         province="Overijssel", latitude=52.5168, longitude=6.0830, capacity=600),
    dict(code=SECRET["code"], name=SECRET["name"], type="azc", municipality="Zwolle",
         province="Overijssel", latitude=SECRET["lat"], longitude=SECRET["lon"], capacity=40,
         confidential=True),
    dict(code=LONELY["code"], name=LONELY["name"], type="noodopvang", municipality="Dalfsen",
         province="Overijssel", latitude=LONELY["lat"], longitude=LONELY["lon"], capacity=25,
         confidential=True),
]  # fmt: skip

# Answers that make each status (changes to the passing checklist; None removes an answer).
BELOW_NORM = {"toilets_working": 8}  # 200 / 8 = 25 > 20 (azc: 10) per toilet: HYG-01 fails
CRITICAL = {"toilets_working": 3}  # 200 / 3 > 50: HYG-01 fails critically


def strict_json(body: bytes | str) -> Any:
    """``json.loads`` that refuses NaN and Infinity, which are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(body, parse_constant=refuse)


def decimals(number: float) -> int:
    text = repr(float(number))
    if "e" in text:
        raise AssertionError(f"{number} written in exponent form")
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def assert_rfc7946(body: bytes, properties: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Check an RFC 7946 FeatureCollection of points; returns the parsed document."""
    document = strict_json(body)
    assert isinstance(document, dict)
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert "crs" not in feature
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            coordinates = geometry["coordinates"]
            assert isinstance(coordinates, list) and len(coordinates) == 2
            longitude, latitude = coordinates
            assert all(isinstance(c, float | int) and not isinstance(c, bool) for c in coordinates)
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
            assert math.isfinite(longitude) and math.isfinite(latitude)
            assert decimals(longitude) <= 6 and decimals(latitude) <= 6, coordinates
        props = feature["properties"]
        assert isinstance(props, dict)
        if properties is not None:
            assert tuple(props) == properties
        for value in props.values():
            assert_plain_json(value)
    return document


def assert_plain_json(value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            assert_plain_json(item)
        return
    if isinstance(value, dict):
        for item in value.values():
            assert_plain_json(item)
        return
    assert value is None or isinstance(value, str | int | float | bool), type(value)
    if isinstance(value, float):
        assert math.isfinite(value)


def features_by_code(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f for f in document["features"]}


def rectangles_around(points: dict[str, list[tuple[float, float]]], margin_m: float = 3000):
    """A GeoDataFrame in the Dutch grid (EPSG:28992) of a rectangle around each group of points.

    ``points`` maps a region name to (longitude, latitude) pairs.
    """
    import geopandas
    import shapely

    rows = []
    for name, pairs in points.items():
        projected = geopandas.GeoSeries(
            [shapely.Point(lon, lat) for lon, lat in pairs], crs=4326
        ).to_crs(28992)
        min_x, min_y, max_x, max_y = projected.total_bounds
        rows.append(
            (
                name,
                shapely.box(min_x - margin_m, min_y - margin_m, max_x + margin_m, max_y + margin_m),
            )
        )
    return geopandas.GeoDataFrame(
        {"statnaam": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=28992
    )


def world_points(*codes: str) -> list[tuple[float, float]]:
    by_code = {loc["code"]: (loc["longitude"], loc["latitude"]) for loc in LOCATIONS}
    return [by_code[c] for c in codes]


def province_boundaries():
    return rectangles_around(
        {
            "Groningen": world_points("GRON-OK", "GRON-CRIT", "GRON-NEW", "GRON-HALF"),
            "Overijssel": world_points("ZWOL-LOW", "ZWOL-SECRET", "LONELY-SECRET"),
        }
    )


def municipality_boundaries():
    return rectangles_around(
        {
            "Groningen": world_points("GRON-OK", "GRON-CRIT", "GRON-NEW", "GRON-HALF"),
            "Zwolle": world_points("ZWOL-LOW", "ZWOL-SECRET"),
            "Dalfsen": world_points("LONELY-SECRET"),
        },
        margin_m=1500,
    )
