"""Every demo location lies in the municipality and province the file says, by the shipped
boundaries (CBS municipalities of 2023, provinces of 2025)."""

from __future__ import annotations

import csv
from pathlib import Path

import shapely

from geodata.boundaries import shipped_boundaries

LOCATIONS_CSV = Path(__file__).resolve().parents[2] / "inspection" / "data" / "demo-locations.csv"


def _rows() -> list[dict[str, str]]:
    with LOCATIONS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _region_of(level: str, row: dict[str, str]) -> list[str]:
    regions = shipped_boundaries(level)
    point = shapely.Point(float(row["longitude"]), float(row["latitude"]))
    return list(regions.loc[regions.geometry.contains(point), "name"])


def test_every_location_lies_in_its_municipality():
    wrong = {}
    for row in _rows():
        found = _region_of("municipality", row)
        if found != [row["municipality"]]:
            wrong[row["code"]] = (row["municipality"], found)
    assert wrong == {}


def test_every_location_lies_in_its_province():
    wrong = {}
    for row in _rows():
        found = _region_of("province", row)
        if found != [row["province"]]:
            wrong[row["code"]] = (row["province"], found)
    assert wrong == {}
