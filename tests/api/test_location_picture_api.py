"""A location as the API shows it is its current picture: a partial follow-up erases nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

API = "/api/v1"
# Visits of the last weeks, so that none is stale whenever the tests run.
FIRST = (datetime.now(UTC) - timedelta(days=20)).replace(microsecond=0)
FOLLOW_UP = FIRST + timedelta(days=7)


@pytest.fixture
def world(norm_set, create_location, headers_for):
    create_location(code="TER-APEL", type="azc")
    create_location(code="BUDEL", type="azc")
    return {
        "inspector": headers_for("inspector"),
        "manager": headers_for("manager", ("TER-APEL",)),
    }


@pytest.fixture
def post(client, world, make_submission):
    def _post(observed_at: datetime, answers: dict, location: str = "TER-APEL") -> dict:
        body = make_submission(location=location, observed_at=observed_at.isoformat())
        body["answers"] = answers
        response = client.post(f"{API}/inspections", json=body, headers=world["inspector"])
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _post


def test_a_follow_up_that_checks_one_norm_leaves_the_other_failures(
    client, world, post, passing_answers
):
    # HYG-01 fails (40 residents per toilet; azc at most 10) and SAF-02 fails critically.
    failing = {**passing_answers, "toilets_working": 5, "staff_on_site_24h": False}
    first = post(FIRST, failing)
    follow_up = post(FOLLOW_UP, {"residents_present": 200, "toilets_working": 20})
    assert follow_up["score"]["status"] == "incomplete"
    assert follow_up["score"]["overall"] == 100.0

    response = client.get(f"{API}/locations/TER-APEL", headers=world["manager"])

    assert response.status_code == 200
    location = response.get_json()
    assert location["status"] == "critical"
    assert location["coverage"] == 100.0
    assert location["overall"] < 100.0
    assert location["domains"]["SAF"]["failed"] == ["SAF-02"]
    assert location["domains"]["HYG"]["failed"] == []
    # The latest visit keeps its own summary.
    assert location["latest"]["id"] == follow_up["id"]
    assert location["latest"]["status"] == "incomplete"
    assert [n["norm"] for n in location["failed_norms"]] == ["SAF-02"]
    saf = location["failed_norms"][0]
    assert saf["severity"] == "critical"
    assert saf["title"]["nl"] and saf["title"]["en"]
    assert saf["value"] is None and saf["threshold"] is None  # an all-rule: no single value
    assert datetime.fromisoformat(saf["failing_since"]) == FIRST
    assert datetime.fromisoformat(saf["last_assessed"]) == FIRST
    assert saf["inspection"] == first["id"]
    assert datetime.fromisoformat(location["failing_since"]) == FIRST


def test_a_failed_norm_shows_what_was_found_against_the_threshold(
    client, world, post, passing_answers
):
    post(FIRST, {**passing_answers, "toilets_working": 8})  # 25 residents per toilet
    post(FOLLOW_UP, {"staff_on_site_24h": True})

    location = client.get(f"{API}/locations/TER-APEL", headers=world["inspector"]).get_json()

    (hyg,) = location["failed_norms"]
    assert (hyg["norm"], hyg["severity"], hyg["value"]) == ("HYG-01", "major", 25.0)
    assert hyg["threshold"] == {"max": 10, "critical_max": 50}
    assert location["status"] == "below_norm"


def test_the_list_and_its_status_filter_use_the_picture(client, world, post, passing_answers):
    post(FIRST, {**passing_answers, "staff_on_site_24h": False})
    post(FOLLOW_UP, {"toilets_working": 20, "residents_present": 200})

    def listed(**query):
        response = client.get(f"{API}/locations", query_string=query, headers=world["inspector"])
        assert response.status_code == 200
        return {item["code"]: item for item in response.get_json()["items"]}

    everything = listed()
    assert everything["TER-APEL"]["status"] == "critical"
    assert everything["TER-APEL"]["latest"]["status"] == "incomplete"
    assert everything["BUDEL"]["status"] == "not_inspected"
    assert everything["BUDEL"]["overall"] is None and everything["BUDEL"]["domains"] == {}
    assert list(listed(status="critical")) == ["TER-APEL"]
    assert list(listed(status="incomplete")) == []
    assert list(listed(status="not_inspected")) == ["BUDEL"]


def test_exports_show_the_picture_and_as_of_the_day_before(client, world, post, passing_answers):
    post(FIRST, {**passing_answers, "staff_on_site_24h": False})
    post(FOLLOW_UP, {"toilets_working": 20, "residents_present": 200})

    def properties(**query):
        response = client.get(
            f"{API}/exports/locations.geojson", query_string=query, headers=world["inspector"]
        )
        assert response.status_code == 200
        features = response.get_json()["features"]
        return {f["properties"]["code"]: f["properties"] for f in features}["TER-APEL"]

    now = properties()
    assert (now["status"], now["critical_norms"]) == ("critical", ["SAF-02"])
    assert datetime.fromisoformat(now["observed_at"]) == FOLLOW_UP
    assert datetime.fromisoformat(now["failing_since"]) == FIRST
    day_before = (FIRST - timedelta(days=1)).date().isoformat()
    assert properties(as_of=day_before)["status"] == "not_inspected"
    between = (FIRST + timedelta(days=2)).date().isoformat()
    assert properties(as_of=between)["observed_at"] == properties()["failing_since"]
    below = client.get(
        f"{API}/exports/locations.csv", query_string={"status": "below"}, headers=world["inspector"]
    )
    assert "TER-APEL" in below.get_data(as_text=True)
