"""The same picture as a GeoPackage for QGIS/ArcGIS and as CSV for spreadsheets."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import sqlite3
import subprocess

import geopandas
import pandas as pd
import pytest
from geo_helpers import CSV_URL, GEOJSON_URL, GPKG_URL, features_by_code, strict_json


def read_geopackage(data: bytes, tmp_path) -> geopandas.GeoDataFrame:
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    return geopandas.read_file(path, layer="locations")


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_geopackage_reads_back_with_the_same_rows(client, world, tmp_path):
    geojson = strict_json(client.get(GEOJSON_URL, headers=world["coordinator"]).get_data())

    response = client.get(GPKG_URL, headers=world["coordinator"])

    assert response.status_code == 200
    assert response.mimetype == "application/geopackage+sqlite3"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="locations_')
    assert response.headers["Content-Disposition"].endswith('.gpkg"')
    frame = read_geopackage(response.get_data(), tmp_path)
    assert frame.crs.to_epsg() == 4326
    expected = features_by_code(geojson)
    assert list(frame["code"]) == list(expected)
    assert list(frame["status"]) == [f["properties"]["status"] for f in expected.values()]
    row = frame.set_index("code").loc["GRON-CRIT"]
    assert row["failed_norms"].split(",")[0] == "HYG-01"
    assert row["critical_norms"] == "HYG-01"
    assert row["children_present"] == 60
    assert row["norm_set"] == "nl-children/2023.1"
    assert row["observed_at"] == pd.Timestamp("2026-11-20T09:15:00Z")
    assert (row.geometry.x, row.geometry.y) == (6.5402, 53.2311)
    new = frame.set_index("code").loc["GRON-NEW"]
    assert new["status"] == "not_inspected"
    assert pd.isna(new["observed_at"]) and pd.isna(new["overall"]) and pd.isna(new["norm_set"])


def test_the_geopackage_of_a_viewer_has_no_position_for_a_lonely_secret(client, world, tmp_path):
    frame = read_geopackage(client.get(GPKG_URL, headers=world["viewer"]).get_data(), tmp_path)

    lonely = frame[frame["code"] == "VERTROUWELIJK-7"].iloc[0]
    assert lonely.geometry is None or lonely.geometry.is_empty
    assert lonely["name"] == "Vertrouwelijke locatie"
    assert lonely["status"] == "below_norm"


def test_the_geopackage_honours_filters_and_etags(client, world, tmp_path):
    response = client.get(GPKG_URL, query_string={"status": "below"}, headers=world["viewer"])

    cached = client.get(
        GPKG_URL, query_string={"status": "below"},
        headers={**world["viewer"], "If-None-Match": response.headers["ETag"]},
    )  # fmt: skip
    unfiltered = client.get(
        GPKG_URL, headers={**world["viewer"], "If-None-Match": response.headers["ETag"]}
    )

    frame = read_geopackage(response.get_data(), tmp_path)
    assert sorted(frame["status"].unique()) == ["below_norm", "critical"]
    assert response.headers["ETag"].startswith('W/"')
    assert cached.status_code == 304
    assert unfiltered.status_code == 200


def test_an_empty_geopackage_still_has_the_layer(client, world, tmp_path):
    response = client.get(GPKG_URL, query_string={"province": "Utrecht"}, headers=world["viewer"])

    frame = read_geopackage(response.get_data(), tmp_path)
    assert len(frame) == 0
    assert "status" in frame.columns


def test_the_csv_has_latitude_longitude_and_joined_lists(client, world):
    response = client.get(CSV_URL, headers=world["coordinator"])

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {row["code"]: row for row in read_csv(response.get_data())}
    assert list(next(iter(rows.values()))) == [
        "code", "name", "type", "municipality", "province", "capacity", "status", "overall",
        "coverage", "observed_at", "children_present", "failed_norms", "critical_norms",
        "failing_since", "norm_set", "masked", "latitude", "longitude",
    ]  # fmt: skip
    assert (rows["GRON-OK"]["latitude"], rows["GRON-OK"]["longitude"]) == ("53.2194", "6.5665")
    assert rows["GRON-OK"]["capacity"] == "400"
    assert rows["GRON-OK"]["observed_at"] == "2026-11-20T10:15:00+01:00"
    assert rows["GRON-CRIT"]["critical_norms"] == "HYG-01"
    assert rows["GRON-CRIT"]["failed_norms"].split(";")[0] == "HYG-01"
    assert rows["GRON-NEW"]["status"] == "not_inspected"
    assert rows["GRON-NEW"]["capacity"] == rows["GRON-NEW"]["overall"] == ""
    assert "nan" not in response.get_data(as_text=True).lower()


def test_a_viewer_csv_leaves_the_lonely_secret_without_coordinates(client, world):
    rows = {r["code"]: r for r in read_csv(client.get(CSV_URL, headers=world["viewer"]).get_data())}

    assert (rows["VERTROUWELIJK-7"]["latitude"], rows["VERTROUWELIJK-7"]["longitude"]) == ("", "")
    assert rows["VERTROUWELIJK-6"]["latitude"] == rows["ZWOL-LOW"]["latitude"]


@pytest.mark.parametrize("url", [CSV_URL, GPKG_URL])
def test_exports_answer_304_to_their_etag(client, world, url):
    first = client.get(url, headers=world["viewer"])

    again = client.get(url, headers={**world["viewer"], "If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused_for_spreadsheets_only(
    client, norm_set, create_location, headers_for
):
    create_location(code="FORMULA-1", name='=HYPERLINK("http://evil.example","klik")')
    create_location(code="FORMULA-2", name="@SUM(A1:A2)", municipality="+31 gemeente")
    headers = headers_for("coordinator")

    def rows(**query: str) -> dict[str, dict[str, str]]:
        response = client.get("/api/v1/exports/locations.csv", query_string=query, headers=headers)
        text = response.get_data().decode("utf-8-sig")
        delimiter = ";" if query else ","
        return {row["code"]: row for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)}

    spreadsheet, plain = rows(dialect="excel-nl"), rows()

    assert spreadsheet["FORMULA-1"]["name"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert spreadsheet["FORMULA-2"]["name"] == "'@SUM(A1:A2)"
    assert spreadsheet["FORMULA-2"]["municipality"] == "'+31 gemeente"
    assert plain["FORMULA-1"]["name"] == '=HYPERLINK("http://evil.example","klik")'
    assert plain["FORMULA-2"]["municipality"] == "+31 gemeente"


# Debian's GDAL: ogrinfo of gdal-bin, and the GeoPackage validator of python3-gdal.
OGRINFO = shutil.which("ogrinfo")
DEBIAN_PYTHON = "/usr/bin/python3"
VALIDATE_GPKG = "osgeo_utils.samples.validate_gpkg"


def test_the_geopackage_is_version_1_2_with_milliseconds(client, world, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(client.get(GPKG_URL, headers=world["coordinator"]).get_data())

    with contextlib.closing(sqlite3.connect(path)) as connection:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        user_version = connection.execute("PRAGMA user_version").fetchone()[0]
        stored = dict(connection.execute("SELECT code, observed_at FROM locations").fetchall())
    assert application_id.to_bytes(4, "big") == b"GPKG"
    assert user_version == 10200
    assert stored["GRON-CRIT"] == "2026-11-20T09:15:00.000Z"
    assert stored["GRON-NEW"] is None


@pytest.mark.slow
@pytest.mark.parametrize("query", [{}, {"province": "Utrecht"}], ids=["full", "empty"])
def test_debians_gdal_validates_and_reads_the_geopackage_without_warnings(
    client, world, tmp_path, query
):
    assert OGRINFO, "gdal-bin is not installed: .ci/run installs it"
    path = tmp_path / "export.gpkg"
    path.write_bytes(client.get(GPKG_URL, query_string=query, headers=world["viewer"]).get_data())

    validated = subprocess.run(
        [DEBIAN_PYTHON, "-m", VALIDATE_GPKG, str(path)], capture_output=True, text=True, timeout=120
    )
    read = subprocess.run(
        [OGRINFO, "-al", "-ro", str(path)], capture_output=True, text=True, timeout=120
    )

    assert "No module named" not in validated.stderr, "python3-gdal is not installed (.ci/run)"
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout + validated.stderr == ""
    assert read.returncode == 0, read.stderr
    assert read.stderr == ""
    assert "Layer name: locations" in read.stdout
    expected = 0 if query else len(world_codes(client, world["viewer"]))
    assert f"Feature Count: {expected}" in read.stdout
    assert "masked: Integer(Boolean)" in read.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("role", "masked"), [("viewer", 2), ("manager", 1), ("coordinator", 0)])
def test_debians_gdal_reads_masked_in_the_geojson_as_a_boolean(
    client, world, tmp_path, role, masked
):
    assert OGRINFO, "gdal-bin is not installed: .ci/run installs it"
    path = tmp_path / "locations.geojson"
    path.write_bytes(client.get(GEOJSON_URL, headers=world[role]).get_data())

    def summary(*options: str) -> str:
        read = subprocess.run(
            [OGRINFO, "-ro", "-al", "-so", *options, str(path)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert read.returncode == 0, read.stderr
        assert read.stderr == ""
        return read.stdout

    everything = summary()
    assert "masked: Integer(Boolean)" in everything
    assert f"Feature Count: {len(world_codes(client, world[role]))}" in everything
    assert f"Feature Count: {masked}" in summary("-where", "masked = 1")


def world_codes(client, headers: dict[str, str]) -> list[str]:
    geojson = strict_json(client.get(GEOJSON_URL, headers=headers).get_data())
    return list(features_by_code(geojson))
