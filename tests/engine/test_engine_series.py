"""A location's picture over time: per visit, the picture at the end of the visit's local day."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from picture_visits import VISITS, at, visit

from inspection.engine import (
    AMSTERDAM,
    VisitResults,
    current_picture,
    local_date,
    outcome_letters,
    picture_series,
    results_from_letters,
    score_answers,
)

# The document fixture never changes, so sharing it between examples is safe.
PROPERTY = settings(
    deadline=None,
    max_examples=150,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def document(three_norms):
    return three_norms


def summary(picture):
    return (picture.day, picture.overall, picture.coverage, picture.status, picture.failed_norms)


def test_a_partial_follow_up_scores_100_but_the_location_stays_critical(document):
    first = visit(document, "a", at(1), staff_on_site_24h=False, residents_present=100,
                  toilets_working=2, towels=True)  # fmt: skip
    follow_up = visit(document, "b", at(8), residents_present=100, toilets_working=10)
    own = score_answers({"residents_present": 100, "toilets_working": 10}, document, "noodopvang")
    assert (own.overall, own.status) == (100.0, "incomplete")

    points = picture_series([follow_up, first], "noodopvang", lambda day: document)

    assert [p.visit.id for p in points] == ["a", "b"]
    assert [p.picture.status for p in points] == ["critical", "critical"]
    assert points[0].picture.failed_norms == ("SAF-02", "HYG-01")
    assert points[1].picture.failed_norms == ("SAF-02",)
    assert points[1].picture.overall != 100.0
    assert points[1].picture.coverage == 100.0


def test_visits_on_one_local_day_share_the_picture_at_its_end(document):
    # 23:30 on 1 March in Amsterdam is 22:30 UTC: still 1 March locally.
    morning = visit(document, "a", at(1, 9), staff_on_site_24h=False)
    night = visit(document, "b", at(1, 23) + dt.timedelta(minutes=30), staff_on_site_24h=True)
    next_day = visit(document, "c", at(2, 0) + dt.timedelta(minutes=30), towels=False)

    points = picture_series([next_day, night, morning], "noodopvang", lambda day: document)

    assert [p.picture.day for p in points] == [dt.date(2026, 3, 1)] * 2 + [dt.date(2026, 3, 2)]
    assert points[0].picture == points[1].picture
    assert points[0].picture.failed_norms == ()  # the night visit's pass stands by day's end
    assert points[2].picture.failed_norms == ("HYG-03",)


def test_an_outcome_goes_stale_in_the_series_as_in_the_picture(document):
    failing = visit(document, "a", at(1), staff_on_site_24h=False, towels=True)
    months_later = visit(document, "b", at(10, month=5), towels=True)

    points = picture_series([failing, months_later], "noodopvang", lambda day: document)

    assert points[0].picture.status == "critical"
    assert points[1].picture.failed_norms == ()  # SAF-02's failure is over 30 days old
    assert points[1].picture.status == "incomplete"


def test_each_day_counts_the_norms_of_the_version_in_force_then(
    document, build, make_item, make_norm
):
    # Version 2 keeps only HYG-03.
    later = build(
        version="2",
        valid_from="2026-04-01",
        items=[make_item("towels", "boolean")],
        norms=[make_norm("HYG-03", {"item": "towels", "equals": True}, domain="HYG")],
    )
    march = visit(document, "a", at(1), staff_on_site_24h=False, towels=True)
    april = visit(document, "b", at(2, month=4), towels=True)

    def document_on(day):
        return later if day >= dt.date(2026, 4, 1) else document

    points = picture_series([march, april], "noodopvang", document_on)

    assert points[0].picture.status == "critical"
    assert [n.norm for n in points[1].picture.norms] == ["HYG-03"]
    assert points[1].picture.status == "meets_norms"


@PROPERTY
@given(visits=VISITS)
def test_every_point_is_the_picture_of_its_day_made_afresh(document, visits):
    start = dt.datetime(2026, 3, 28, 0, 0, tzinfo=AMSTERDAM)  # across the change to summer time
    stored = [
        visit(document, f"v{i:02d}", start + dt.timedelta(hours=hours), **answers)
        for i, (hours, answers) in enumerate(visits)
    ]

    points = picture_series(reversed(stored), "noodopvang", lambda day: document)

    assert sorted(p.visit.id for p in points) == sorted(v.id for v in stored)
    for point in points:
        day = local_date(point.visit.observed_at)
        afresh = current_picture(stored, document, "noodopvang", day)
        assert summary(point.picture) == summary(afresh)


@PROPERTY
@given(visits=VISITS)
def test_outcome_letters_give_the_same_series_as_the_results(document, visits):
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=AMSTERDAM)
    stored = [
        visit(document, f"v{i:02d}", start + dt.timedelta(hours=hours), **answers)
        for i, (hours, answers) in enumerate(visits)
    ]
    codes = [norm.code for norm in document.norms]
    lettered = [
        VisitResults(v.id, v.observed_at, results_from_letters(outcome_letters(v.results), codes))
        for v in stored
    ]

    full = picture_series(stored, "noodopvang", lambda day: document)
    short = picture_series(lettered, "noodopvang", lambda day: document)

    assert [summary(p.picture) for p in short] == [summary(p.picture) for p in full]


def test_letters_that_do_not_fit_the_norms_are_refused():
    with pytest.raises(ValueError, match="3 outcome letters for 2 norms"):
        results_from_letters("PCU", ["A", "B"])
