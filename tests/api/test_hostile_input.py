"""No input makes a 500: what parsers accept but no database stores is refused with a 4xx.

Lone surrogates, NUL characters, nesting a thousand levels deep, integers of
thousands of digits, date-times outside the years 1-9999 in UTC, bodies past
the size limit or of the wrong media type: each is answered with a 4xx that
names the field, and nothing is stored, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from inspection.db import Base, db
from inspection.models import Inspection, Location

API = "/api/v1"
NEW_LOCATION = {
    "code": "NIEUW-1",
    "name": "Paviljoen",
    "type": "azc",
    "municipality": "Groningen",
    "province": "Groningen",
    "latitude": 53.2,
    "longitude": 6.56,
}


def row_counts() -> dict[str, int]:
    """How many rows every table holds."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def world(app, client, norm_set, create_location, create_user, login):
    create_location(code="TER-APEL", type="azc")
    create_user("coordinator", username="coordinator")
    return {"coordinator": login("coordinator")}


def post_text(client, path: str, text: str, headers: dict[str, str], method: str = "POST"):
    """Send ``text`` as it is: json.dumps writes a lone surrogate as the escape \\ud800."""
    return client.open(
        path,
        method=method,
        data=text.encode("utf-8"),
        headers={**headers, "Content-Type": "application/json"},
    )


def assert_refused(response, status: int, field: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert field in error.get("fields", {}), error


DEEP = "[" * 1000 + "]" * 1000
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/locations", json.dumps({**NEW_LOCATION, "name": "Azc \ud800"}), "name"),
        ("/locations", json.dumps({**NEW_LOCATION, "province": "Gr\x00ningen"}), "province"),
        ("/locations", json.dumps(NEW_LOCATION)[:-1] + f', "operator": {DEEP}}}', "operator"),
        ("/locations", json.dumps(NEW_LOCATION)[:-1] + f', "capacity": {HUGE}}}', "capacity"),
        ("/locations", json.dumps({**NEW_LOCATION, "capacity": 2**31}), "capacity"),
        ("/locations", json.dumps({**NEW_LOCATION, "capacity": 2**63}), "capacity"),
        ("/locations", json.dumps({**NEW_LOCATION, "capacity": 100_001}), "capacity"),
        ("/locations", json.dumps({**NEW_LOCATION, "latitude": float("nan")}), "latitude"),
        ("/locations", json.dumps({**NEW_LOCATION, "\ud800": 1}), "\\ud800"),
        ("/locations/TER-APEL", json.dumps({"name": "\udfff"}), "name"),
        ("/norm-sets", json.dumps({"catalogue": "nl", "title": {"nl": "\ud800"}}), "title.nl"),
    ],
    ids=[
        "surrogate",
        "nul",
        "deep",
        "huge-integer",
        "capacity-2^31",
        "capacity-2^63",
        "capacity-over-maximum",
        "nan",
        "surrogate-name",
        "surrogate-patch",
        "surrogate-norm-set",
    ],
)
def test_unstorable_values_are_refused_with_their_field(client, world, path, body, field):
    before = row_counts()
    method = "PATCH" if path.startswith("/locations/") else "POST"

    response = post_text(client, API + path, body, world["coordinator"], method)

    assert_refused(response, 422, field)
    assert row_counts() == before


@pytest.mark.parametrize("username", ["coordinator", "nobody"], ids=["existing", "unknown"])
def test_a_surrogate_password_is_refused_for_any_user(client, world, username):
    before = row_counts()
    body = json.dumps({"username": username, "password": "correct horse \ud800"})

    response = post_text(client, f"{API}/auth/tokens", body, {})

    assert_refused(response, 422, "password")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notes": {"HYG-01": "\ud800"}}, "notes.HYG-01"),
        ({"answers": {"toilets_working": "\ud83d"}}, "answers.toilets_working"),
        ({"observed_at": "0001-01-01T00:30:00+01:00"}, "observed_at"),
        ({"observed_at": "9999-12-31T23:30:00-01:00"}, "observed_at"),
    ],
    ids=["note", "answer", "before-year-1", "after-year-9999"],
)
def test_a_submission_with_unstorable_values_is_refused(
    client, world, make_submission, change, field
):
    before = row_counts()
    body = json.dumps({**make_submission(), **change})

    response = post_text(client, f"{API}/inspections", body, world["coordinator"])

    assert_refused(response, 422, field)
    assert row_counts() == before


def test_a_submission_with_a_huge_integer_answer_is_refused(client, world, make_submission):
    body = json.dumps(make_submission()).replace(
        '"toilets_working": 20', f'"toilets_working": {HUGE}'
    )

    response = post_text(client, f"{API}/inspections", body, world["coordinator"])

    assert_refused(response, 422, "answers.toilets_working")
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


@pytest.mark.parametrize("parameter", ["since", "until"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_list_filters_outside_the_years_1_to_9999_are_refused(client, world, parameter, moment):
    response = client.get(
        f"{API}/inspections", query_string={parameter: moment}, headers=world["coordinator"]
    )

    assert_refused(response, 422, parameter)


def post_chunked(client, body: bytes, headers: dict[str, str]):
    return client.post(
        f"{API}/locations",
        input_stream=io.BytesIO(body),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        # What a server that decodes chunked bodies (gunicorn, werkzeug) says it did.
        environ_overrides={"wsgi.input_terminated": True},
    )


def padded(size: int) -> bytes:
    """A location whose JSON text is ``size`` bytes long, the operator padded."""
    body = json.dumps({**NEW_LOCATION, "operator": ""})
    return body.replace('"operator": ""', '"operator": "' + "x" * (size - len(body)) + '"').encode()


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "with-length"])
def test_a_body_past_the_limit_is_413_with_or_without_a_length(app, client, world, chunked):
    app.config["JSON_MAX_BYTES"] = 400
    send = (
        post_chunked if chunked else lambda c, b, h: post_text(c, f"{API}/locations", b.decode(), h)
    )

    at_limit = send(client, padded(400), world["coordinator"])
    past_limit = send(client, padded(401), world["coordinator"])

    assert at_limit.status_code == 422, at_limit.get_data(as_text=True)[:300]  # read: too long
    assert "operator" in at_limit.get_json()["error"]["fields"]
    assert past_limit.status_code == 413, past_limit.get_data(as_text=True)[:300]
    error = past_limit.get_json()["error"]
    assert error["code"] == "request_entity_too_large" and "400 bytes" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(Location)) == 1


def test_a_chunked_body_within_the_limit_is_read(client, world):
    response = post_chunked(client, json.dumps(NEW_LOCATION).encode(), world["coordinator"])

    assert response.status_code == 201, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]
)
@pytest.mark.parametrize("path", ["/locations", "/inspections", "/auth/tokens"])
def test_a_form_body_to_a_json_endpoint_is_415(client, world, content_type, path):
    before = row_counts()
    data: Any = {"code": "NIEUW-1", "username": "coordinator"}
    if content_type == "text/plain":
        data = json.dumps(NEW_LOCATION)

    response = client.post(
        API + path, data=data, headers=world["coordinator"], content_type=content_type
    )

    assert response.status_code == 415, response.get_data(as_text=True)[:300]
    assert "application/json" in response.get_json()["error"]["message"]
    assert row_counts() == before


def test_a_json_body_to_the_photo_upload_is_415(client, world, make_submission):
    submission = make_submission()
    client.post(f"{API}/inspections", json=submission, headers=world["coordinator"])

    response = client.post(
        f"{API}/inspections/{submission['id']}/photos",
        json={"photo": "aGVsbG8="},
        headers=world["coordinator"],
    )

    assert response.status_code == 415, response.get_data(as_text=True)[:300]
    assert "multipart/form-data" in response.get_json()["error"]["message"]


def test_malformed_json_is_400(client, world):
    response = post_text(client, f"{API}/locations", '{"code": "X",', world["coordinator"])

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_negative_zero_comes_back_the_same_on_a_resend(client, world, make_submission):
    """PostgreSQL's JSONB keeps no -0.0 and writes 1.5e2 as 150: the first answer says so too."""
    submission = make_submission()
    submission["answers"]["sleeping_area_m2"] = -0.0
    text = json.dumps(submission).replace(
        '"indoor_play_area_m2": 150.0', '"indoor_play_area_m2": 1.5e2'
    )
    assert "1.5e2" in text

    first = post_text(client, f"{API}/inspections", text, world["coordinator"])
    again = post_text(client, f"{API}/inspections", text, world["coordinator"])
    fetched = client.get(f"{API}/inspections/{submission['id']}", headers=world["coordinator"])

    assert first.status_code == 201, first.get_json()
    assert again.status_code == 200
    assert again.get_data() == first.get_data()
    assert fetched.get_data() == first.get_data()


def test_a_thousand_levels_in_an_answer_are_refused(client, world, make_submission):
    body = json.dumps(make_submission(id=str(uuid.uuid4())))
    body = body.replace('"toilets_working": 20', f'"toilets_working": {DEEP}')

    response = post_text(client, f"{API}/inspections", body, world["coordinator"])

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "answers.toilets_working": ["nested more than 32 levels deep"]
    }
