"""GET /api/v1/locations/{code}/scores.svg: the score history as an SVG chart.

What it plots when a partial visit follows a failing one: tests/api/test_location_history_api.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from inspection.web.score_chart import ChartPoint, score_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def circles(svg: bytes | str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]


@pytest.fixture
def world(norm_set, create_location, headers_for, make_submission, client):
    """OWN with three visits (one failing the toilets norm), OTHER with one."""
    create_location(code="OWN", name="Eigen <locatie> & co")
    create_location(code="OTHER")
    create_location(code="EMPTY")
    inspector = headers_for("inspector")
    for day, toilets in (("2026-01-10", 20), ("2026-03-02", 3), ("2026-05-20", 20)):
        body = make_submission(
            "OWN",
            observed_at=f"{day}T10:00:00+01:00",
            answers={**make_submission()["answers"], "toilets_working": toilets},
        )
        assert client.post("/api/v1/inspections", json=body, headers=inspector).status_code == 201
    other = make_submission("OTHER")
    assert client.post("/api/v1/inspections", json=other, headers=inspector).status_code == 201
    return {"manager": headers_for("manager", ("OWN",))}


def test_a_manager_gets_the_chart_of_their_own_location(client, world):
    response = client.get("/api/v1/locations/OWN/scores.svg", headers=world["manager"])

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    points = circles(response.data)
    assert len(points) == 3  # one per inspection
    assert [p.get("data-status") for p in points] == ["meets_norms", "critical", "meets_norms"]
    assert b"<script" not in response.data
    assert "Eigen &lt;locatie&gt; &amp; co" in response.get_data(as_text=True)


def test_the_points_are_the_same_inspections_as_the_score_series(client, world):
    series = client.get("/api/v1/locations/OWN/scores", headers=world["manager"]).get_json()
    svg = client.get("/api/v1/locations/OWN/scores.svg", headers=world["manager"]).data

    assert [p.get("data-inspection") for p in circles(svg)] == [s["inspection"] for s in series]


def test_a_manager_gets_404_for_another_location(client, world):
    response = client.get("/api/v1/locations/OTHER/scores.svg", headers=world["manager"])

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_nobody_gets_401(client, world):
    response = client.get("/api/v1/locations/OWN/scores.svg")

    assert response.status_code == 401
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("role", ["inspector", "coordinator", "viewer"])
def test_the_other_roles_see_every_location(client, world, headers_for, role):
    response = client.get("/api/v1/locations/OTHER/scores.svg", headers=headers_for(role))

    assert response.status_code == 200
    assert len(circles(response.data)) == 1


def test_a_location_without_visits_has_an_empty_chart(client, world, headers_for):
    response = client.get("/api/v1/locations/EMPTY/scores.svg", headers=headers_for("viewer"))

    assert response.status_code == 200
    assert circles(response.data) == []
    assert "Nog geen inspecties" in response.get_data(as_text=True)


def test_an_unknown_location_is_404(client, world, headers_for):
    response = client.get("/api/v1/locations/NOPE/scores.svg", headers=headers_for("coordinator"))

    assert response.status_code == 404


def test_the_chart_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/locations/{code}/scores.svg"]["get"]
    assert "image/svg+xml" in operation["responses"]["200"]["content"]
    assert operation["security"] == [{"bearerAuth": []}]


AMSTERDAM = timezone(timedelta(hours=1))


def point(day: str, overall: float | None, status: str = "meets_norms", n: int = 0) -> ChartPoint:
    moment = datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=AMSTERDAM)
    return ChartPoint(f"id-{n}-{day}", moment, overall, status)


def test_an_inspection_without_a_score_is_a_hollow_point_on_the_baseline():
    svg = score_chart_svg(
        [point("2026-01-01", 80.0, n=1), point("2026-02-01", None, "incomplete", n=2)], "T"
    )

    scored, unscored = circles(svg)
    assert unscored.get("fill") == "#ffffff"
    assert float(unscored.get("cy")) > float(scored.get("cy"))
    assert "geen score" in unscored.find(f"{SVG}title").text


def test_points_are_in_time_order_and_labelled_in_dutch():
    svg = score_chart_svg(
        [point("2026-06-01", 50.0, "below_norm", 1), point("2025-01-15", 90.0, n=2)], "T"
    )

    first, second = circles(svg)
    assert float(first.get("cx")) < float(second.get("cx"))
    assert first.find(f"{SVG}title").text == "15 jan 2025: locatie 90,0 (Voldoet aan de normen)"
    assert "Onder de norm" in second.find(f"{SVG}title").text
    labels = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert any(label and label.endswith("2025") for label in labels)


def test_a_single_visit_sits_in_the_middle():
    svg = score_chart_svg([point("2026-01-01", 70.0)], "T")

    (only,) = circles(svg)
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    assert 0.3 * width < float(only.get("cx")) < 0.7 * width
