"""Analysts pull the national picture as GeoJSON: what it holds, its filters, dates and caching."""

from __future__ import annotations

import pytest
from geo_helpers import (
    API,
    BELOW_NORM,
    CRITICAL,
    GEOJSON_URL,
    ROLES,
    assert_rfc7946,
    features_by_code,
    strict_json,
)

PROPERTIES = (
    "code", "name", "type", "municipality", "province", "capacity", "status", "overall",
    "coverage", "observed_at", "children_present", "failed_norms", "critical_norms",
    "failing_since", "norm_set", "masked",
)  # fmt: skip


def codes(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [f["properties"]["code"] for f in strict_json(response.get_data())["features"]]


def test_a_coordinator_gets_every_location_as_rfc_7946(client, world):
    response = client.get(GEOJSON_URL, headers=world["coordinator"])

    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    document = assert_rfc7946(response.get_data(), PROPERTIES)
    features = features_by_code(document)
    assert sorted(features) == sorted(
        [
            "GRON-OK",
            "GRON-CRIT",
            "GRON-NEW",
            "GRON-HALF",
            "ZWOL-LOW",
            "ZWOL-SECRET",
            "LONELY-SECRET",
        ]
    )
    assert list(features) == sorted(features)  # sorted by code
    ok = features["GRON-OK"]
    assert ok["geometry"] == {"type": "Point", "coordinates": [6.5665, 53.2194]}
    assert ok["properties"] == {
        "code": "GRON-OK",
        "name": "Azc Groningen",
        "type": "azc",
        "municipality": "Groningen",
        "province": "Groningen",
        "capacity": 400,
        "status": "meets_norms",
        "overall": 100.0,
        "coverage": 100.0,
        "observed_at": "2026-11-20T10:15:00+01:00",
        "children_present": 60,
        "failed_norms": [],
        "critical_norms": [],
        "failing_since": None,
        "norm_set": "nl-children/2023.1",
        "masked": False,
    }
    # The coordinator sees a secret shelter as it is, its point rounded to six decimals.
    assert features["ZWOL-SECRET"]["geometry"]["coordinates"] == [6.118765, 52.512346]
    assert features["ZWOL-SECRET"]["properties"]["masked"] is False


def test_statuses_failed_norms_and_a_location_never_inspected(client, world):
    features = features_by_code(
        strict_json(client.get(GEOJSON_URL, headers=world["coordinator"]).get_data())
    )

    crit = features["GRON-CRIT"]["properties"]
    assert crit["status"] == "critical"
    assert crit["failing_since"] == crit["observed_at"]
    assert crit["critical_norms"] == ["HYG-01"]
    assert "HYG-01" in crit["failed_norms"]
    low = features["ZWOL-LOW"]["properties"]
    assert (low["status"], low["failed_norms"], low["critical_norms"]) == (
        "below_norm",
        ["HYG-01"],
        [],
    )
    assert features["GRON-HALF"]["properties"]["status"] == "incomplete"
    assert features["GRON-HALF"]["properties"]["children_present"] == 30
    new = features["GRON-NEW"]["properties"]
    assert new == {
        **new,
        "status": "not_inspected",
        "capacity": None,
        "overall": None,
        "coverage": None,
        "observed_at": None,
        "children_present": None,
        "failed_norms": None,
        "critical_norms": None,
        "failing_since": None,
        "norm_set": None,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "critical"}, ["GRON-CRIT", "VERTROUWELIJK-6"]),
        ({"status": "below"}, ["GRON-CRIT", "VERTROUWELIJK-6", "VERTROUWELIJK-7", "ZWOL-LOW"]),
        ({"status": ["meets_norms", "not_inspected"]}, ["GRON-NEW", "GRON-OK"]),
        ({"status": "incomplete"}, ["GRON-HALF"]),
        ({"type": "noodopvang"}, ["GRON-HALF", "GRON-NEW", "VERTROUWELIJK-7"]),
        ({"province": "Overijssel"}, ["VERTROUWELIJK-6", "VERTROUWELIJK-7", "ZWOL-LOW"]),
        ({"domain": "HYG"}, ["GRON-CRIT", "VERTROUWELIJK-6", "VERTROUWELIJK-7", "ZWOL-LOW"]),
        ({"domain": "EDU"}, []),
        (
            {"status": "below", "type": "azc", "province": "Overijssel"},
            ["VERTROUWELIJK-6", "ZWOL-LOW"],
        ),
        ({"province": "Utrecht"}, []),
    ],
    ids=repr,
)
def test_filters(client, world, query, expected):
    response = client.get(GEOJSON_URL, query_string=query, headers=world["viewer"])

    assert codes(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "slecht"}, "status"),
        ({"status": ["below", "slecht"]}, "status"),
        ({"type": "tent"}, "type"),
        ({"domain": "hyg"}, "domain"),
        ({"domain": "XYZ"}, "domain"),
        ({"as_of": "2026-13-01"}, "as_of"),
        ({"as_of": "gisteren"}, "as_of"),
        ({"province": "Gron\tingen"}, "province"),
    ],
    ids=repr,
)
def test_bad_filters_are_422_naming_the_field(client, world, query, field):
    response = client.get(GEOJSON_URL, query_string=query, headers=world["viewer"])

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert any(path.split("[")[0].split(".")[0] == field for path in error["fields"]), error


def test_as_of_is_the_end_of_that_day_in_amsterdam(client, world, submit):
    # GRON-OK: below the norms late on 10 November (Dutch time), fine again on the 20th.
    submit("GRON-OK", BELOW_NORM, observed_at="2026-11-10T23:30:00+01:00")
    # Already 11 November in Amsterdam though still the 10th in UTC: not in the picture of the 10th.
    submit("GRON-OK", CRITICAL, observed_at="2026-11-11T00:30:00+01:00")
    headers = world["coordinator"]

    def status_on(day: str | None) -> str:
        query = {"as_of": day} if day else {}
        response = client.get(GEOJSON_URL, query_string=query, headers=headers)
        return features_by_code(strict_json(response.get_data()))["GRON-OK"]["properties"]

    assert status_on("2026-11-09")["status"] == "not_inspected"
    on_the_10th = status_on("2026-11-10")
    assert on_the_10th["status"] == "below_norm"
    assert on_the_10th["observed_at"] == "2026-11-10T23:30:00+01:00"
    assert status_on("2026-11-11")["status"] == "critical"
    assert status_on("2026-11-20")["status"] == "meets_norms"
    assert status_on(None)["status"] == "meets_norms"


def test_the_status_filter_applies_to_the_picture_of_the_date(client, world, submit):
    submit("GRON-OK", CRITICAL, observed_at="2026-11-01T12:00:00+01:00")

    earlier = client.get(
        GEOJSON_URL, query_string={"as_of": "2026-11-05", "status": "critical"},
        headers=world["coordinator"],
    )  # fmt: skip
    now = client.get(GEOJSON_URL, query_string={"status": "critical"}, headers=world["coordinator"])

    assert codes(earlier) == ["GRON-OK"]
    assert codes(now) == ["GRON-CRIT", "ZWOL-SECRET"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_export(client, world, role):
    response = client.get(GEOJSON_URL, headers=world[role])

    assert response.status_code == 200
    assert_rfc7946(response.get_data(), PROPERTIES)


def test_without_a_token_it_is_401(client, world):
    for url in ("locations.geojson", "locations.gpkg", "locations.csv", "regions.geojson"):
        response = client.get(f"{API}/exports/{url}", query_string={"level": "province"})
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.get(f"{API}/maps/locations.png").status_code == 401


def test_a_bad_filter_from_someone_not_logged_in_is_401_not_422(client, world):
    response = client.get(GEOJSON_URL, query_string={"status": "slecht"})

    assert response.status_code == 401
    assert "fields" not in response.get_json()["error"]


def test_a_manager_exports_only_their_own_locations(client, world):
    response = client.get(GEOJSON_URL, headers=world["manager"])

    assert codes(response) == ["VERTROUWELIJK-6", "ZWOL-LOW"]


def test_an_unchanged_export_answers_304_to_its_etag(client, world):
    first = client.get(GEOJSON_URL, headers=world["viewer"])
    etag = first.headers["ETag"]

    again = client.get(GEOJSON_URL, headers=world["viewer"])
    cached = client.get(GEOJSON_URL, headers={**world["viewer"], "If-None-Match": etag})
    other = client.get(GEOJSON_URL, headers={**world["viewer"], "If-None-Match": '"other"'})

    assert again.headers["ETag"] == etag and again.get_data() == first.get_data()
    assert cached.status_code == 304
    assert cached.get_data() == b""
    assert cached.headers["ETag"] == etag
    assert other.status_code == 200
    assert "Authorization" in first.headers["Vary"]
    assert "no-cache" in first.headers["Cache-Control"]


def test_the_etag_changes_when_the_data_change(client, world, submit, create_location):
    etag = client.get(GEOJSON_URL, headers=world["viewer"]).headers["ETag"]

    submit("GRON-OK", CRITICAL, observed_at="2026-11-21T09:00:00+01:00")
    after_inspection = client.get(GEOJSON_URL, headers={**world["viewer"], "If-None-Match": etag})
    create_location(code="NIEUW", municipality="Zwolle", province="Overijssel")
    after_location = client.get(
        GEOJSON_URL, headers={**world["viewer"], "If-None-Match": after_inspection.headers["ETag"]}
    )

    assert after_inspection.status_code == 200
    changed = features_by_code(strict_json(after_inspection.get_data()))["GRON-OK"]
    assert changed["properties"]["status"] == "critical"
    assert after_location.status_code == 200
    assert "NIEUW" in codes(after_location)


def test_a_changed_location_changes_the_export(client, world):
    before = client.get(GEOJSON_URL, headers=world["viewer"])

    patch = client.patch(
        f"{API}/locations/GRON-OK", json={"name": "Azc Groningen-Zuid"},
        headers=world["coordinator"],
    )  # fmt: skip
    after = client.get(
        GEOJSON_URL, headers={**world["viewer"], "If-None-Match": before.headers["ETag"]}
    )

    assert patch.status_code == 200
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert features_by_code(strict_json(after.get_data()))["GRON-OK"]["properties"]["name"] == (
        "Azc Groningen-Zuid"
    )


def test_roles_get_different_etags_for_different_bodies(client, world):
    coordinator = client.get(GEOJSON_URL, headers=world["coordinator"])

    viewer = client.get(
        GEOJSON_URL, headers={**world["viewer"], "If-None-Match": coordinator.headers["ETag"]}
    )

    assert viewer.status_code == 200
    assert viewer.headers["ETag"] != coordinator.headers["ETag"]


def test_an_empty_database_exports_an_empty_collection(client, norm_set, headers_for):
    response = client.get(GEOJSON_URL, headers=headers_for("viewer"))

    assert response.status_code == 200
    assert assert_rfc7946(response.get_data()) == {"type": "FeatureCollection", "features": []}
