"""A location's current picture per norm (docs/norms.md, "The current picture of a location")."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.engine import (
    AMSTERDAM,
    VisitResults,
    current_picture,
    outcome_letters,
    score_answers,
    track_norms,
)

T = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def document(build, make_item, make_norm):
    return build(
        items=[
            make_item("staff_on_site_24h", "boolean"),
            make_item("residents_present"),
            make_item("toilets_working"),
            make_item("towels", "boolean"),
            make_item("playground", "boolean"),
        ],
        norms=[
            make_norm("SAF-02", {"item": "staff_on_site_24h", "equals": True}, severity="critical"),
            make_norm(
                "HYG-01",
                {"ratio": ["residents_present", "toilets_working"], "max": 20, "critical_max": 50},
                domain="HYG",
            ),
            make_norm("HYG-03", {"item": "towels", "equals": True}, domain="HYG", severity="minor"),
            make_norm(
                "LIV-01",
                {"item": "playground", "equals": True},
                domain="LIV",
                severity="minor",
                applies_to=["azc"],
            ),
        ],
    )


def visit(document, key, when, location_type="noodopvang", **answers):
    score = score_answers(answers, document, location_type)
    return VisitResults(key, when, [r.to_dict() for r in score.results])


def at(day, hour=10):
    return dt.datetime(2026, 3, day, hour, tzinfo=T)


def states(picture):
    return {n.norm: n for n in picture.norms}


def test_the_example_of_the_norms_a_follow_up_does_not_erase_other_failures(document):
    first = visit(document, "a", at(1), staff_on_site_24h=False, residents_present=100,
                  toilets_working=2, towels=True)  # fmt: skip
    follow_up = visit(document, "b", at(8), residents_present=100, toilets_working=10)
    own = score_answers({"residents_present": 100, "toilets_working": 10}, document, "noodopvang")
    assert (own.overall, own.status) == (100.0, "incomplete")

    picture = current_picture([follow_up, first], document, "noodopvang", dt.date(2026, 3, 9))

    norms = states(picture)
    assert norms["HYG-01"].outcome == "pass"
    assert norms["HYG-01"].last_assessed == at(8)
    assert norms["SAF-02"].outcome == "fail"
    assert norms["SAF-02"].severity == "critical"
    assert norms["SAF-02"].failing_since == at(1)
    assert norms["SAF-02"].last_assessed == at(1)
    assert picture.status == "critical"
    assert picture.failed_norms == ("SAF-02",) == picture.critical_norms
    # SAF-02 (3) failed; HYG-01 (2) and HYG-03 (1) passed; LIV-01 is for azc only.
    assert picture.overall == 50.0
    assert picture.coverage == 100.0
    assert picture.domains["SAF"].score == 0.0
    assert picture.domains["HYG"].score == 100.0
    assert picture.domains["LIV"].score is None
    assert norms["LIV-01"].outcome == "not_applicable"


def test_an_unanswered_visit_neither_changes_an_outcome_nor_breaks_a_run(document):
    visits = [
        visit(document, "a", at(1), staff_on_site_24h=False),
        visit(document, "b", at(2), towels=True),  # SAF-02 unanswered
        visit(document, "c", at(3), staff_on_site_24h=False),
    ]
    norms = states(current_picture(visits, document, "noodopvang", dt.date(2026, 3, 3)))
    assert norms["SAF-02"].failing_since == at(1)
    assert norms["SAF-02"].last_assessed == at(3)
    assert norms["SAF-02"].visit == "c"


def test_a_pass_or_not_applicable_breaks_a_run(document, make_item, make_norm):
    visits = [
        visit(document, "a", at(1), staff_on_site_24h=False),
        visit(document, "b", at(2), staff_on_site_24h=True),
        visit(document, "c", at(3), staff_on_site_24h=False),
    ]
    norms = states(current_picture(visits, document, "noodopvang", dt.date(2026, 3, 3)))
    assert norms["SAF-02"].failing_since == at(3)
    # The picture of day 2 holds the pass: visits after the day are left out.
    day_two = states(current_picture(visits, document, "noodopvang", dt.date(2026, 3, 2)))
    assert day_two["SAF-02"].outcome == "pass"
    assert day_two["SAF-02"].failing_since is None


def test_threshold_and_severity_are_those_of_the_visit_that_established_the_outcome(document):
    visits = [
        visit(document, "a", at(1), residents_present=300, toilets_working=5),  # 60 > 50
        visit(document, "b", at(2), residents_present=100, toilets_working=4),  # 25 > 20
        visit(document, "c", at(3), towels=True),
    ]
    norms = states(current_picture(visits, document, "noodopvang", dt.date(2026, 3, 3)))
    assert norms["HYG-01"].severity == "major"
    assert norms["HYG-01"].value == 25
    assert norms["HYG-01"].threshold == {"max": 20, "critical_max": 50}
    assert norms["HYG-01"].failing_since == at(1)  # a critical failure then a major: one run
    escalated = states(current_picture(visits[:1], document, "noodopvang", dt.date(2026, 3, 3)))
    assert escalated["HYG-01"].severity == "critical"


def test_the_order_is_observed_at_never_arrival(document):
    late = visit(document, "z", at(1), staff_on_site_24h=True)
    early_key = visit(document, "a", at(5), staff_on_site_24h=False)
    for order in ([late, early_key], [early_key, late]):
        norms = states(current_picture(order, document, "noodopvang", dt.date(2026, 3, 5)))
        assert norms["SAF-02"].outcome == "fail"
    # Two visits at the same instant: the key decides, whatever order they come in.
    same = [
        visit(document, "b", at(5), staff_on_site_24h=True),
        visit(document, "a", at(5), staff_on_site_24h=False),
    ]
    for order in (same, same[::-1]):
        norms = states(current_picture(order, document, "noodopvang", dt.date(2026, 3, 5)))
        assert norms["SAF-02"].outcome == "pass"


def test_an_outcome_older_than_stale_after_days_counts_as_unanswered(build, make_item, make_norm):
    document = build(
        items=[make_item("staff_on_site_24h", "boolean")],
        norms=[make_norm("SAF-02", {"item": "staff_on_site_24h", "equals": True})],
        stale_after_days=30,
    )
    failed = visit(
        document, "a", dt.datetime(2026, 3, 1, 23, 30, tzinfo=T), staff_on_site_24h=False
    )
    # Observed 1 March, 23:30 local: exactly 30 days old on 31 March, still counted.
    on_time = current_picture([failed], document, "noodopvang", dt.date(2026, 3, 31))
    assert on_time.status == "below_norm"
    assert on_time.stale_on == dt.date(2026, 4, 1)
    stale = current_picture([failed], document, "noodopvang", dt.date(2026, 4, 1))
    norm = states(stale)["SAF-02"]
    assert (norm.outcome, norm.stale, norm.last_assessed) == (
        "unanswered",
        True,
        failed.observed_at,
    )
    assert (stale.status, stale.coverage, stale.overall) == ("incomplete", 0.0, None)
    assert stale.failed_norms == ()


def test_the_default_staleness_is_a_year(document):
    assert document.stale_after_days == 365


def test_local_dates_decide_the_day(document):
    # 00:30 on 2 March in Amsterdam is still 1 March in UTC: it belongs to 2 March.
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    assert moment.astimezone(AMSTERDAM).date() == dt.date(2026, 3, 2)
    visits = [visit(document, "a", moment, staff_on_site_24h=False)]
    assert current_picture(visits, document, "noodopvang", dt.date(2026, 3, 1)).status == (
        "not_inspected"
    )
    assert current_picture(visits, document, "noodopvang", dt.date(2026, 3, 2)).status == (
        "critical"
    )


def test_without_a_visit_the_location_is_not_inspected(document):
    picture = current_picture([], document, "azc", dt.date(2026, 3, 1))
    assert (picture.status, picture.overall, picture.coverage) == ("not_inspected", None, 0.0)
    assert all(n.outcome in ("unanswered", "not_applicable") for n in picture.norms)


def test_coverage_and_status_use_the_formulas_of_a_visit(document):
    # Everything but the minor towels norm passes: 80 % coverage meets the norms.
    visits = [
        visit(
            document,
            "a",
            at(1),
            "azc",
            staff_on_site_24h=True,
            residents_present=10,
            toilets_working=1,
            playground=True,
        ),  # fmt: skip
        visit(document, "b", at(2), "azc", towels=False),
    ]
    picture = current_picture(visits, document, "azc", dt.date(2026, 3, 2))
    assert picture.coverage == 100.0
    assert picture.status == "meets_norms"  # a minor failure lists but does not lower
    assert picture.failed_norms == ("HYG-03",)
    assert picture.overall == round(100 * 6 / 7, 1)
    partial = current_picture(visits[1:], document, "azc", dt.date(2026, 3, 2))
    assert (partial.coverage, partial.status) == (25.0, "incomplete")


def test_only_norms_of_the_version_in_force_count(build, make_item, make_norm, document):
    visits = [visit(document, "a", at(1), staff_on_site_24h=False, towels=False)]
    newer = build(
        items=[make_item("towels", "boolean"), make_item("soap", "boolean")],
        norms=[
            make_norm("HYG-03", {"item": "towels", "equals": True}, domain="HYG", severity="major"),
            make_norm("HYG-09", {"item": "soap", "equals": True}, domain="HYG"),
        ],
        version="2026.1",
    )
    picture = current_picture(visits, newer, "noodopvang", dt.date(2026, 3, 2))
    norms = states(picture)
    assert set(norms) == {"HYG-03", "HYG-09"}  # SAF-02 left the catalogue
    assert norms["HYG-03"].severity == "minor"  # as the visit found it
    assert norms["HYG-09"].outcome == "unanswered"
    assert (picture.status, picture.coverage) == ("incomplete", 50.0)


def test_tracks_fold_one_visit_at_a_time_as_all_at_once(document):
    visits = [
        visit(document, "a", at(1), staff_on_site_24h=False, towels=False),
        visit(document, "b", at(2), towels=True),
        visit(document, "c", at(3), staff_on_site_24h=False, residents_present=5),
    ]
    folded = {}
    for one in visits:
        folded = track_norms([one], folded)
    assert folded == track_norms(visits[::-1])


def test_outcome_letters(document):
    results = visit(document, "a", at(1), "azc", staff_on_site_24h=False, residents_present=60,
                    toilets_working=1, towels=True).results  # fmt: skip
    assert outcome_letters(results) == "CCPU"
