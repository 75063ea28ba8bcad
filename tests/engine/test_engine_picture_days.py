"""A location's picture on every day: the days it changes, and only those, each with its picture."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from picture_visits import VISITS, at, visit

from inspection.engine import (
    AMSTERDAM,
    current_picture,
    days_from,
    local_date,
    picture_days,
    track_norms,
)

PROPERTY = settings(
    deadline=None,
    max_examples=150,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
SWITCH = dt.date(2026, 4, 1)


@pytest.fixture
def document(three_norms):
    return three_norms


@pytest.fixture
def later(build, make_item, make_norm):
    """A version from 1 April that keeps only HYG-03 and forgets after 10 days."""
    return build(
        version="2",
        valid_from=SWITCH.isoformat(),
        stale_after_days=10,
        items=[make_item("towels", "boolean")],
        norms=[make_norm("HYG-03", {"item": "towels", "equals": True}, domain="HYG")],
    )


def summary(picture):
    return (
        picture.status, picture.overall, picture.coverage, picture.failed_norms,
        picture.critical_norms, picture.failing_since,
    )  # fmt: skip


def picture_on(days, day):
    """What a store of ``days`` answers for ``day``: the latest row on or before it."""
    found = [d for d in days if d.day <= day]
    return found[-1] if found else None


def test_the_days_are_the_visits_and_the_day_an_outcome_goes_stale(document):
    failing = visit(document, "a", at(1), staff_on_site_24h=False, towels=True)
    passing = visit(document, "b", at(5), towels=True)

    days = picture_days([passing, failing], "noodopvang", lambda day: document, [])

    # Both visits' days, then 31 days after each: SAF-02 (1 March) and HYG-03 (5 March)
    # no longer count.
    assert [d.day for d in days] == [
        dt.date(2026, 3, 1), dt.date(2026, 3, 5), dt.date(2026, 4, 1), dt.date(2026, 4, 5),
    ]  # fmt: skip
    assert [d.latest.id for d in days] == ["a", "b", "b", "b"]
    assert [d.picture.status for d in days] == ["critical", "critical", "incomplete", "incomplete"]
    assert days[2].picture.failed_norms == ()
    assert days[3].picture.coverage == 0.0  # nothing counts any more


def test_a_day_that_changes_nothing_is_left_out(document):
    # Two norms assessed on the same day go stale on the same day: one row, not two.
    only = visit(document, "a", at(1), staff_on_site_24h=True, towels=True)

    days = picture_days([only], "noodopvang", lambda day: document, [])

    assert [d.day for d in days] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]


def test_a_version_coming_into_force_starts_a_day_of_its_own(document, later):
    march = visit(document, "a", at(25), staff_on_site_24h=False, towels=True)

    def document_on(day):
        return later if day >= SWITCH else document

    days = picture_days([march], "noodopvang", document_on, [dt.date(2023, 5, 3), SWITCH])

    assert [d.day for d in days][:2] == [dt.date(2026, 3, 25), SWITCH]
    assert days[0].picture.status == "critical"
    # From 1 April only HYG-03 counts, and after its 10 days the towels are stale.
    assert days[1].picture.status == "meets_norms"
    assert days[2].day == dt.date(2026, 4, 5) and days[2].picture.coverage == 0.0


def test_visits_on_one_local_day_make_one_row(document):
    morning = visit(document, "a", at(1, 9), staff_on_site_24h=False)
    # 23:30 in Amsterdam is 22:30 UTC: still 1 March locally.
    night = visit(document, "b", at(1, 23) + dt.timedelta(minutes=30), staff_on_site_24h=True)

    days = picture_days([night, morning], "noodopvang", lambda day: document, [])

    assert days[0].day == dt.date(2026, 3, 1) and days[0].latest.id == "b"
    assert days[0].picture.failed_norms == ()


def test_from_the_latest_visit_on_the_days_are_those_of_all_visits(document):
    visits = [
        visit(document, "a", at(1), staff_on_site_24h=False, towels=False),
        visit(document, "b", at(9), towels=True),
        visit(document, "c", at(9, 15), residents_present=100, toilets_working=1),
    ]
    everything = picture_days(visits, "noodopvang", lambda day: document, [])

    tail = days_from(
        track_norms(visits), visits[-1], dt.date(2026, 3, 9), None, "noodopvang",
        lambda day: document, [],
    )  # fmt: skip

    assert [(d.day, summary(d.picture)) for d in tail] == [
        (d.day, summary(d.picture)) for d in everything if d.day >= dt.date(2026, 3, 9)
    ]


@PROPERTY
@given(visits=VISITS, offsets=st.lists(st.integers(-3, 140), min_size=1, max_size=8))
def test_the_row_of_any_day_holds_the_picture_made_afresh_for_it(document, later, visits, offsets):
    # Across the change to summer time (29 March) and a version that comes into force.
    start = dt.datetime(2026, 3, 20, 0, 0, tzinfo=AMSTERDAM)
    stored = [
        visit(document, f"v{i:02d}", start + dt.timedelta(hours=hours), **answers)
        for i, (hours, answers) in enumerate(visits)
    ]

    def document_on(day):
        return later if day >= SWITCH else document

    days = picture_days(reversed(stored), "noodopvang", document_on, [dt.date(2023, 5, 3), SWITCH])

    assert [d.day for d in days] == sorted({d.day for d in days})
    for offset in offsets:
        day = start.date() + dt.timedelta(days=offset)
        afresh = current_picture(stored, document_on(day), "noodopvang", day)
        row = picture_on(days, day)
        if row is None:
            assert afresh.status == "not_inspected"
        else:
            assert summary(row.picture) == summary(afresh)


@PROPERTY
@given(visits=VISITS.filter(bool), pick=st.integers(0, 11))
def test_the_days_since_a_visit_are_those_of_all_days_from_it(document, visits, pick):
    start = dt.datetime(2026, 3, 20, 0, 0, tzinfo=AMSTERDAM)
    stored = [
        visit(document, f"v{i:02d}", start + dt.timedelta(hours=hours), **answers)
        for i, (hours, answers) in enumerate(visits)
    ]
    since = local_date(stored[pick % len(stored)].observed_at)

    everything = picture_days(stored, "noodopvang", lambda day: document, [])
    tail = picture_days(stored, "noodopvang", lambda day: document, [], since)

    assert [(d.day, summary(d.picture), d.latest.id) for d in tail] == [
        (d.day, summary(d.picture), d.latest.id) for d in everything if d.day >= since
    ]
