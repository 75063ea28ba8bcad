"""Coordinate sanity: a location must lie in the service area, which is a setting.

The swapped and outside cases of the default area (the Netherlands) are
covered by tests/api/test_locations_api.py and tests/test_locations_import.py;
these add the setting read from the environment and a configured other area.
"""

from __future__ import annotations

from app import NETHERLANDS, create_app

BERLIN = (13.0, 52.3, 13.8, 52.7)
NEW_LOCATION = {
    "code": "NIEUW-1",
    "name": "Nieuwe opvang",
    "type": "noodopvang",
    "municipality": "Berlin",
    "province": "Berlin",
    "capacity": 100,
}


def test_the_service_area_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SERVICE_AREA", "13.0,52.3,13.8,52.7")

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})

    assert app.config["SERVICE_AREA"] == BERLIN


def test_the_default_service_area_is_the_netherlands(monkeypatch):
    monkeypatch.delenv("SERVICE_AREA", raising=False)

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})

    assert app.config["SERVICE_AREA"] == NETHERLANDS


def test_a_configured_area_decides_what_is_outside_or_swapped(app, client, norm_set, headers_for):
    app.config["SERVICE_AREA"] = BERLIN
    coordinator = headers_for("coordinator")

    dutch = client.post(
        "/api/v1/locations",
        json={**NEW_LOCATION, "latitude": 52.8766, "longitude": 7.0655},
        headers=coordinator,
    )
    swapped = client.post(
        "/api/v1/locations",
        json={**NEW_LOCATION, "latitude": 13.40, "longitude": 52.52},
        headers=coordinator,
    )
    berlin = client.post(
        "/api/v1/locations",
        json={**NEW_LOCATION, "latitude": 52.52, "longitude": 13.40},
        headers=coordinator,
    )

    assert dutch.status_code == swapped.status_code == 422
    assert "outside the service area" in " ".join(dutch.get_json()["error"]["fields"]["latitude"])
    assert "swapped" in " ".join(swapped.get_json()["error"]["fields"]["latitude"])
    assert berlin.status_code == 201, berlin.get_json()
