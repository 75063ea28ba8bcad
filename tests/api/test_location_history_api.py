"""GET /locations/{code}/scores and scores.svg: the location's picture after each visit.

A partial follow-up visit scores 100 on its own; the history shows where the
location stood after it, which the follow-up did not wipe clean.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from inspection.db import db
from inspection.models import Inspection
from inspection.vocabulary import AMSTERDAM

API = "/api/v1"
SVG = "{http://www.w3.org/2000/svg}"
# Visits of the last weeks, so that none is stale whenever the tests run.
FIRST = (datetime.now(UTC) - timedelta(days=20)).replace(microsecond=0)
FOLLOW_UP = FIRST + timedelta(days=7)
REPAIRED = FIRST + timedelta(days=14)


@pytest.fixture
def world(norm_set, create_location, headers_for, client, make_submission, passing_answers):
    create_location(code="TER-APEL", name="Ter Apel")
    create_location(code="BUDEL")
    create_location(code="GEHEIM", name="Beschermde opvang", confidential=True)
    inspector = headers_for("inspector")

    def post(location, observed_at, answers):
        body = make_submission(location=location, observed_at=observed_at.isoformat())
        body["answers"] = answers
        response = client.post(f"{API}/inspections", json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # HYG-01 fails (40 residents per toilet; azc at most 10) and SAF-02 fails critically;
    # the follow-up counts only the toilets; a last full visit finds everything repaired.
    failing = {**passing_answers, "toilets_working": 5, "staff_on_site_24h": False}
    visits = [
        post("TER-APEL", FIRST, failing),
        post("TER-APEL", FOLLOW_UP, {"residents_present": 200, "toilets_working": 20}),
        post("TER-APEL", REPAIRED, passing_answers),
    ]
    post("BUDEL", FIRST, passing_answers)
    post("GEHEIM", FIRST, failing)
    return {"visits": visits, "inspector": inspector}


def test_after_a_partial_follow_up_the_location_stays_critical(client, world, headers_for):
    first, follow_up, repaired = world["visits"]
    manager = headers_for("manager", ("TER-APEL",))

    response = client.get(f"{API}/locations/TER-APEL/scores", headers=manager)

    assert response.status_code == 200
    series = response.get_json()
    assert [p["inspection"] for p in series] == [first["id"], follow_up["id"], repaired["id"]]
    # The visits' own scores, as they were.
    assert [(p["overall"], p["status"]) for p in series] == [
        (first["score"]["overall"], "critical"),
        (100.0, "incomplete"),
        (100.0, "meets_norms"),
    ]
    # The location after each visit.
    pictures = [p["picture"] for p in series]
    assert [p["status"] for p in pictures] == ["critical", "critical", "meets_norms"]
    assert pictures[0]["failed_norms"] == ["SAF-02", "HYG-01"]
    assert pictures[1]["failed_norms"] == pictures[1]["critical_norms"] == ["SAF-02"]
    assert first["score"]["overall"] < pictures[1]["overall"] < 100.0
    assert pictures[1]["coverage"] == 100.0
    assert pictures[1]["domains"]["SAF"] < 100.0
    assert pictures[1]["domains"]["HYG"] == 100.0
    assert pictures[1]["day"] == FOLLOW_UP.astimezone(AMSTERDAM).date().isoformat()
    # After the last visit the series ends where the location's current picture is.
    location = client.get(f"{API}/locations/TER-APEL", headers=manager).get_json()
    assert (pictures[-1]["status"], pictures[-1]["overall"]) == (
        location["status"],
        location["overall"],
    )


def test_visits_stored_before_outcome_letters_give_the_same_history(client, world, headers_for):
    coordinator = headers_for("coordinator")
    before = client.get(f"{API}/locations/TER-APEL/scores", headers=coordinator).get_json()
    db.session.execute(update(Inspection).values(outcomes=None))
    db.session.commit()

    after = client.get(f"{API}/locations/TER-APEL/scores", headers=coordinator).get_json()

    assert after == before


def test_the_chart_plots_the_location_and_marks_each_visits_own_score(client, world, headers_for):
    manager = headers_for("manager", ("TER-APEL",))

    response = client.get(f"{API}/locations/TER-APEL/scores.svg", headers=manager)

    assert response.status_code == 200
    root = ET.fromstring(response.data)
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    marks = [p for p in root.iter(f"{SVG}path") if p.get("class") == "visit-score"]
    assert [p.get("data-status") for p in points] == ["critical", "critical", "meets_norms"]
    assert [m.get("data-status") for m in marks] == ["critical", "incomplete", "meets_norms"]
    # The follow-up's own 100 is drawn above where the location stood after it.
    assert float(marks[1].get("d").split()[0][1:].split(",")[1]) < float(points[1].get("cy"))
    assert "dit bezoek zelf 100,0" in marks[1].find(f"{SVG}title").text
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Stand van de locatie" in texts and "Score van het bezoek zelf" in texts
    description = root.find(f"{SVG}desc").text
    assert "3 bezoeken" in description
    assert "Voldoet aan de normen" in description


def test_the_chart_speaks_english_when_asked(client, world, headers_for):
    response = client.get(
        f"{API}/locations/TER-APEL/scores.svg?lang=en", headers=headers_for("inspector")
    )

    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert root.get("lang") == "en"
    assert root.find(f"{SVG}title").text.startswith("Score history of Ter Apel")
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "The location's picture" in texts and "The visit's own score" in texts
    marks = [p for p in root.iter(f"{SVG}path") if p.get("class") == "visit-score"]
    assert "this visit's own 100.0 (Incompletely filled in)" in marks[1].find(f"{SVG}title").text


def test_an_unknown_chart_language_is_refused_naming_it(client, world, headers_for):
    response = client.get(
        f"{API}/locations/TER-APEL/scores.svg?lang=fr", headers=headers_for("inspector")
    )

    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["lang"]


@pytest.mark.parametrize("path", ["scores", "scores.svg"])
@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        ("inspector", "TER-APEL", 200),
        ("coordinator", "TER-APEL", 200),
        ("viewer", "TER-APEL", 200),
        ("manager", "TER-APEL", 200),
        ("manager", "BUDEL", 404),
        ("manager", "NERGENS", 404),
        ("inspector", "GEHEIM", 200),
        ("coordinator", "GEHEIM", 200),
        # Viewers see protected shelters masked: not by their real code.
        ("viewer", "GEHEIM", 404),
    ],
)
def test_who_gets_the_history(client, world, headers_for, path, role, code, status):
    headers = headers_for(role, ("TER-APEL",) if role == "manager" else ())

    response = client.get(f"{API}/locations/{code}/{path}", headers=headers)

    assert response.status_code == status
    if status == 404:
        body = response.get_json()
        assert body["error"]["code"] == "not_found"
        assert "Beschermde" not in response.get_data(as_text=True)


def test_a_viewer_cannot_reach_a_protected_shelter_by_its_masked_code(client, world, headers_for):
    viewer = headers_for("viewer")
    listed = client.get(f"{API}/locations", headers=viewer).get_json()["items"]
    masked = next(item["code"] for item in listed if item["confidential"])

    response = client.get(f"{API}/locations/{masked}/scores", headers=viewer)

    assert response.status_code == 404


def test_nobody_gets_401(client, world):
    assert client.get(f"{API}/locations/TER-APEL/scores").status_code == 401


def test_the_history_is_in_the_openapi_document(client):
    spec = client.get(f"{API}/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/locations/{code}/scores"]["get"]
    point = spec["components"]["schemas"]["ScorePoint"]
    picture = spec["components"]["schemas"]["PicturePoint"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert "404" in operation["responses"]
    assert "picture" in point["required"]
    assert "own" in point["properties"]["overall"]["description"]
    assert {"day", "overall", "coverage", "status", "failed_norms"} <= set(picture["required"])
    chart = spec["paths"]["/api/v1/locations/{code}/scores.svg"]["get"]
    assert any(p["name"] == "lang" for p in chart["parameters"])
