"""Whatever order partial visits arrive in, a location's stored state is that of the ordered visits.

Phones sync late, so visits arrive out of order; the state kept at write
time must not depend on it. For random sequences of partial visits (each
checks a random part of the checklist, passing or failing it) submitted in a
random order, the stored picture equals the one submitted in ``observed_at``
order and the one the engine computes from the visits sorted by
``observed_at``; so do the kept days of the picture (made afresh for a late
visit, extended from the new day for one in order), and a past day's
picture (``as_of``) read from them equals the engine's.
"""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inspection.db import db
from inspection.engine import VisitResults, current_picture
from inspection.location_state import norm_set_for, today
from inspection.models import Inspection, LocationNorm, LocationPicture, LocationPictureDay
from inspection.norm_sets import compiled
from inspection.picture.query import picture_rows
from inspection.submissions import Submission, submit_inspection
from inspection.vocabulary import AMSTERDAM

PROPERTY = settings(
    deadline=None,
    max_examples=int(os.environ.get("PICTURE_EXAMPLES", "25")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Visits of the last weeks: none is stale, whenever the tests run.
BASE = (datetime.now(UTC) - timedelta(days=45)).replace(minute=0, second=0, microsecond=0)

COUNTS = (
    "residents_present", "children_present", "infants_present", "school_age_children",
    "unaccompanied_minors_present", "families_present", "families_in_own_lockable_unit",
    "max_adults_per_room",
)  # fmt: skip
# Parts of the checklist a visit may check, each passing or failing (or failing critically).
PARTS: dict[str, list[dict[str, Any]]] = {
    "toilets": [{"toilets_working": 20}, {"toilets_working": 8}, {"toilets_working": 3}],
    "staff": [
        {"staff_on_site_24h": True, "night_staff_child_protection_trained": True},
        {"staff_on_site_24h": False, "night_staff_child_protection_trained": True},
    ],
    "water": [{"drinking_water_24h": True}, {"drinking_water_24h": False}],
    "cleaning": [{"cleaning_schedule_followed": True}, {"cleaning_schedule_followed": False}],
    "school": [{"max_days_without_school": 30}, {"max_days_without_school": 200}],
}

part = st.tuples(st.sampled_from(sorted(PARTS)), st.integers(0, 2))
visit = st.fixed_dictionaries(
    {
        "hours": st.integers(0, 30 * 24),
        "counts": st.booleans(),
        "parts": st.lists(part, max_size=4),
        "rest": st.booleans(),
    }
)


def answers_of(drawn: dict[str, Any], passing: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if drawn["rest"]:
        answers.update({k: v for k, v in passing.items() if k not in COUNTS})
    if drawn["counts"]:
        answers.update({k: passing[k] for k in COUNTS})
    for name, variant in drawn["parts"]:
        options = PARTS[name]
        answers.update(options[variant % len(options)])
    return answers


def stored_state(location_id: int) -> tuple[Any, Any]:
    db.session.expire_all()
    picture = db.session.get(LocationPicture, location_id)
    summary = None
    if picture is not None:
        summary = (
            picture.status, picture.overall, picture.coverage, picture.domain_scores,
            picture.failed_norms, picture.critical_norms, picture.failing_since,
            picture.latest_observed_at, picture.children_present, picture.stale_on,
        )  # fmt: skip
    norms = {
        row.norm: (
            row.outcome,
            row.severity,
            row.found,
            row.critical,
            row.last_assessed,
            row.failing_since,
        )  # fmt: skip
        for row in db.session.scalars(
            select(LocationNorm).where(LocationNorm.location_id == location_id)
        )
    }
    days = [
        (
            row.valid_from,
            row.norm_set_id,
            row.status,
            row.overall,
            row.coverage,
            row.failed_norms,
            row.critical_norms,
            row.failing_since,
            row.latest_observed_at,
            row.children_present,
        )  # fmt: skip
        for row in db.session.scalars(
            select(LocationPictureDay)
            .where(LocationPictureDay.location_id == location_id)
            .order_by(LocationPictureDay.valid_from)
        )
    ]
    return summary, norms, days


numbers = itertools.count()


def moment(value: Any) -> datetime | None:
    """A time as the picture's rows give it: text in UTC on SQLite, aware on PostgreSQL."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return None if value is None or pd.isna(value) else value


@PROPERTY
@given(
    visits=st.lists(visit, min_size=1, max_size=6),
    order=st.randoms(use_true_random=False),
    as_of_hours=st.integers(0, 32 * 24),
)
def test_any_arrival_order_gives_the_picture_of_the_ordered_visits(
    norm_set, create_location, create_user, passing_answers, visits, order, as_of_hours
):
    n = next(numbers)
    shuffled = create_location(code=f"SHUFFLED-{n}", type="azc")
    ordered = create_location(code=f"ORDERED-{n}", type="azc")
    inspector = create_user("inspector")
    planned = [
        (BASE + timedelta(hours=v["hours"]), answers_of(v, passing_answers), str(uuid.UUID(int=i)))
        for i, v in enumerate(visits)
    ]

    arrival = planned[:]
    order.shuffle(arrival)
    for observed_at, answers, key in arrival:
        # Ids ordered as in the other location: visits at the same instant go by id.
        submission = Submission(f"a{n:07d}{key[8:]}", shuffled.code, observed_at, answers)
        submit_inspection(submission, inspector)
        db.session.commit()
    for observed_at, answers, key in sorted(planned, key=lambda p: (p[0], p[2])):
        submission = Submission(f"b{n:07d}{key[8:]}", ordered.code, observed_at, answers)
        submit_inspection(submission, inspector)
        db.session.commit()

    # The same visits under other ids: everything else must agree.
    got = stored_state(shuffled.id)
    assert got == stored_state(ordered.id)

    inspections = db.session.scalars(
        select(Inspection).where(Inspection.location_id == shuffled.id)
    ).all()
    engine_visits = [VisitResults(i.id, i.observed_at, i.results) for i in inspections]
    day = today()
    expected = current_picture(engine_visits, compiled(norm_set_for(day)), "azc", day)
    summary, norms, _ = got
    assert summary[:7] == (
        expected.status, expected.overall, expected.coverage, expected.domains_dict(),
        list(expected.failed_norms), list(expected.critical_norms), expected.failing_since,
    )  # fmt: skip
    for state in expected.norms:
        if state.outcome == "fail":
            assert norms[state.norm][5] == state.failing_since
            assert norms[state.norm][4] == state.last_assessed

    # The picture of a past day, from the rows of the picture's days.
    as_of = (BASE + timedelta(hours=as_of_hours)).astimezone(AMSTERDAM).date()
    if as_of < day:
        past = current_picture(engine_visits, compiled(norm_set_for(as_of)), "azc", as_of)
        row = picture_rows(as_of).set_index("code").loc[shuffled.code]
        assert row["status"] == past.status
        if past.status != "not_inspected":
            overall = None if pd.isna(row["overall"]) else row["overall"]
            assert (overall, row["coverage"]) == (past.overall, past.coverage)
            assert row["failed_norms"] == list(past.failed_norms)
            assert row["critical_norms"] == list(past.critical_norms)
            assert moment(row["failing_since"]) == past.failing_since


def test_as_of_a_day_before_any_visit_is_not_inspected(norm_set, create_location):
    create_location(code="EMPTY")
    row = picture_rows(date(2024, 1, 1)).set_index("code").loc["EMPTY"]
    assert row["status"] == "not_inspected"
