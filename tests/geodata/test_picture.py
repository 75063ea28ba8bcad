"""The picture as a GeoDataFrame: one query for all locations, typed columns, the view of a role."""

from __future__ import annotations

from datetime import date

import geopandas
import geopandas.testing
import numpy as np
import pandas as pd
import pytest
import shapely
from geo_helpers import LONELY, SECRET
from sqlalchemy import event, select

from geodata.exports import to_csv, to_geojson
from geodata.picture import COLUMNS
from inspection.confidentiality import generalise_picture
from inspection.db import db, driver_rows
from inspection.models import User
from inspection.picture import PictureFilter, end_of_day, location_picture, real_picture


def user(role: str) -> User:
    return db.session.scalars(select(User).where(User.role == role)).first()


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)


def count_statements(build) -> list[str]:
    counter = StatementCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        build()
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return counter.statements


def test_the_coordinators_picture_has_every_column_typed(world):
    frame = location_picture(user=user("coordinator"))

    assert isinstance(frame, geopandas.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    assert tuple(c for c in frame.columns if c != "geometry") == COLUMNS
    assert (frame.geometry.geom_type == "Point").all()
    assert str(frame["capacity"].dtype) == "Int64"
    assert str(frame["children_present"].dtype) == "Int64"
    assert str(frame["observed_at"].dtype).startswith("datetime64")
    assert frame["observed_at"].dt.tz is not None
    row = frame.set_index("code").loc["GRON-CRIT"]
    assert row["status"] == "critical"
    assert row["critical_norms"] == ["HYG-01"]
    assert row["norm_set"] == "nl-children/2023.1"
    new = frame.set_index("code").loc["GRON-NEW"]
    assert new["status"] == "not_inspected"
    assert pd.isna(new["observed_at"]) and new["failed_norms"] is None


def test_generalising_moves_masks_and_keeps_the_rest(world):
    frame = location_picture(user=user("coordinator"))
    positions = {"Zwolle": (52.5, 6.1)}

    shown = generalise_picture(frame, positions)

    expected = frame.copy()
    secret = (expected["code"] == SECRET["code"]).to_numpy()
    lonely = (expected["code"] == LONELY["code"]).to_numpy()
    for rows in (secret, lonely):
        expected.loc[rows, "code"] = "VERTROUWELIJK-" + expected.loc[rows, "id"].astype(str)
    expected.loc[secret | lonely, "name"] = "Vertrouwelijke locatie"
    expected.loc[secret | lonely, "masked"] = True
    geometry = np.asarray(expected.geometry.array, dtype=object)
    geometry[secret] = shapely.Point(6.1, 52.5)
    geometry[lonely] = None
    expected = expected.set_geometry(geopandas.GeoSeries(geometry, crs=4326))
    expected = expected.sort_values("code", ignore_index=True)
    geopandas.testing.assert_geodataframe_equal(shown, expected, check_crs=True)


def test_generalising_refuses_a_frame_in_another_crs(world):
    frame = location_picture(user=user("coordinator")).to_crs(28992)

    with pytest.raises(ValueError, match="EPSG:4326"):
        generalise_picture(frame, {})
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_geojson(frame)
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_csv(frame)


def test_the_picture_is_one_query_however_many_locations(
    world, create_location, submit, monkeypatch
):
    # The picture's rows are read through the driver's cursor, which engine events do not
    # see: count those reads apart.
    read = []

    def reading(query):
        read.append(str(query))
        return driver_rows(query)

    monkeypatch.setattr("inspection.picture.query.driver_rows", reading)
    few = count_statements(lambda: real_picture(date(2026, 11, 28)))
    for n in range(15):
        create_location(code=f"EXTRA-{n}", latitude=52.0 + n / 100, longitude=5.0 + n / 100)
        if n % 3 == 0:
            submit(f"EXTRA-{n}")

    read.clear()
    many = count_statements(lambda: real_picture(date(2026, 11, 28)))

    assert len(many) == len(few)
    assert len([s for s in many if "FROM locations" in s]) == 1  # the fingerprint
    assert len(read) == 1 and "FROM locations" in read[0]  # the picture


def test_an_unchanged_picture_is_not_queried_again(world):
    real_picture()

    statements = count_statements(real_picture)

    assert len(statements) == 1  # only the fingerprint
    assert "location_pictures" not in statements[0]  # not the picture


def test_a_change_in_place_is_noticed(world, cli, tmp_path):
    """Rescoring changes stored scores without new rows: its audit event tells."""
    real_picture()
    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1"]
    )
    assert result.exit_code == 0, result.output

    statements = count_statements(real_picture)

    assert "location_pictures" in statements[-1]  # the picture, read again


def test_the_picture_is_filtered_in_pandas_like_in_sql(world):
    viewer = user("viewer")

    below = location_picture(user=viewer, filters=PictureFilter(statuses=("below",)))
    hyg = location_picture(user=viewer, filters=PictureFilter(domain="HYG"))

    assert set(below["status"]) == {"below_norm", "critical"}
    assert len(below) == 4
    assert set(hyg["code"]) == set(below["code"])


def test_as_of_means_the_end_of_the_day_in_amsterdam():
    assert end_of_day(date(2026, 11, 10)).isoformat() == "2026-11-10T22:59:59.999999+00:00"
    assert end_of_day(date(2026, 7, 1)).isoformat() == "2026-07-01T21:59:59.999999+00:00"
