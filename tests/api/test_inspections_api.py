"""Inspectors submit checklists from a phone: scored, stored once, readable by those in scope."""

from __future__ import annotations

import json

import pytest

from inspection.db import db
from inspection.models import AuditEvent, Inspection

URL = "/api/v1/inspections"


@pytest.fixture
def setup(norm_set, create_location, headers_for):
    create_location(code="TER-APEL", type="azc")
    create_location(code="ZWOLLE-HAL", type="crisisnoodopvang", municipality="Zwolle")
    return {
        "inspector": headers_for("inspector"),
        "manager": headers_for("manager", ("TER-APEL",)),
        "coordinator": headers_for("coordinator"),
    }


def count(model=Inspection):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_submission_is_scored_and_stored(client, setup, make_submission):
    body = make_submission(
        answers={**make_submission()["answers"], "toilets_working": 15},
        notes={"HYG-01": "vijf toiletten defect"},
        position={"latitude": 52.8766, "longitude": 7.0655, "accuracy_m": 12},
    )

    response = client.post(URL, json=body, headers=setup["inspector"])

    assert response.status_code == 201
    got = response.get_json()
    assert got["id"] == body["id"]
    assert got["location"] == "TER-APEL"
    assert got["observed_at"] == "2026-11-20T10:15:00+01:00"
    assert got["norm_set"] == {"catalogue": "nl-children", "version": "2023.1"}
    assert got["score"]["status"] == "below_norm"
    assert got["score"]["domains"]["HYG"]["failed"] == ["HYG-01"]
    assert got["score"]["coverage"] == 100.0
    hyg01 = next(r for r in got["results"] if r["norm"] == "HYG-01")
    assert hyg01 == {
        "norm": "HYG-01", "domain": "HYG", "outcome": "fail", "severity": "major",
        "value": pytest.approx(200 / 15), "threshold": {"max": 10, "critical_max": 50},
        "critical": False,
    }  # fmt: skip
    assert got["notes"] == {"HYG-01": "vijf toiletten defect"}
    assert got["position"] == {"latitude": 52.8766, "longitude": 7.0655, "accuracy_m": 12}
    assert client.get(f"{URL}/{body['id']}", headers=setup["manager"]).get_json() == got


def test_a_resend_answers_200_with_the_same_body_and_stores_nothing(client, setup, make_submission):
    body = make_submission()
    first = client.post(URL, json=body, headers=setup["inspector"])

    again = client.post(URL, json=body, headers=setup["inspector"])

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_data() == first.get_data()
    assert count() == 1
    submitted = db.select(db.func.count()).where(AuditEvent.action == "inspection.submitted")
    assert db.session.scalar(submitted) == 1


def test_the_same_id_with_other_content_is_409(client, setup, make_submission):
    body = make_submission()
    client.post(URL, json=body, headers=setup["inspector"])

    other = client.post(
        URL, json={**body, "observed_at": "2026-11-21T10:15:00+01:00"}, headers=setup["inspector"]
    )

    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "conflict"
    assert set(other.get_json()["error"]["fields"]) == {"id"}
    assert count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"answers": {"residents_present": 10, "children_present": 11}},
            "answers.children_present",
        ),
        ({"answers": {"toilets_working": "tien"}}, "answers.toilets_working"),
        ({"answers": {"meals_per_day": 2.5}}, "answers.meals_per_day"),
        ({"answers": {"residents_present": True}}, "answers.residents_present"),
        ({"answers": {"zwembad": True}}, "answers.zwembad"),
        ({"observed_at": "2026-11-20T10:15:00"}, "observed_at"),
        ({"observed_at": "2099-01-01T10:15:00+01:00"}, "observed_at"),
        ({"observed_at": "2022-01-01T10:15:00+01:00"}, "observed_at"),
        ({"location": "NERGENS"}, "location"),
        ({"id": "not-a-uuid"}, "id"),
        ({"notes": {"XYZ-01": "?"}}, "notes.XYZ-01"),
        ({"position": {"latitude": 123, "longitude": 7}}, "position.latitude"),
        ({"answers": None}, "answers"),
    ],
)
def test_refusals_name_the_field(client, setup, make_submission, change, field):
    body = make_submission(**change)

    response = client.post(URL, json=body, headers=setup["inspector"])

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert count() == 0


def test_a_missing_field_is_named(client, setup, make_submission):
    body = make_submission()
    del body["observed_at"]

    response = client.post(URL, json=body, headers=setup["inspector"])

    assert response.status_code == 422
    assert "observed_at" in response.get_json()["error"]["fields"]


def test_malformed_json_is_400_and_other_types_415(client, setup):
    headers = {**setup["inspector"], "Content-Type": "application/json"}
    broken = client.post(URL, data='{"id": ', headers=headers)
    form = client.post(
        URL,
        data="id=1",
        headers={**setup["inspector"], "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert broken.status_code == 400
    assert broken.get_json()["error"]["code"] == "bad_request"
    assert form.status_code == 415
    assert form.get_json()["error"]["code"] == "unsupported_media_type"


def test_a_body_over_the_limit_is_413(app, client, setup, make_submission):
    body = make_submission(notes={"HYG-01": "x" * 1900})
    app.config["JSON_MAX_BYTES"] = 1000

    response = client.post(
        URL,
        data=json.dumps(body),
        headers={**setup["inspector"], "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert count() == 0


def test_late_and_out_of_order_visits_the_latest_visit_counts(client, setup, make_submission):
    answers = make_submission()["answers"]
    newer = make_submission(observed_at="2026-11-20T10:00:00+01:00")
    older = make_submission(
        observed_at="2026-10-01T10:00:00+02:00", answers={**answers, "drinking_water_24h": False}
    )

    client.post(URL, json=newer, headers=setup["inspector"])
    client.post(URL, json=older, headers=setup["inspector"])  # synced later

    location = client.get("/api/v1/locations/TER-APEL", headers=setup["manager"]).get_json()
    assert location["status"] == "meets_norms"
    assert location["latest"]["id"] == newer["id"]
    scores = client.get("/api/v1/locations/TER-APEL/scores", headers=setup["manager"]).get_json()
    assert [s["inspection"] for s in scores] == [older["id"], newer["id"]]
    assert [s["status"] for s in scores] == ["critical", "meets_norms"]


def test_listing_filters_and_pages(client, setup, make_submission):
    answers = make_submission()["answers"]
    for day in range(1, 6):
        client.post(
            URL,
            json=make_submission(observed_at=f"2026-11-0{day}T10:00:00+01:00"),
            headers=setup["inspector"],
        )
    bad = make_submission(
        location="ZWOLLE-HAL",
        observed_at="2026-11-03T12:00:00+01:00",
        answers={**answers, "max_child_stay_days": 45},
    )
    client.post(URL, json=bad, headers=setup["inspector"])
    coordinator = setup["coordinator"]

    everything = client.get(URL, headers=coordinator).get_json()
    page = client.get(f"{URL}?per_page=2&page=2", headers=coordinator).get_json()
    ter_apel = client.get(f"{URL}?location=TER-APEL", headers=coordinator).get_json()
    critical = client.get(f"{URL}?status=critical", headers=coordinator).get_json()
    window = client.get(
        URL,
        query_string={"since": "2026-11-02T00:00:00+01:00", "until": "2026-11-03T23:59:59+01:00"},
        headers=coordinator,
    ).get_json()

    assert everything["total"] == 6
    observed = [i["observed_at"] for i in everything["items"]]
    assert observed == sorted(observed, reverse=True)
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (6, 2, 2, 2)
    assert ter_apel["total"] == 5
    assert [i["id"] for i in critical["items"]] == [bad["id"]]
    assert window["total"] == 3


def test_a_manager_sees_only_their_own_locations_inspections(client, setup, make_submission):
    own = make_submission()
    other = make_submission(location="ZWOLLE-HAL")
    client.post(URL, json=own, headers=setup["inspector"])
    client.post(URL, json=other, headers=setup["inspector"])
    manager = setup["manager"]

    listed = client.get(URL, headers=manager).get_json()

    assert [i["id"] for i in listed["items"]] == [own["id"]]
    assert client.get(f"{URL}/{other['id']}", headers=manager).status_code == 404
    assert client.get(f"{URL}?location=ZWOLLE-HAL", headers=manager).status_code == 404
    assert client.get("/api/v1/locations/ZWOLLE-HAL", headers=manager).status_code == 404


def test_a_manager_cannot_submit(client, setup, make_submission):
    response = client.post(URL, json=make_submission(), headers=setup["manager"])

    assert response.status_code == 403
    assert count() == 0
