"""Findings as a pure function of a location's visits (docs/norms.md, "Findings and follow-up")."""

from __future__ import annotations

import datetime as dt
import os
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.engine import (
    LAPSED,
    OPEN,
    RESOLVED,
    Assessment,
    NormSetError,
    Visit,
    derive_findings,
    parse_norm_set,
)

AMS = ZoneInfo("Europe/Amsterdam")
DAYS = {"critical": 2, "major": 30, "minor": 90}


def at(day: int, hour: int = 10, month: int = 3, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=AMS)


def fail(severity: str = "major", days: dict[str, int] | None = None) -> Assessment:
    return Assessment("fail", severity, days or DAYS)


PASS = Assessment("pass")
NA = Assessment("not_applicable")
UNANSWERED = Assessment("unanswered")


def visit(vid: str, when: dt.datetime, **outcomes: Assessment) -> Visit:
    return Visit(vid, when, {norm.replace("_", "-"): a for norm, a in outcomes.items()})


# -- opening, confirming, closing ------------------------------------------------------


def test_a_failure_opens_a_finding_with_its_deadline():
    [finding] = derive_findings([visit("v1", at(1), HYG_01=fail("major"))])
    assert finding.norm == "HYG-01"
    assert finding.state == OPEN
    assert finding.severity == "major"
    assert finding.opened_at == at(1)
    assert finding.inspections == ("v1",)
    assert finding.repeats == 0
    assert finding.deadline == dt.date(2026, 3, 31)
    assert finding.closed_at is None and finding.closed_by is None


def test_a_pass_never_opens_anything():
    assert derive_findings([visit("v1", at(1), HYG_01=PASS, SAF_02=NA)]) == []


def test_a_run_of_failures_with_an_unanswered_visit_between_is_one_finding():
    visits = [
        visit("v1", at(1), HYG_01=fail()),
        visit("v2", at(8), HYG_01=UNANSWERED),
        visit("v3", at(15)),  # the norm is not in this visit at all
        visit("v4", at(22), HYG_01=fail()),
    ]
    [finding] = derive_findings(visits)
    assert finding.state == OPEN
    assert finding.opened_at == at(1)
    assert finding.inspections == ("v1", "v4")
    assert finding.repeats == 1


def test_a_pass_resolves_and_a_later_failure_opens_a_new_finding():
    visits = [
        visit("v1", at(1), HYG_01=fail()),
        visit("v2", at(8), HYG_01=PASS),
        visit("v3", at(15), HYG_01=fail("minor")),
    ]
    first, second = derive_findings(visits)
    assert (first.state, first.closed_at, first.closed_by) == (RESOLVED, at(8), "v2")
    assert (second.state, second.opened_at, second.severity) == (OPEN, at(15), "minor")
    assert second.deadline == dt.date(2026, 6, 13)  # 15 March + 90 days


def test_not_applicable_lapses_a_finding():
    visits = [
        visit("v1", at(1), INF_01=fail()),
        visit("v2", at(8), INF_01=NA),
        visit("v3", at(9), INF_01=PASS),
    ]
    [finding] = derive_findings(visits)
    assert (finding.state, finding.closed_at, finding.closed_by) == (LAPSED, at(8), "v2")


def test_a_later_critical_failure_raises_the_severity_and_shortens_the_deadline():
    visits = [
        visit("v1", at(1), HYG_01=fail("major")),
        visit("v2", at(3), HYG_01=fail("critical")),
        visit("v3", at(5), HYG_01=fail("major")),
    ]
    [finding] = derive_findings(visits)
    assert finding.severity == "critical"  # a milder failure later does not lower it
    assert finding.opened_at == at(1)
    assert finding.deadline == dt.date(2026, 3, 3)  # from opened_at, with the critical days
    assert finding.repeats == 2


def test_each_norm_has_findings_of_its_own():
    visits = [
        visit("v1", at(1), HYG_01=fail(), SAF_02=fail("critical")),
        visit("v2", at(8), HYG_01=PASS),
    ]
    hyg, saf = derive_findings(visits)
    assert (hyg.norm, hyg.state) == ("HYG-01", RESOLVED)
    assert (saf.norm, saf.state, saf.deadline) == ("SAF-02", OPEN, dt.date(2026, 3, 3))


# -- order ---------------------------------------------------------------------------


def test_a_late_arrival_between_two_stored_visits_counts_where_it_was_observed():
    stored = [visit("v1", at(1), HYG_01=fail()), visit("v3", at(15), HYG_01=fail())]
    late = visit("v2", at(8), HYG_01=PASS)
    before = derive_findings(stored)
    assert len(before) == 1 and before[0].inspections == ("v1", "v3")
    first, second = derive_findings([*stored, late])
    assert (first.inspections, first.state, first.closed_by) == (("v1",), RESOLVED, "v2")
    assert (second.inspections, second.state, second.opened_at) == (("v3",), OPEN, at(15))


def test_visits_at_the_same_moment_count_by_id_not_by_arrival():
    a = visit("a", at(1), HYG_01=fail())
    b = visit("b", at(1), HYG_01=PASS)
    assert derive_findings([a, b]) == derive_findings([b, a])
    [finding] = derive_findings([b, a])
    assert (finding.state, finding.closed_by) == (RESOLVED, "b")


# -- deadlines and overdue -------------------------------------------------------------


def test_deadlines_are_local_dates_across_the_change_to_summer_time():
    # 28 March 2026 23:30 in Amsterdam is 22:30 UTC; summer time starts on 29 March.
    opened = dt.datetime(2026, 3, 28, 22, 30, tzinfo=dt.UTC)
    [finding] = derive_findings([visit("v1", opened, SAF_02=fail("critical"))])
    assert finding.deadline == dt.date(2026, 3, 30)
    # Just after midnight local time (still the previous day in UTC) is the next local day.
    opened = dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)  # 00:30 on 25 October, CEST
    [finding] = derive_findings([visit("v1", opened, SAF_02=fail("critical"))])
    assert finding.deadline == dt.date(2026, 10, 27)


def test_overdue_while_open_after_the_deadline():
    [finding] = derive_findings([visit("v1", at(1), SAF_02=fail("critical"))])
    assert finding.deadline == dt.date(2026, 3, 3)
    assert not finding.overdue(dt.date(2026, 3, 3))  # on the deadline day itself: not yet
    assert finding.overdue(dt.date(2026, 3, 4))
    resolved = derive_findings(
        [visit("v1", at(1), SAF_02=fail("critical")), visit("v2", at(10), SAF_02=PASS)]
    )[0]
    assert not resolved.overdue(dt.date(2026, 4, 1))


def test_follow_up_days_come_from_the_visits_norm_set():
    days = {"critical": 1, "major": 7, "minor": 14}
    [finding] = derive_findings([visit("v1", at(1), HYG_01=fail("minor", days))])
    assert (finding.deadline, finding.follow_up_days) == (dt.date(2026, 3, 15), 14)


def test_a_failure_without_a_known_severity_is_refused():
    with pytest.raises(ValueError):
        derive_findings([visit("v1", at(1), HYG_01=Assessment("fail", None))])


# -- the norm set document's follow_up_days ---------------------------------------------


def test_follow_up_days_default_and_may_be_set_per_document_and_per_norm(make_doc, make_norm):
    rule = {"item": "staff_on_site_24h", "equals": True}
    plain = parse_norm_set(make_doc())
    assert plain.follow_up_days == DAYS
    assert plain.norms[0].follow_up_days == DAYS
    doc = make_doc(
        norms=[
            make_norm("SAF-01", rule),
            make_norm("SAF-02", rule, follow_up_days=5),
            make_norm("SAF-03", rule, follow_up_days={"critical": 1}),
        ],
        follow_up_days={"major": 14},
    )
    parsed = parse_norm_set(doc)
    assert parsed.follow_up_days == {"critical": 2, "major": 14, "minor": 90}
    by_code = {n.code: n.follow_up_days for n in parsed.norms}
    assert by_code["SAF-01"] == {"critical": 2, "major": 14, "minor": 90}
    assert by_code["SAF-02"] == {"critical": 5, "major": 5, "minor": 5}
    assert by_code["SAF-03"] == {"critical": 1, "major": 14, "minor": 90}


@pytest.mark.parametrize(
    ("top", "norm", "path"),
    [
        ({"major": -1}, None, "follow_up_days.major"),
        ({"major": 2.5}, None, "follow_up_days.major"),
        ({"major": True}, None, "follow_up_days.major"),
        ({"major": 4000}, None, "follow_up_days.major"),
        ({"urgent": 3}, None, "follow_up_days"),
        ([2, 30, 90], None, "follow_up_days"),
        (None, "soon", "norms[SAF-01].follow_up_days"),
        (None, {"minor": "90"}, "norms[SAF-01].follow_up_days.minor"),
    ],
)
def test_bad_follow_up_days_are_refused_with_their_path(make_doc, make_norm, top, norm, path):
    rule = {"item": "staff_on_site_24h", "equals": True}
    doc = make_doc(norms=[make_norm("SAF-01", rule, follow_up_days=norm)])
    if top is not None:
        doc["follow_up_days"] = top
    with pytest.raises(NormSetError) as caught:
        parse_norm_set(doc)
    assert path in caught.value.by_path()


# -- the same findings whatever order the visits come in -------------------------------

_OUTCOMES = st.sampled_from(
    [PASS, NA, UNANSWERED, fail("minor"), fail("major"), fail("critical"), None]
)


@st.composite
def _visits(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    days = draw(st.lists(st.integers(0, 40), min_size=count, max_size=count))
    visits = []
    for i, day in enumerate(days):
        outcomes = {}
        for norm in ("HYG-01", "SAF-02"):
            outcome = draw(_OUTCOMES)
            if outcome is not None:
                outcomes[norm] = outcome
        when = dt.datetime(2026, 3, 1, 9, tzinfo=AMS) + dt.timedelta(days=day)
        visits.append(Visit(f"v{i:02d}", when, outcomes))
    return visits


@settings(deadline=None, max_examples=200, derandomize=not os.environ.get("FUZZ_RANDOM"))
@given(_visits(), st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_of_arrival(visits, rnd: random.Random):
    shuffled = list(visits)
    rnd.shuffle(shuffled)
    findings = derive_findings(shuffled)
    assert findings == derive_findings(visits)
    for finding in findings:
        # At most one open finding per norm, and every failure belongs to exactly one finding.
        assert sum(1 for f in findings if f.norm == finding.norm and f.state == OPEN) <= 1
    failures = sorted(
        (v.id, norm) for v in visits for norm, a in v.outcomes.items() if a.outcome == "fail"
    )
    assert sorted((vid, f.norm) for f in findings for vid in f.inspections) == failures
