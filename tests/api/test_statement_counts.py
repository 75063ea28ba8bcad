"""Lists are read in a fixed number of SQL statements, however many items they hold."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from inspection.db import db
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, load_norm_set, read_document
from inspection.submissions import Submission, submit_inspection

API = "/api/v1"


def statements_of(request: Callable[[], object]) -> list[str]:
    """The SQL statements the app sends while answering ``request``."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = request()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return seen


LOCATIONS = tuple(f"VISITED-{n}" for n in range(1, 34))


@pytest.fixture
def visits(norm_set, create_location, create_user, passing_answers) -> Callable[[int], None]:
    """``visits(n)``: n more inspections, each at a location and by an inspector of its own."""
    for n, code in enumerate(LOCATIONS, start=1):
        create_location(code=code, latitude=52 + n / 1000)
    unvisited = iter(LOCATIONS)

    def _visits(count: int) -> None:
        for _ in range(count):
            code = next(unvisited)
            day = 1 + int(code.rsplit("-", 1)[1]) % 28
            submission = Submission(
                id=str(uuid.uuid4()),
                location=code,
                observed_at=datetime.fromisoformat(f"2026-11-{day:02d}T10:00:00+01:00"),
                answers=passing_answers,
            )
            submit_inspection(submission, create_user("inspector"))
            db.session.commit()

    return _visits


@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_the_list_of_inspections_costs_the_same_for_3_or_30(client, headers_for, visits, role):
    headers = headers_for(role, LOCATIONS if role == "manager" else ())
    visits(3)
    url = f"{API}/inspections?per_page=100"
    few = statements_of(lambda: client.get(url, headers=headers))

    visits(30)
    many = statements_of(lambda: client.get(url, headers=headers))

    assert len(client.get(url, headers=headers).get_json()["items"]) == 33
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["coordinator", "manager"])
def test_the_locations_with_their_failed_norms_cost_the_same_for_3_or_30(
    client, headers_for, visits, role
):
    """The overview asks for every location's failed norms at once: not a query per location."""
    headers = headers_for(role, LOCATIONS if role == "manager" else ())
    visits(3)
    url = f"{API}/locations?with=failed_norms&per_page=100"
    few = statements_of(lambda: client.get(url, headers=headers))

    visits(30)
    many = statements_of(lambda: client.get(url, headers=headers))

    items = client.get(url, headers=headers).get_json()["items"]
    assert sum(1 for item in items if item["latest"]) == 33
    assert all(item["failed_norms"] == [] for item in items)
    assert len(many) == len(few)


def test_the_list_of_norm_sets_costs_the_same_for_1_or_4(client, norm_set, headers_for):
    headers = headers_for("viewer")
    one = statements_of(lambda: client.get(f"{API}/norm-sets", headers=headers))
    document = json_ready(read_document(DEFAULT_NORM_SET_FILE))
    for year in (2024, 2025, 2026):
        starts = date(year, 1, 1) + timedelta(days=year % 7)
        load_norm_set({**document, "version": f"{year}.1", "valid_from": starts.isoformat()})
    db.session.commit()

    four = statements_of(lambda: client.get(f"{API}/norm-sets", headers=headers))

    assert len(client.get(f"{API}/norm-sets", headers=headers).get_json()) == 4
    assert len(four) == len(one)
