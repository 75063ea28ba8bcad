"""Coordinators load province and municipality boundaries; everyone gets counts per region."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas
import geopandas.testing
import pytest
import shapely
from geo_helpers import (
    REGIONS_URL,
    municipality_boundaries,
    province_boundaries,
    rectangles_around,
    strict_json,
    world_points,
)
from sqlalchemy import func, select

import geodata.boundaries
from inspection.db import db
from inspection.models import AuditEvent, Region


def import_regions(cli, path, level="province", name_field="statnaam"):
    return cli.invoke(
        args=["regions", "import", str(path), "--level", level, "--name-field", name_field]
    )


def write(frame: geopandas.GeoDataFrame, path) -> str:
    frame.to_file(path)
    return str(path)


def stored(level: str) -> geopandas.GeoDataFrame:
    rows = db.session.execute(
        select(Region.name, Region.geometry).where(Region.level == level).order_by(Region.name)
    ).all()
    return geopandas.GeoDataFrame(
        {"name": [r.name for r in rows]},
        geometry=shapely.from_wkb([r.geometry for r in rows]),
        crs=4326,
    )


def regions_of(client, headers, level: str, **query) -> dict[str, dict]:
    response = client.get(REGIONS_URL, query_string={"level": level, **query}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/geo+json"
    document = strict_json(response.get_data())
    assert document["type"] == "FeatureCollection" and "crs" not in document
    return {f["properties"]["name"]: f for f in document["features"]}


# --- loading boundaries ------------------------------------------------------------------


def test_boundaries_in_the_dutch_grid_are_reprojected_to_wgs84(cli, app, tmp_path):
    source = province_boundaries()  # EPSG:28992
    path = write(source, tmp_path / "provincies.gpkg")

    result = import_regions(cli, path)

    assert result.exit_code == 0, result.output
    assert "Loaded 2 province boundaries; 0 invalid geometries repaired" in result.output
    expected = geopandas.GeoDataFrame(
        {"name": ["Groningen", "Overijssel"]},
        geometry=shapely.orient_polygons(source.to_crs(4326).geometry.array),
        crs=4326,
    )
    geopandas.testing.assert_geodataframe_equal(
        stored("province"), expected, check_crs=True, check_less_precise=True
    )
    events = db.session.scalar(select(func.count()).where(AuditEvent.action == "regions.imported"))
    assert events == 1


def test_a_second_import_replaces_the_regions_of_that_level_only(cli, tmp_path):
    import_regions(cli, write(province_boundaries(), tmp_path / "p.gpkg"))
    import_regions(cli, write(municipality_boundaries(), tmp_path / "m.gpkg"), "municipality")
    only_groningen = province_boundaries().iloc[[0]]

    result = import_regions(cli, write(only_groningen, tmp_path / "p2.gpkg"))

    assert result.exit_code == 0, result.output
    assert list(stored("province")["name"]) == ["Groningen"]
    assert list(stored("municipality")["name"]) == ["Dalfsen", "Groningen", "Zwolle"]


def test_an_invalid_bow_tie_is_repaired_and_reported(cli, tmp_path):
    frame = province_boundaries()
    x0, y0, x1, y1 = frame.geometry.iloc[0].bounds
    frame.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    assert not frame.geometry.iloc[0].is_valid

    result = import_regions(cli, write(frame, tmp_path / "bowtie.gpkg"))

    assert result.exit_code == 0, result.output
    assert "1 invalid geometries repaired" in result.output
    repaired = stored("province").set_index("name").geometry["Groningen"]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2


def test_features_sharing_a_name_become_one_region(cli, tmp_path):
    frame = rectangles_around(
        {
            "Overijssel": world_points("ZWOL-LOW"),
            "Overijssel-b": world_points("LONELY-SECRET"),
        }
    )
    frame["statnaam"] = "Overijssel"

    result = import_regions(cli, write(frame, tmp_path / "parts.gpkg"))

    assert result.exit_code == 0, result.output
    assert "1 features merged by name" in result.output
    regions = stored("province")
    assert list(regions["name"]) == ["Overijssel"]
    assert regions.geometry.iloc[0].geom_type == "MultiPolygon"


def test_a_file_without_a_crs_is_refused(cli, tmp_path):
    frame = province_boundaries().set_crs(None, allow_override=True)
    path = tmp_path / "zonder.shp"
    with pytest.warns(UserWarning, match="crs"):
        frame.to_file(path)

    result = import_regions(cli, path)

    assert result.exit_code != 0
    assert "no coordinate reference system" in result.output
    assert stored("province").empty


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("points", "are not polygons"),
        ("lines_only", "are not polygons"),
        ("blank_name", "have no statnaam"),
        ("no_field", "has no field 'statnaam'; its fields are: naam"),
        ("wrong_crs", "no boundary lies in the service area"),
        ("missing_file", "does not exist"),
    ],
)
def test_bad_boundary_files_are_refused_and_keep_what_was_loaded(cli, tmp_path, change, message):
    import_regions(cli, write(province_boundaries(), tmp_path / "good.gpkg"))
    frame = province_boundaries()
    if change == "points":
        frame["geometry"] = frame.geometry.centroid
    elif change == "lines_only":
        # A "polygon" with no area: make_valid leaves only a line.
        x, y = frame.geometry.iloc[0].centroid.coords[0]
        frame.loc[0, "geometry"] = shapely.Polygon(
            [(x, y), (x + 1000, y + 1000), (x + 2000, y + 2000), (x, y)]
        )
    elif change == "blank_name":
        frame.loc[1, "statnaam"] = " "
    elif change == "no_field":
        frame = frame.rename(columns={"statnaam": "naam"})
    elif change == "wrong_crs":
        frame = frame.set_crs(4326, allow_override=True)  # Dutch grid metres read as degrees
    path = tmp_path / "bad.gpkg"
    if change != "missing_file":
        frame.to_file(path)

    result = import_regions(cli, path)

    assert result.exit_code != 0
    assert message in result.output, result.output
    assert list(stored("province")["name"]) == ["Groningen", "Overijssel"]


def test_a_file_with_several_layers_needs_the_layer_named(cli, tmp_path):
    path = tmp_path / "wijkenbuurtkaart.gpkg"
    municipality_boundaries().rename(columns={"statnaam": "gemeentenaam"}).to_file(
        path, layer="gemeenten"
    )
    province_boundaries().to_file(path, layer="provincies")

    unnamed = import_regions(cli, path, "municipality", "gemeentenaam")
    unknown = cli.invoke(
        args=["regions", "import", str(path), "--level", "municipality",
              "--name-field", "gemeentenaam", "--layer", "wijken"]
    )  # fmt: skip
    named = cli.invoke(
        args=["regions", "import", str(path), "--level", "municipality",
              "--name-field", "gemeentenaam", "--layer", "gemeenten"]
    )  # fmt: skip

    assert unnamed.exit_code != 0
    assert "several layers; choose one of: gemeenten, provincies" in unnamed.output
    assert unknown.exit_code != 0 and "no layer 'wijken'" in unknown.output
    assert named.exit_code == 0, named.output
    assert list(stored("municipality")["name"]) == ["Dalfsen", "Groningen", "Zwolle"]


def test_an_unknown_level_is_refused(cli, tmp_path):
    result = import_regions(cli, write(province_boundaries(), tmp_path / "p.gpkg"), "wijk")

    assert result.exit_code != 0
    assert "wijk" in result.output


# --- counts per region -------------------------------------------------------------------


def test_without_boundaries_regions_are_points_at_the_mean_of_their_public_locations(
    client, app, world
):
    app.config["DEFAULT_BOUNDARIES"] = False

    regions = regions_of(client, world["viewer"], "province")

    assert sorted(regions) == ["Groningen", "Overijssel"]
    groningen = regions["Groningen"]
    assert groningen["properties"] == {
        "name": "Groningen",
        "locations": 4,
        "below_norm": 0,
        "critical": 1,
        "not_inspected": 1,
        "children_below_norm": 60,
        "mean_score": groningen["properties"]["mean_score"],
    }
    lons, lats = zip(*world_points("GRON-OK", "GRON-CRIT", "GRON-NEW", "GRON-HALF"), strict=True)
    assert groningen["geometry"] == {
        "type": "Point",
        "coordinates": [round(sum(lons) / 4, 6), round(sum(lats) / 4, 6)],
    }
    overijssel = regions["Overijssel"]
    assert overijssel["properties"]["locations"] == 3
    assert overijssel["properties"]["below_norm"] == 2
    assert overijssel["properties"]["critical"] == 1
    assert overijssel["properties"]["children_below_norm"] == 180
    # Only ZWOL-LOW is public there: the mean is its point.
    assert overijssel["geometry"]["coordinates"] == list(world_points("ZWOL-LOW")[0])


def test_a_municipality_with_only_secret_locations_has_no_geometry(client, app, world):
    app.config["DEFAULT_BOUNDARIES"] = False

    regions = regions_of(client, world["viewer"], "municipality")

    assert sorted(regions) == ["Dalfsen", "Groningen", "Zwolle"]
    assert regions["Dalfsen"]["geometry"] is None
    assert regions["Dalfsen"]["properties"]["locations"] == 1


def test_the_mean_score_is_over_inspected_locations_with_one_decimal(client, world):
    regions = regions_of(client, world["coordinator"], "province")
    listed = client.get(
        "/api/v1/locations", query_string={"province": "Groningen"}, headers=world["coordinator"]
    ).get_json()["items"]

    scores = [i["latest"]["overall"] for i in listed if i["latest"] and i["latest"]["overall"]]
    assert regions["Groningen"]["properties"]["mean_score"] == round(sum(scores) / len(scores), 1)


def test_with_boundaries_regions_are_polygons_counted_by_real_points(client, world, cli, tmp_path):
    assert import_regions(cli, write(province_boundaries(), tmp_path / "p.gpkg")).exit_code == 0
    # A province without locations is counted too, with zeros.
    extra = rectangles_around({"Utrecht": [(5.12, 52.09)]})
    frame = geopandas.GeoDataFrame(
        geopandas.pd.concat([municipality_boundaries(), extra], ignore_index=True), crs=28992
    )
    assert import_regions(cli, write(frame, tmp_path / "m.gpkg"), "municipality").exit_code == 0

    provinces = regions_of(client, world["viewer"], "province")
    municipalities = regions_of(client, world["viewer"], "municipality")

    assert provinces["Groningen"]["geometry"]["type"] == "Polygon"
    assert provinces["Overijssel"]["properties"]["locations"] == 3
    assert municipalities["Zwolle"]["properties"] == {
        **municipalities["Zwolle"]["properties"],
        "locations": 2,
        "below_norm": 1,
        "critical": 1,
        "children_below_norm": 120,
    }
    assert municipalities["Utrecht"]["properties"] == {
        "name": "Utrecht",
        "locations": 0,
        "below_norm": 0,
        "critical": 0,
        "not_inspected": 0,
        "children_below_norm": 0,
        "mean_score": None,
    }
    ring = municipalities["Zwolle"]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw  # RFC 7946: exterior rings counterclockwise
    assert all(len(repr(c).split(".")[1]) <= 6 for point in ring for c in point)


def test_locations_outside_every_boundary_are_reported(client, world, cli, tmp_path):
    only_groningen = province_boundaries().iloc[[0]]
    import_regions(cli, write(only_groningen, tmp_path / "g.gpkg"))

    response = client.get(REGIONS_URL, query_string={"level": "province"}, headers=world["viewer"])

    document = strict_json(response.get_data())
    assert [f["properties"]["name"] for f in document["features"]] == ["Groningen"]
    assert document["unassigned_locations"] == 3


def test_a_manager_counts_only_their_own_locations(client, world):
    regions = regions_of(client, world["manager"], "province")

    counted = {name: r["properties"]["locations"] for name, r in regions.items()}
    assert {name: n for name, n in counted.items() if n} == {"Overijssel": 2}


def test_regions_as_of_a_date(client, world, submit):
    submit("GRON-NEW", {"toilets_working": 3}, observed_at="2026-11-25T10:00:00+01:00")

    before = regions_of(client, world["viewer"], "province", as_of="2026-11-24")
    after = regions_of(client, world["viewer"], "province")

    assert before["Groningen"]["properties"]["not_inspected"] == 1
    assert before["Groningen"]["properties"]["critical"] == 1
    assert after["Groningen"]["properties"]["not_inspected"] == 0
    assert after["Groningen"]["properties"]["critical"] == 2


@pytest.mark.parametrize(
    "query", [{}, {"level": "wijk"}, {"level": "province", "as_of": "morgen"}], ids=repr
)
def test_bad_region_queries_are_422(client, world, query):
    response = client.get(REGIONS_URL, query_string=query, headers=world["viewer"])

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) <= {"level", "as_of"}


def test_region_exports_answer_304_until_boundaries_change(client, world, cli, tmp_path):
    first = client.get(REGIONS_URL, query_string={"level": "province"}, headers=world["viewer"])
    etag = {**world["viewer"], "If-None-Match": first.headers["ETag"]}

    cached = client.get(REGIONS_URL, query_string={"level": "province"}, headers=etag)
    import_regions(cli, write(province_boundaries(), tmp_path / "p.gpkg"))
    changed = client.get(REGIONS_URL, query_string={"level": "province"}, headers=etag)

    assert cached.status_code == 304
    assert changed.status_code == 200
    assert strict_json(changed.get_data())["features"][0]["geometry"]["type"] == "Polygon"


def test_a_file_that_is_not_utf8_names_the_feature_and_field(cli, tmp_path):
    path = tmp_path / "provincies.geojson"
    province_boundaries().to_file(path)
    text = path.read_text(encoding="utf-8").replace('"Overijssel"', '"Overijssel \u00e9\u00e9n"')
    path.write_bytes(text.encode("latin-1"))

    result = import_regions(cli, path)

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "feature 2.statnaam is not UTF-8 text" in result.output
    assert stored("province").empty


def test_a_huge_number_is_one_short_line(cli, tmp_path):
    path = tmp_path / "provincies.geojson"
    frame = province_boundaries()
    frame["code"] = 12
    frame.to_file(path)
    path.write_text(path.read_text().replace('"code": 12', '"code": ' + "9" * 5000, 1))

    result = import_regions(cli, path)

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "could not be read" in result.output and "number" in result.output
    assert result.output.strip().count("\n") == 0 and len(result.output) < 600
    assert stored("province").empty


# --- the boundaries shipped with the service -----------------------------------------------

SHIPPED = {
    "nl-provinces-2025.geojson": (
        "87c38d05a0dc97ddec1eb55f09bbeaae25d495aad6af410cc82851591371e2ae"
    ),
    "nl-municipalities-2023.geojson": (
        "6f8496711d5bf709a00599ee83ae639e521f099ed42ef08376c1030459e514b9"
    ),
}


def test_the_shipped_boundaries_are_the_published_files_unchanged():
    data = Path(geodata.boundaries.__file__).parent / "data"

    for name, digest in SHIPPED.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name
    readme = (data / "README.md").read_text()
    assert "Bron: CBS, Kadaster/PDOK" in readme and "CC BY 4.0" in readme


def test_without_imported_boundaries_the_shipped_ones_count_real_points(client, world):
    provinces = strict_json(
        client.get(REGIONS_URL, query_string={"level": "province"}, headers=world["viewer"]).data
    )
    municipalities = regions_of(client, world["viewer"], "municipality")

    names = [f["properties"]["name"] for f in provinces["features"]]
    assert len(names) == 12 and "Fryslân" in names and names == sorted(names)
    counted = {f["properties"]["name"]: f["properties"]["locations"] for f in provinces["features"]}
    assert {name: n for name, n in counted.items() if n} == {"Groningen": 4, "Overijssel": 3}
    assert provinces["unassigned_locations"] == 0
    assert provinces["attribution"] == "Bron: CBS, Kadaster/PDOK (CC BY 4.0)"
    for feature in provinces["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.is_valid
        assert all(shapely.LinearRing(p.exterior.coords).is_ccw for p in shapely.get_parts(shape))
    assert len(municipalities) == 342
    # The secret shelters count where their real points lie: LONELY-SECRET in Dalfsen.
    assert municipalities["Dalfsen"]["properties"]["locations"] == 1
    assert municipalities["Zwolle"]["properties"]["locations"] == 2
    assert municipalities["Groningen"]["properties"]["critical"] == 1
    assert municipalities["Amsterdam"]["properties"]["locations"] == 0


def test_imported_boundaries_replace_the_shipped_ones_of_their_level_only(
    client, world, cli, tmp_path
):
    assert import_regions(cli, write(province_boundaries(), tmp_path / "p.gpkg")).exit_code == 0

    provinces = strict_json(
        client.get(REGIONS_URL, query_string={"level": "province"}, headers=world["viewer"]).data
    )
    municipalities = regions_of(client, world["viewer"], "municipality")

    assert sorted(f["properties"]["name"] for f in provinces["features"]) == sorted(
        province_boundaries()["statnaam"]
    )
    assert "attribution" not in provinces
    assert len(municipalities) == 342
