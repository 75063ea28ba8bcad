"""Protected shelters: no export, in any format or filter, shows their real point, name or code.

Only coordinators see them as they are. Everyone else gets them at the mean
position of their municipality's non-confidential locations (or without a
position), masked, yet counted.
"""

from __future__ import annotations

import csv
import io
import json
import struct

import geopandas
import pytest
import shapely
import shapely.affinity
from geo_helpers import (
    API,
    CSV_URL,
    GEOJSON_URL,
    GPKG_URL,
    LOCATIONS,
    LONELY,
    REGIONS_URL,
    SECRET,
    features_by_code,
    municipality_boundaries,
    province_boundaries,
    strict_json,
)

NON_COORDINATORS = ("inspector", "manager", "viewer")
FILTERS = [
    {},
    {"status": "critical"},
    {"status": "below"},
    {"status": ["below_norm", "critical", "meets_norms"]},
    {"type": "azc"},
    {"type": "noodopvang"},
    {"province": "Overijssel"},
    {"domain": "HYG"},
    {"as_of": "2026-11-20"},
    {"as_of": "2026-11-01"},
]
LOCATION_EXPORTS = [GEOJSON_URL, CSV_URL, GPKG_URL]


def secret_texts() -> list[bytes]:
    """Every way a secret point, name or code could show up in the bytes of an export."""
    texts = []
    for place in (SECRET, LONELY):
        texts += [
            place["code"].encode(),
            place["name"].encode(),
            place["name"].split()[-1].encode(),
        ]
        for value in (place["lat"], place["lon"]):
            for digits in (7, 6, 5, 4):
                rounded = round(value, digits)
                texts.append(repr(rounded).encode())
                # GeoPackage geometries and R-tree bounds are binary doubles and floats.
                texts += [struct.pack("<d", rounded), struct.pack(">d", rounded)]
                texts += [struct.pack("<f", rounded), struct.pack(">f", rounded)]
    return texts


def decoded_points(url: str, data: bytes, tmp_path) -> list[tuple[float, float]]:
    """(longitude, latitude) of every location in an export."""
    if url == CSV_URL:
        rows = csv.DictReader(io.StringIO(data.decode()))
        return [(float(r["longitude"]), float(r["latitude"])) for r in rows if r["latitude"]]
    if url == GPKG_URL:
        path = tmp_path / "export.gpkg"
        path.write_bytes(data)
        frame = geopandas.read_file(path)
        return [(g.x, g.y) for g in frame.geometry if g is not None and not g.is_empty]
    document = strict_json(data)
    return [
        tuple(f["geometry"]["coordinates"])
        for f in document["features"]
        if f["geometry"] and f["geometry"]["type"] == "Point"
    ]


def shown_rows(url: str, data: bytes, tmp_path) -> dict[str, tuple[str, bool]]:
    """``{code: (name, masked)}`` of every location in an export."""
    if url == CSV_URL:
        rows = csv.DictReader(io.StringIO(data.decode()))
        return {r["code"]: (r["name"], {"true": True, "false": False}[r["masked"]]) for r in rows}
    if url == GPKG_URL:
        path = tmp_path / "export.gpkg"
        path.write_bytes(data)
        frame = geopandas.read_file(path)
        assert frame["masked"].dtype == bool
        return {
            code: (name, flag)
            for code, name, flag in zip(
                frame["code"], frame["name"], frame["masked"].tolist(), strict=True
            )
        }
    return {
        f["properties"]["code"]: (f["properties"]["name"], f["properties"]["masked"])
        for f in strict_json(data)["features"]
    }


def assert_no_secret(data: bytes, context: object) -> None:
    for text in secret_texts():
        assert text not in data, (context, text)


def assert_far_from_secrets(points, context: object) -> None:
    for lon, lat in points:
        for place in (SECRET, LONELY):
            distance = max(abs(lon - place["lon"]), abs(lat - place["lat"]))
            assert distance > 0.001, (context, (lon, lat), place["code"])


@pytest.fixture
def boundaries_loaded(cli, tmp_path):
    for level, frame in (
        ("province", province_boundaries()),
        ("municipality", municipality_boundaries()),
    ):
        path = tmp_path / f"{level}.gpkg"
        frame.to_file(path, layer=level)
        result = cli.invoke(
            args=["regions", "import", str(path), "--level", level, "--name-field", "statnaam"]
        )
        assert result.exit_code == 0, result.output


def test_the_checks_would_see_a_real_point(client, world, tmp_path):
    """The coordinator's export holds the secrets: proof that the checks below can find them."""
    for url in LOCATION_EXPORTS:
        data = client.get(url, headers=world["coordinator"]).get_data()
        assert SECRET["code"].encode() in data
        points = decoded_points(url, data, tmp_path)
        assert (round(SECRET["lon"], 6), round(SECRET["lat"], 6)) in [
            (round(x, 6), round(y, 6)) for x, y in points
        ], url
        with pytest.raises(AssertionError):
            assert_no_secret(data, url)


@pytest.mark.parametrize("role", NON_COORDINATORS)
@pytest.mark.parametrize("url", LOCATION_EXPORTS)
def test_no_location_export_shows_a_secret(client, world, tmp_path, role, url):
    for query in FILTERS:
        response = client.get(url, query_string=query, headers=world[role])
        assert response.status_code == 200, (query, response.get_data()[:300])
        data = response.get_data()
        assert_no_secret(data, (role, url, query))
        assert_far_from_secrets(decoded_points(url, data, tmp_path), (role, url, query))


@pytest.mark.parametrize("role", [*NON_COORDINATORS, "coordinator"])
@pytest.mark.parametrize("url", LOCATION_EXPORTS)
def test_masked_is_true_exactly_where_code_and_name_are_masked(client, world, tmp_path, role, url):
    """Every export says which locations are masked, so that no reader has to know how a
    masked code is spelt; only coordinators get protected shelters unmasked."""
    secrets = {SECRET["code"], LONELY["code"]}
    # Today's picture (the GeoJSON from the features kept at write time) and a computed day.
    for query in ({}, {"as_of": "2026-11-20"}, {"province": "Overijssel"}):
        data = client.get(url, query_string=query, headers=world[role]).get_data()

        rows = shown_rows(url, data, tmp_path)
        masked = {code for code, (_, flag) in rows.items() if flag}
        if role == "coordinator":
            assert masked == set(), (url, query)
            assert secrets <= set(rows), (url, query)
            continue
        assert masked == {code for code in rows if code.startswith("VERTROUWELIJK-")}
        assert {rows[code][0] for code in masked} == {"Vertrouwelijke locatie"}
        # The manager runs one of the two, and gets it masked too: exports get passed on.
        assert len(masked) == (1 if role == "manager" else 2), (url, query)
        assert not secrets & set(rows)
        assert_no_secret(data, (role, url, query))


@pytest.mark.parametrize("role", NON_COORDINATORS)
@pytest.mark.parametrize("boundaries", ["none", "shipped", "imported"])
def test_no_region_export_shows_a_secret(client, app, world, request, role, boundaries):
    if boundaries == "none":
        app.config["DEFAULT_BOUNDARIES"] = False
    if boundaries == "imported":
        request.getfixturevalue("boundaries_loaded")
    for level in ("province", "municipality"):
        for as_of in (None, "2026-11-20"):
            query = {"level": level, **({"as_of": as_of} if as_of else {})}
            response = client.get(REGIONS_URL, query_string=query, headers=world[role])
            assert response.status_code == 200
            data = response.get_data()
            if boundaries != "none":
                # The polygons are public boundaries: what must not leak is in the rest.
                document = strict_json(data)
                for feature in document["features"]:
                    feature["geometry"] = None
                data = json.dumps(document, ensure_ascii=False).encode()
            assert_no_secret(data, (role, query))
            if boundaries == "none":
                points = [
                    tuple(f["geometry"]["coordinates"])
                    for f in strict_json(data)["features"]
                    if f["geometry"]
                ]
                assert_far_from_secrets(points, (role, query))


@pytest.mark.parametrize("role", NON_COORDINATORS)
def test_a_secret_is_shown_at_its_municipalitys_mean_or_nowhere(client, world, role):
    features = features_by_code(
        strict_json(client.get(GEOJSON_URL, headers=world[role]).get_data())
    )

    masked = [code for code in features if code.startswith("VERTROUWELIJK-")]
    secret = next(
        features[c] for c in masked if features[c]["properties"]["municipality"] == "Zwolle"
    )
    assert secret["properties"]["name"] == "Vertrouwelijke locatie"
    assert secret["properties"]["status"] == "critical"  # it still counts
    assert secret["geometry"]["coordinates"] == features["ZWOL-LOW"]["geometry"]["coordinates"]
    if role != "manager":  # the manager does not run the lonely one
        lonely = next(
            features[c] for c in masked if features[c]["properties"]["municipality"] == "Dalfsen"
        )
        assert lonely["geometry"] is None
        assert lonely["properties"]["status"] == "below_norm"


def test_masked_rows_are_sorted_by_their_masked_code(client, world):
    """In the order of the real codes a masked row's place would hint at its code."""
    document = strict_json(client.get(GEOJSON_URL, headers=world["viewer"]).get_data())

    codes = [f["properties"]["code"] for f in document["features"]]
    assert codes == sorted(codes)


def test_secrets_count_in_the_regions_of_their_recorded_municipality(
    client, world, boundaries_loaded
):
    document = strict_json(
        client.get(
            REGIONS_URL, query_string={"level": "municipality"}, headers=world["viewer"]
        ).get_data()
    )

    regions = {f["properties"]["name"]: f["properties"] for f in document["features"]}
    assert regions["Zwolle"]["locations"] == 2
    assert regions["Zwolle"]["critical"] == 1
    assert regions["Dalfsen"]["locations"] == 1
    assert regions["Dalfsen"]["below_norm"] == 1


def grid(cell_m: float = 1000) -> geopandas.GeoDataFrame:
    """Square cells (EPSG:28992) over Overijssel's locations, each named by its column and row."""
    points = geopandas.GeoSeries(
        [shapely.Point(loc["longitude"], loc["latitude"]) for loc in LOCATIONS
         if loc["province"] == "Overijssel"], crs=4326
    ).to_crs(28992)  # fmt: skip
    x0, y0, x1, y1 = points.total_bounds
    cells = [
        (f"cel {i}-{j}", shapely.box(x, y, x + cell_m, y + cell_m))
        for i, x in enumerate(range(int(x0) - 2000, int(x1) + 2000, int(cell_m)))
        for j, y in enumerate(range(int(y0) - 2000, int(y1) + 2000, int(cell_m)))
    ]
    return geopandas.GeoDataFrame(
        {"statnaam": [c[0] for c in cells]}, geometry=[c[1] for c in cells], crs=28992
    )


def cell_of(frame: geopandas.GeoDataFrame, place: dict) -> str:
    point = geopandas.GeoSeries([shapely.Point(place["lon"], place["lat"])], crs=4326)
    inside = frame[frame.contains(point.to_crs(28992).iloc[0])]
    return inside["statnaam"].iloc[0]


@pytest.mark.parametrize("role", [*NON_COORDINATORS, "coordinator"])
def test_a_fine_grid_loaded_as_municipalities_does_not_find_a_secret(
    client, world, cli, tmp_path, role
):
    cells = grid()
    path = tmp_path / "grid.gpkg"
    cells.to_file(path)
    result = cli.invoke(
        args=["regions", "import", str(path), "--level", "municipality", "--name-field", "statnaam"]
    )
    assert result.exit_code == 0, result.output

    document = strict_json(
        client.get(
            REGIONS_URL, query_string={"level": "municipality"}, headers=world[role]
        ).get_data()
    )

    counts = {f["properties"]["name"]: f["properties"]["locations"] for f in document["features"]}
    secret_cells = {cell_of(cells, SECRET), cell_of(cells, LONELY)}
    public_cell = cell_of(cells, {"lon": 6.0830, "lat": 52.5168})  # ZWOL-LOW
    assert public_cell not in secret_cells
    assert counts[public_cell] == 1
    if role == "coordinator":  # who may see where a secret is gets it where it is
        assert all(counts[cell] == 1 for cell in secret_cells)
    else:  # no cell is named like a recorded municipality: secrets count in none
        assert all(counts[cell] == 0 for cell in secret_cells)
        assert sum(counts.values()) == 1


def test_a_secret_counts_where_it_is_recorded_not_where_it_lies(client, world, cli, tmp_path):
    # Boundaries in which LONELY-SECRET's real point lies in "Zwolle", while it is
    # recorded in Dalfsen, whose boundary lies elsewhere.
    frame = municipality_boundaries()
    zwolle = frame.index[frame["statnaam"] == "Zwolle"][0]
    dalfsen = frame.index[frame["statnaam"] == "Dalfsen"][0]
    frame.loc[zwolle, "geometry"] = frame.loc[[zwolle, dalfsen]].union_all()
    frame.loc[dalfsen, "geometry"] = shapely.affinity.translate(
        frame.loc[dalfsen, "geometry"], 0, 20000
    )
    path = tmp_path / "m.gpkg"
    frame.to_file(path)
    result = cli.invoke(
        args=["regions", "import", str(path), "--level", "municipality", "--name-field", "statnaam"]
    )
    assert result.exit_code == 0, result.output

    def counts(role: str) -> dict[str, int]:
        document = strict_json(
            client.get(
                REGIONS_URL, query_string={"level": "municipality"}, headers=world[role]
            ).get_data()
        )
        return {f["properties"]["name"]: f["properties"]["locations"] for f in document["features"]}

    assert counts("viewer")["Zwolle"] == 2 and counts("viewer")["Dalfsen"] == 1
    assert counts("coordinator")["Zwolle"] == 3 and counts("coordinator")["Dalfsen"] == 0


def test_the_locations_api_and_the_export_agree_on_the_generalised_point(client, world):
    listed = client.get(f"{API}/locations", headers=world["viewer"]).get_json()["items"]
    exported = strict_json(client.get(GEOJSON_URL, headers=world["viewer"]).get_data())

    listed_secret = next(i for i in listed if i["confidential"] and i["municipality"] == "Zwolle")
    exported_secret = next(
        f
        for f in exported["features"]
        if f["properties"]["code"].startswith("VERTROUWELIJK-")
        and f["properties"]["municipality"] == "Zwolle"
    )
    assert exported_secret["geometry"]["coordinates"] == [
        round(listed_secret["longitude"], 6),
        round(listed_secret["latitude"], 6),
    ]
