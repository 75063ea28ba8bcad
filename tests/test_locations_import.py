"""Coordinators import locations from a spreadsheet or a GIS file."""

from __future__ import annotations

import csv

import geopandas
import pytest
from shapely.geometry import Point

from inspection.db import db
from inspection.models import AuditEvent, Location

HEADER = [
    "code",
    "name",
    "type",
    "operator",
    "municipality",
    "province",
    "latitude",
    "longitude",
    "capacity",
    "confidential",
    "active",
]
TER_APEL = [
    "TER-APEL",
    "Aanmeldcentrum Ter Apel",
    "azc",
    "COA",
    "Westerwolde",
    "Groningen",
    "52.8766",
    "7.0655",
    "2000",
    "false",
    "true",
]
SPORTHAL = [
    "ZWOLLE-HAL",
    "Sporthal De Marslanden",
    "crisisnoodopvang",
    "Gemeente Zwolle",
    "Zwolle",
    "Overijssel",
    "52.4960",
    "6.1108",
    "",
    "",
    "",
]


def write_csv(path, rows, header=HEADER):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def locations():
    return {loc.code: loc for loc in db.session.scalars(db.select(Location))}


def test_a_csv_creates_the_locations(cli, tmp_path):
    path = write_csv(tmp_path / "locations.csv", [TER_APEL, SPORTHAL])

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated" in result.output
    stored = locations()
    assert stored["TER-APEL"].capacity == 2000
    assert stored["TER-APEL"].latitude == pytest.approx(52.8766)
    assert stored["TER-APEL"].longitude == pytest.approx(7.0655)
    # Empty cells take the defaults.
    assert stored["ZWOLLE-HAL"].capacity is None
    assert stored["ZWOLLE-HAL"].confidential is False
    assert stored["ZWOLLE-HAL"].active is True
    assert db.session.scalars(db.select(AuditEvent.action)).all() == ["locations.imported"]


def test_importing_again_updates_by_code(cli, tmp_path):
    cli.invoke(args=["locations", "import", str(write_csv(tmp_path / "a.csv", [TER_APEL]))])
    changed = [*TER_APEL[:8], "1800", "false", "true"]

    result = cli.invoke(args=["locations", "import", str(write_csv(tmp_path / "b.csv", [changed]))])

    assert "0 created, 1 updated" in result.output
    assert locations()["TER-APEL"].capacity == 1800


def test_bad_rows_are_named_and_nothing_is_imported(cli, tmp_path):
    bad_type = [*SPORTHAL]
    bad_type[0], bad_type[2] = "GOOD-CODE", "sporthal"
    swapped = [*TER_APEL]
    swapped[0], swapped[6], swapped[7] = "SWAPPED", "7.0655", "52.8766"
    abroad = [*TER_APEL]
    abroad[0], abroad[6], abroad[7] = "BERLIN", "52.52", "13.40"
    path = write_csv(tmp_path / "bad.csv", [TER_APEL, bad_type, swapped, abroad, TER_APEL])

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code != 0
    assert "row 3.type" in result.output
    assert "row 4.latitude" in result.output and "swapped" in result.output
    assert "row 4.longitude" in result.output
    assert "row 5.longitude" in result.output and "outside the service area" in result.output
    assert "row 5.latitude" not in result.output  # 52.52 is a Dutch latitude; 13.40 is not
    assert "row 6.code" in result.output and "also appears on row 2" in result.output
    assert locations() == {}


def test_missing_columns_are_reported(cli, tmp_path):
    path = write_csv(tmp_path / "short.csv", [["X-1", "Naam"]], header=["code", "name"])

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code != 0
    for field in ("type", "municipality", "province", "latitude", "longitude"):
        assert f"row 2.{field}" in result.output


def test_the_service_area_is_a_setting(app, tmp_path):
    from inspection.locations import import_locations

    app.config["SERVICE_AREA"] = (13.0, 52.3, 13.8, 52.7)  # Berlin
    berlin = [*TER_APEL]
    berlin[6], berlin[7] = "52.52", "13.40"

    report = import_locations(write_csv(tmp_path / "berlin.csv", [berlin]))

    assert report.created == 1


def test_a_gis_file_in_dutch_grid_coordinates_is_reprojected(cli, tmp_path):
    # Ter Apel in Rijksdriehoeksstelsel (EPSG:28992), as a municipality's GIS would deliver it.
    frame = geopandas.GeoDataFrame(
        {
            "code": ["TER-APEL"],
            "name": ["Aanmeldcentrum Ter Apel"],
            "type": ["azc"],
            "operator": ["COA"],
            "municipality": ["Westerwolde"],
            "province": ["Groningen"],
            "capacity": [2000],
            "confidential": [False],
            "active": [True],
        },
        geometry=geopandas.GeoSeries([Point(7.0655, 52.8766)], crs=4326).to_crs(28992),
    )
    path = tmp_path / "locations.gpkg"
    frame.to_file(path, driver="GPKG")

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code == 0, result.output
    stored = locations()["TER-APEL"]
    assert stored.latitude == pytest.approx(52.8766, abs=1e-6)
    assert stored.longitude == pytest.approx(7.0655, abs=1e-6)
    assert stored.capacity == 2000


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_gis_file_without_crs_is_refused(cli, tmp_path):
    frame = geopandas.GeoDataFrame(
        {"code": ["X-1"]}, geometry=geopandas.GeoSeries([Point(7.0, 52.9)])
    )
    path = tmp_path / "nocrs.gpkg"
    frame.to_file(path, driver="GPKG")

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code != 0
    assert "coordinate reference system" in result.output


def test_a_missing_file_is_reported(cli, tmp_path):
    result = cli.invoke(args=["locations", "import", str(tmp_path / "nope.csv")])

    assert result.exit_code != 0
    assert "does not exist" in result.output
