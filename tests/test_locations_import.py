"""Coordinators import locations from a spreadsheet or a GIS file."""

from __future__ import annotations

import csv

import geopandas
import geopandas.testing
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


# --- re-importing never loses what the file does not say ---------------------------------

COLUMNS = (*HEADER, "created_at", "updated_at")


def stored_rows() -> dict[str, dict]:
    return {
        loc.code: {column: getattr(loc, column) for column in COLUMNS}
        for loc in db.session.scalars(db.select(Location).order_by(Location.code))
    }


def import_events() -> list[dict]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.details)
            .where(AuditEvent.action == "locations.imported")
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def shelters(create_location, norm_set):
    """Locations whose operator, capacity, flags and precise points an export does not carry."""
    create_location(
        code="TER-APEL",
        name="Aanmeldcentrum Ter Apel",
        operator="COA",
        latitude=52.8766123,
        longitude=7.0655432,
        capacity=2000,
    )
    create_location(
        code="ZWOLLE-HAL",
        name="Sporthal",
        type="crisisnoodopvang",
        operator="Gemeente Zwolle",
        municipality="Zwolle",
        province="Overijssel",
        latitude=52.4960,
        longitude=6.1108,
        capacity=None,
        active=False,
    )
    create_location(
        code="GEHEIM-1",
        name="Beschermde opvang",
        operator="Fier",
        latitude=53.0123456,
        longitude=6.9876543,
        capacity=40,
        confidential=True,
    )
    create_location(code="GEHEIM-2", name="Blijf-van-mijn-lijfhuis", operator=None,
                    municipality="Zwolle", province="Overijssel", latitude=52.5012345,
                    longitude=6.0987654, capacity=25, confidential=True)  # fmt: skip


@pytest.mark.parametrize("extension", ["csv", "gpkg"])
def test_importing_the_services_own_export_changes_nothing(
    client, cli, headers_for, shelters, tmp_path, extension
):
    coordinator = headers_for("coordinator")
    url = f"/api/v1/exports/locations.{extension}"
    exported = client.get(url, headers=coordinator)
    assert exported.status_code == 200
    path = tmp_path / f"locations.{extension}"
    path.write_bytes(exported.get_data())
    before = stored_rows()
    geojson_before = client.get("/api/v1/exports/locations.geojson", headers=coordinator)

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 4 unchanged" in result.output
    assert stored_rows() == before
    again = client.get(url, headers=coordinator).get_data()
    if extension == "csv":
        assert again == exported.get_data()
    else:  # a GeoPackage records when it was written: compare what it holds
        (tmp_path / "again.gpkg").write_bytes(again)
        geopandas.testing.assert_geodataframe_equal(
            geopandas.read_file(tmp_path / "again.gpkg"), geopandas.read_file(path)
        )
    geojson_after = client.get("/api/v1/exports/locations.geojson", headers=coordinator)
    assert geojson_after.get_data() == geojson_before.get_data()
    assert import_events()[-1]["changes"] == {}


def test_absent_columns_and_empty_cells_leave_the_stored_values(cli, shelters, tmp_path):
    before = stored_rows()
    path = write_csv(
        tmp_path / "partial.csv",
        [["TER-APEL", "Aanmeldcentrum", "", ""], ["GEHEIM-1", "", "", "45"]],
        header=["code", "name", "operator", "capacity"],
    )

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated, 0 unchanged" in result.output
    after = stored_rows()
    assert after["TER-APEL"] == {
        **before["TER-APEL"],
        "name": "Aanmeldcentrum",
        "updated_at": after["TER-APEL"]["updated_at"],
    }
    assert after["GEHEIM-1"] == {
        **before["GEHEIM-1"],
        "capacity": 45,
        "updated_at": after["GEHEIM-1"]["updated_at"],
    }
    assert after["GEHEIM-1"]["confidential"] is True
    assert after["GEHEIM-1"]["operator"] == "Fier"
    assert after["ZWOLLE-HAL"] == before["ZWOLLE-HAL"]


def test_the_audit_event_lists_each_change_with_old_and_new_values(cli, shelters, tmp_path):
    new = [*TER_APEL]
    new[0], new[1] = "NIEUW-1", "Nieuwe opvang"
    path = write_csv(
        tmp_path / "changes.csv",
        [
            ["TER-APEL", "Aanmeldcentrum Ter Apel", "1800", ""],
            ["ZWOLLE-HAL", "Sporthal De Marslanden", "", "true"],
            ["GEHEIM-2", "Blijf-van-mijn-lijfhuis", "25", ""],
        ],
        header=["code", "name", "capacity", "active"],
    )
    cli.invoke(args=["locations", "import", str(write_csv(tmp_path / "new.csv", [new]))])

    result = cli.invoke(args=["locations", "import", str(path)])

    assert result.exit_code == 0, result.output
    event = import_events()[-1]
    assert event["created"] == 0 and event["updated"] == 2 and event["unchanged"] == 1
    assert event["changes"] == {
        "TER-APEL": {"capacity": {"old": 2000, "new": 1800}},
        "ZWOLLE-HAL": {
            "name": {"old": "Sporthal", "new": "Sporthal De Marslanden"},
            "active": {"old": False, "new": True},
        },
    }
    created = import_events()[0]["changes"]["NIEUW-1"]
    assert created["name"] == {"old": None, "new": "Nieuwe opvang"}
    assert created["confidential"] == {"old": None, "new": False}


def test_making_a_protected_shelter_public_needs_allow_unprotect(cli, shelters, tmp_path):
    before = stored_rows()
    path = write_csv(
        tmp_path / "public.csv",
        [
            ["TER-APEL", "1900", "false"],
            ["GEHEIM-1", "40", "false"],
            ["GEHEIM-2", "30", "nee" if False else "0"],
        ],
        header=["code", "capacity", "confidential"],
    )

    refused = cli.invoke(args=["locations", "import", str(path)])

    assert refused.exit_code == 1
    assert "row 3.confidential" in refused.output and "GEHEIM-1" in refused.output
    assert "row 4.confidential" in refused.output and "GEHEIM-2" in refused.output
    assert "row 2" not in refused.output
    assert "--allow-unprotect" in refused.output
    assert stored_rows() == before

    allowed = cli.invoke(args=["locations", "import", str(path), "--allow-unprotect"])

    assert allowed.exit_code == 0, allowed.output
    assert "GEHEIM-1" in allowed.output and "GEHEIM-2" in allowed.output
    after = stored_rows()
    assert after["GEHEIM-1"]["confidential"] is False
    assert after["GEHEIM-2"]["confidential"] is False
    event = import_events()[-1]
    assert event["unprotected"] == ["GEHEIM-1", "GEHEIM-2"]
    assert event["changes"]["GEHEIM-1"] == {"confidential": {"old": True, "new": False}}


# --- a bad file is one clear message, never a traceback --------------------------------------


def assert_refused_cleanly(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output


def test_a_file_that_is_not_utf8_names_the_row_and_field(cli, tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [TER_APEL, SPORTHAL])
    path.write_bytes(path.read_bytes().replace(b"Sporthal De", "Sporthal Dé".encode("latin-1")))

    result = cli.invoke(args=["locations", "import", str(path)])

    assert_refused_cleanly(result, "row 3.name", "UTF-8")
    assert locations() == {}


def test_a_header_that_is_not_utf8_is_named(cli, tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [TER_APEL], header=[*HEADER[:-1], "actief"])
    path.write_bytes(path.read_bytes().replace(b"actief", "actiéf".encode("latin-1")))

    result = cli.invoke(args=["locations", "import", str(path)])

    assert_refused_cleanly(result, "row 1.acti\\xe9f", "UTF-8")


def test_a_field_over_128_kib_names_the_row_and_field(cli, tmp_path):
    long_name = [*SPORTHAL]
    long_name[1] = "x" * (200 * 1024)

    result = cli.invoke(
        args=["locations", "import", str(write_csv(tmp_path / "long.csv", [TER_APEL, long_name]))]
    )

    assert_refused_cleanly(result, "row 3.name", "200")
    assert len(result.output) < 1000


@pytest.mark.parametrize("column", [8, 6])
def test_a_huge_number_names_the_row_and_field(cli, tmp_path, column):
    huge = [*TER_APEL]
    huge[column] = "9" * 5000

    result = cli.invoke(args=["locations", "import", str(write_csv(tmp_path / "h.csv", [huge]))])

    assert_refused_cleanly(result, f"row 2.{HEADER[column]}")
    assert len(result.output) < 1000


def test_a_nul_character_is_refused_on_every_database(cli, tmp_path):
    nul = [*TER_APEL]
    nul[1] = "Ter\x00Apel"

    result = cli.invoke(args=["locations", "import", str(write_csv(tmp_path / "nul.csv", [nul]))])

    assert_refused_cleanly(result, "row 2.name", "NUL")
    assert locations() == {}


def test_a_missing_file_is_one_clear_message(cli, tmp_path):
    result = cli.invoke(args=["locations", "import", str(tmp_path / "nope.csv")])

    assert_refused_cleanly(result, "does not exist")
