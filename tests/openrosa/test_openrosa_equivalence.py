"""OpenRosa and the JSON API are two doors to one service: the same answers, the same inspection.

For random answer sets (every item answered or not, values within their
bounds, counts within the counts they may not exceed), the inspection stored
through /openrosa/submission equals the one stored through
/api/v1/inspections: answers, notes, score and per-norm results.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import basic, fill_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspection.engine import parse_norm_set
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, read_document
from inspection.openrosa.names import note_field

DOCUMENT = parse_norm_set(json_ready(read_document(DEFAULT_NORM_SET_FILE)))
ITEMS = DOCUMENT.items_for("crisisnoodopvang")
NORMS = [norm.code for norm in DOCUMENT.norms]
NOTE_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n"),
    min_size=1,
    max_size=40,
).filter(str.strip)


def _value(item, answers: dict[str, Any]) -> st.SearchStrategy[Any]:
    if item.type == "boolean":
        return st.booleans()
    low = int(item.min) if item.min is not None else 0
    high = int(item.max) if item.max is not None else 10_000
    if item.max_item is not None and item.max_item in answers:
        high = min(high, answers[item.max_item])
    if item.type == "integer":
        return st.integers(low, high)
    return st.integers(low, high) | st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def answer_sets(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    for item in ITEMS:  # document order: a count comes before the counts it bounds
        if draw(st.booleans()):
            answers[item.code] = draw(_value(item, answers))
    notes = draw(st.dictionaries(st.sampled_from(NORMS), NOTE_TEXT, max_size=3))
    return answers, notes


@pytest.fixture
def doors(client, locations, inspector, login, download):
    return {
        "phone": basic("veldwerker"),
        "api": login("veldwerker"),
        "form": download("inspection-crisisnoodopvang", basic("veldwerker")),
    }


def stored(client, headers, inspection_id: str) -> dict[str, Any]:
    body = client.get(f"/api/v1/inspections/{inspection_id}", headers=headers).get_json()
    return {key: body[key] for key in ("answers", "notes", "score", "results", "norm_set")}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer_sets())
def test_openrosa_and_json_store_the_same_inspection(client, doors, send, drawn):
    answers, notes = drawn
    observed_at = "2026-11-20T10:15:00+01:00"
    json_id, openrosa_id = str(uuid.uuid4()), str(uuid.uuid4())

    by_json = client.post(
        "/api/v1/inspections",
        json={
            "id": json_id,
            "location": "HAL-1",
            "observed_at": observed_at,
            "answers": answers,
            "notes": notes,
        },
        headers=doors["api"],
    )
    values = dict(answers, location="HAL-1", observed_at=observed_at)
    values.update({note_field(code): text for code, text in notes.items()})
    by_openrosa = send(fill_instance(doors["form"], values, openrosa_id), doors["phone"])

    assert by_json.status_code == 201, by_json.get_json()
    assert by_openrosa.status_code == 201, by_openrosa.data
    through_json = stored(client, doors["api"], json_id)
    through_openrosa = stored(client, doors["api"], openrosa_id)
    assert through_openrosa == through_json
    assert through_openrosa["answers"] == answers
