"""The map for reports: a PNG of the locations coloured by status, for a phone or an A4 page."""

from __future__ import annotations

import io

import numpy as np
import pytest
from geo_helpers import API, CRITICAL, MAP_URL, SECRET, municipality_boundaries, province_boundaries
from PIL import Image
from sqlalchemy import event

from geodata.colours import STATUS_COLOURS, WATER_COLOUR
from geodata.maps import share_colourmap
from inspection.db import db
from inspection.models import Location


def image(response) -> Image.Image:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "image/png"
    picture = Image.open(io.BytesIO(response.get_data()))
    picture.load()
    return picture


def pixels(response) -> np.ndarray:
    return np.asarray(image(response).convert("RGB"), dtype=np.int16)


def colour_pixels(array: np.ndarray, colour: str) -> int:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(array - rgb).sum(axis=2) <= 6).sum())


def hex_of(rgba) -> str:
    """``#rrggbb`` of a matplotlib RGBA tuple, as the map blends it at 85% over white."""
    return "#" + "".join(f"{round(255 - 0.85 * (255 - 255 * c)):02x}" for c in rgba[:3])


def colour_present(array: np.ndarray, colour: str) -> bool:
    return colour_pixels(array, colour) > 0


def load_boundaries(cli, tmp_path) -> None:
    for level, frame in (
        ("province", province_boundaries()),
        ("municipality", municipality_boundaries()),
    ):
        path = tmp_path / f"{level}.gpkg"
        frame.to_file(path)
        result = cli.invoke(
            args=["regions", "import", str(path), "--level", level, "--name-field", "statnaam"]
        )
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("size", "dimensions"), [("phone", (1080, 1350)), ("a4", (1240, 1754)), (None, (1240, 1754))]
)
def test_the_map_has_the_size_asked_for(client, world, size, dimensions):
    query = {"size": size} if size else {}

    picture = image(client.get(MAP_URL, query_string=query, headers=world["viewer"]))

    assert picture.format == "PNG"
    assert picture.size == dimensions


def test_the_points_are_coloured_by_status(client, world):
    array = pixels(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=world["coordinator"])
    )

    for status in ("critical", "below_norm", "meets_norms", "not_inspected", "incomplete"):
        assert colour_present(array, STATUS_COLOURS[status]), status


def test_a_location_turning_critical_changes_the_pixels(client, world, submit):
    before = client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])

    submit("GRON-OK", CRITICAL, observed_at="2026-11-21T10:00:00+01:00")
    after = client.get(
        MAP_URL, query_string={"size": "phone"},
        headers={**world["viewer"], "If-None-Match": before.headers["ETag"]},
    )  # fmt: skip

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert (pixels(before) != pixels(after)).any()


def test_an_unchanged_map_is_304(client, world):
    first = client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])

    again = client.get(
        MAP_URL, query_string={"size": "phone"},
        headers={**world["viewer"], "If-None-Match": first.headers["ETag"]},
    )  # fmt: skip
    other_size = client.get(
        MAP_URL, query_string={"size": "a4"},
        headers={**world["viewer"], "If-None-Match": first.headers["ETag"]},
    )  # fmt: skip

    assert again.status_code == 304
    assert other_size.status_code == 200


def test_a_known_map_is_304_before_anything_is_drawn(client, world, another_app):
    """Another worker, with nothing cached, answers the ETag without reading the picture."""
    first = client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])
    other_worker = another_app()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with other_worker.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        again = other_worker.test_client().get(
            MAP_URL, query_string={"size": "phone"},
            headers={**world["viewer"], "If-None-Match": first.headers["ETag"]},
        )  # fmt: skip
        event.remove(db.engine, "before_cursor_execute", record)

    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    assert statements
    assert not any(" as latest" in statement.lower() for statement in statements)


def test_filters_change_the_map(client, world):
    everything = client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])
    critical = client.get(
        MAP_URL, query_string={"size": "phone", "status": "critical"}, headers=world["viewer"]
    )

    # The legend keeps a swatch of every status; the points of the others are gone.
    yellow = STATUS_COLOURS["incomplete"]
    assert colour_pixels(pixels(critical), yellow) < colour_pixels(pixels(everything), yellow)


def test_a_secret_point_never_moves_the_map_of_a_viewer(client, world):
    """Moving the real point of a secret shelter changes only the coordinator's map."""
    viewer_before = pixels(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])
    )
    coordinator_before = pixels(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=world["coordinator"])
    )

    # Into another province: for a viewer it still counts in its recorded municipality.
    secret = db.session.scalars(db.select(Location).where(Location.code == SECRET["code"])).one()
    secret.latitude, secret.longitude = 52.9, 5.5
    db.session.commit()

    viewer_after = pixels(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"])
    )
    coordinator_after = pixels(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=world["coordinator"])
    )
    assert (viewer_before == viewer_after).all()
    assert (coordinator_before != coordinator_after).any()


def test_without_imported_boundaries_the_shipped_provinces_make_the_map(client, app, world):
    shipped = pixels(client.get(MAP_URL, query_string={"size": "a4"}, headers=world["viewer"]))
    app.config["DEFAULT_BOUNDARIES"] = False
    bare = pixels(client.get(MAP_URL, query_string={"size": "a4"}, headers=world["viewer"]))

    # The sea around the land, and the provinces filled by their share below the norms.
    assert colour_pixels(shipped, WATER_COLOUR) > 100_000
    assert colour_pixels(bare, WATER_COLOUR) == 0
    blues = share_colourmap()
    groningen = blues(0.25)  # GRON-CRIT of the 4 Groningen locations is below the norms
    overijssel = blues(1.0)  # all 3 Overijssel locations are
    for colour in (groningen, overijssel):
        assert colour_pixels(shipped, hex_of(colour)) > 2_000


def test_dots_that_need_action_are_larger_than_the_others(client, world):
    array = pixels(client.get(MAP_URL, query_string={"size": "a4"}, headers=world["coordinator"]))

    # One location each: GRON-OK meets the norms, ZWOL-LOW is below them.
    fewest = {s: colour_pixels(array, STATUS_COLOURS[s]) for s in ("meets_norms", "below_norm")}
    assert fewest["below_norm"] > 1.3 * fewest["meets_norms"] > 0


def test_with_imported_boundaries_the_map_shows_their_choropleth(client, world, cli, tmp_path):
    shipped = pixels(client.get(MAP_URL, query_string={"size": "a4"}, headers=world["viewer"]))
    load_boundaries(cli, tmp_path)

    response = client.get(MAP_URL, query_string={"size": "a4"}, headers=world["viewer"])

    with_regions = pixels(response)
    assert with_regions.shape == shipped.shape
    assert (with_regions != shipped).any()
    # Zwolle: one of its two locations below the norms -> the middle of the blues.
    assert colour_pixels(with_regions, hex_of(share_colourmap()(0.5))) > 300


def test_bad_map_queries_are_422(client, world):
    response = client.get(MAP_URL, query_string={"size": "poster"}, headers=world["viewer"])

    assert response.status_code == 422
    assert "size" in response.get_json()["error"]["fields"]


def test_a_manager_maps_only_their_own_locations(client, world):
    manager = pixels(client.get(MAP_URL, query_string={"size": "phone"}, headers=world["manager"]))
    viewer = pixels(client.get(MAP_URL, query_string={"size": "phone"}, headers=world["viewer"]))

    # Their locations are in Zwolle: Groningen's critical point is not theirs.
    red = STATUS_COLOURS["critical"]
    assert colour_pixels(manager, red) < colour_pixels(viewer, red)
    assert colour_present(manager, STATUS_COLOURS["below_norm"])


def test_an_empty_map_still_renders(client, norm_set, headers_for):
    picture = image(
        client.get(MAP_URL, query_string={"size": "phone"}, headers=headers_for("viewer"))
    )

    assert picture.size == (1080, 1350)


def test_the_map_is_listed_in_the_api_document(client):
    document = client.get(f"{API}/openapi.json").get_json()

    operation = document["paths"][f"{API}/maps/locations.png"]["get"]
    assert "image/png" in operation["responses"]["200"]["content"]


def test_a_filter_in_a_script_the_font_lacks_still_gives_a_map(client, norm_set, headers_for):
    response = client.get(
        "/api/v1/maps/locations.png",
        query_string={"province": "\u0986\u09b8\u09be\u09ae \U0001f600"},
        headers=headers_for("coordinator"),
    )

    assert response.status_code == 200
    assert response.mimetype == "image/png"
