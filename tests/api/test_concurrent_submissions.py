"""A phone that resends while the first request is still running must not store twice.

These tests run the app in a real threaded HTTP server and race identical
requests against it, on whichever database the suite runs on.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from inspection.db import db
from inspection.models import AuditEvent, Inspection

CLIENTS = 8


def post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def race(url: str, bodies: list[dict], headers: dict[str, str]) -> list[tuple[int, bytes]]:
    start = threading.Barrier(len(bodies))

    def send(body: dict) -> tuple[int, bytes]:
        start.wait()
        return post(url, body, headers)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


@pytest.fixture
def inspector(norm_set, create_location, headers_for):
    create_location(code="TER-APEL")
    return headers_for("inspector")


def test_identical_submissions_racing_store_exactly_one(
    threaded_server, inspector, make_submission
):
    body = make_submission()

    results = race(f"{threaded_server}/api/v1/inspections", [body] * CLIENTS, inspector)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (CLIENTS - 1) + [201], results
    bodies = {json.loads(raw)["id"] for _, raw in results}
    assert bodies == {body["id"]}
    assert len({raw for _, raw in results}) == 1  # every answer is the same stored inspection
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1
    submitted = db.select(db.func.count()).where(AuditEvent.action == "inspection.submitted")
    assert db.session.scalar(submitted) == 1


def test_racing_an_id_with_other_content_stores_one_and_refuses_the_rest(
    threaded_server, inspector, make_submission
):
    first = make_submission()
    variants = [{**first, "notes": {"HYG-01": f"variant {n}"}} for n in range(CLIENTS)]

    results = race(f"{threaded_server}/api/v1/inspections", variants, inspector)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (CLIENTS - 1), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1


def test_distinct_submissions_in_parallel_are_all_stored(
    threaded_server, inspector, make_submission
):
    bodies = [make_submission() for _ in range(CLIENTS)]

    results = race(f"{threaded_server}/api/v1/inspections", bodies, inspector)

    assert [status for status, _ in results] == [201] * CLIENTS
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == CLIENTS
