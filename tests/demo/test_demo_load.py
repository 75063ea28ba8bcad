"""The loaded demo looks like the reception system: failures that last until repaired,
follow-up visits that check only what failed, visits by evening and night, several
inspectors, closed locations without later visits, and answers that agree."""

from __future__ import annotations

import shutil
import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from inspection.db import db
from inspection.demo.answers import CONTEXT_ITEMS, stay_limit
from inspection.demo.loader import CLOSED_ON, load_demo
from inspection.models import Inspection, Location
from inspection.norm_sets import compiled
from inspection.vocabulary import AMSTERDAM

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, database_template):
    """The demo of the six months before TODAY, loaded once for the module."""
    from app import create_app

    if isinstance(database_template, Path):  # SQLite: a copy of the migrated file
        target = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        shutil.copyfile(database_template, target)
        url, drop = f"sqlite:///{target}", None
    else:
        name = f"demo_{uuid.uuid4().hex[:12]}"
        url = database_template.create(name, template=database_template.template)
        drop = name
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "PASSWORD_HASH_COST": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        load_demo(seed=2023, months=6, today=TODAY)
        db.session.commit()
        visits = defaultdict(list)
        for inspection in db.session.scalars(
            db.select(Inspection).order_by(Inspection.observed_at)
        ):
            visits[inspection.location.code].append(inspection)
        locations = {loc.code: loc for loc in db.session.scalars(db.select(Location))}
        yield {"visits": visits, "locations": locations}
        db.session.remove()
        db.engine.dispose()
    if drop:
        database_template.drop(drop)


def _failed(inspection) -> set[str]:
    return {r["norm"] for r in inspection.results if r["outcome"] == "fail"}


def _items_of(inspection, norms: set[str]) -> set[str]:
    """The items of these norms, with the counts of children asked with them."""
    document = compiled(inspection.norm_set)
    items = set()
    for norm in document.norms:
        if norm.code in norms:
            items |= norm.rule.items
    items |= {c for c, item in document.items.items() if item.asked_with in norms}
    return items


def test_the_answers_of_every_visit_agree_with_each_other(demo):
    for visits in demo["visits"].values():
        for visit in visits:
            a = visit.answers
            if a.get("children_present") == 0:
                for code in ("max_child_stay_days", "max_relocations_12_months"):
                    assert a.get(code, 0) == 0, (visit.location.code, code, a)
            if "meals_per_day" in a and "meals_per_day_minors" in a:
                assert a["meals_per_day_minors"] >= a["meals_per_day"], a
            if "max_child_stay_days" in a and "children_over_stay_limit" in a:
                over = a["max_child_stay_days"] > stay_limit(visit.location.type)
                assert (a["children_over_stay_limit"] > 0) == over, a
            if visit.location.type == "beschermde-opvang":
                assert a["families_present"] == a["infants_present"] == 0


def test_follow_ups_check_only_what_failed_and_failures_last_until_repaired(demo):
    follow_ups = repaired = lasting = 0
    for visits in demo["visits"].values():
        for before, after in zip(visits, visits[1:], strict=False):
            failed = _failed(before)
            asked = set(after.answers) - set(CONTEXT_ITEMS)
            if failed and asked and asked <= _items_of(before, failed):
                follow_ups += 1
                assert (after.observed_at - before.observed_at).days <= 45
            outcomes = {r["norm"]: r["outcome"] for r in after.results}
            for norm in failed:
                repaired += outcomes.get(norm) == "pass"
                lasting += outcomes.get(norm) == "fail"
    assert follow_ups >= 10
    assert repaired >= 20 and lasting >= 20


def test_some_visits_are_in_the_evening_or_at_night_by_several_inspectors(demo):
    visits = [v for vs in demo["visits"].values() for v in vs]
    hours = [v.observed_at.astimezone(AMSTERDAM).hour for v in visits]
    assert sum(h >= 19 or h < 5 for h in hours) >= 0.05 * len(visits)
    assert len({v.inspector_id for v in visits}) >= 3


def test_closed_locations_have_no_visits_after_they_closed(demo):
    assert demo["visits"].get("HEUMENSOORD", []) == []  # closed before any norm set
    for code, closed in CLOSED_ON.items():
        for visit in demo["visits"].get(code, []):
            assert visit.observed_at.astimezone(AMSTERDAM).date() <= closed
    assert not demo["locations"]["VELSEN"].active


def test_crisis_shelters_are_not_all_critical_all_the_time(demo):
    latest = {}
    full = []
    for code, visits in demo["visits"].items():
        if demo["locations"][code].type != "crisisnoodopvang":
            continue
        complete = [v for v in visits if v.coverage is not None and v.coverage >= 90]
        full += complete
        if complete:
            latest[code] = complete[-1].status
    assert sum(v.status != "critical" for v in full) >= 0.2 * len(full)
    assert 0 < list(latest.values()).count("critical") < len(latest)


def test_ter_apel_runs_over_its_cap_now_and_then_and_receives_unaccompanied_minors(demo):
    visits = demo["visits"]["TER-APEL"]
    assert max(v.answers["residents_present"] for v in visits) > 2000
    with_minors = [v for v in visits if v.answers["unaccompanied_minors_present"] > 0]
    assert len(with_minors) >= 0.6 * len(visits)


def test_visits_are_scored_by_the_version_in_force_on_their_dutch_date(demo):
    for visits in demo["visits"].values():
        for visit in visits:
            day = visit.observed_at.astimezone(AMSTERDAM).date()
            expected = "2026.1" if day >= date(2026, 6, 12) else "2023.1"
            assert visit.norm_set.version == expected


def test_managers_answer_findings_and_some_are_resolved_and_some_overdue(demo_findings):
    findings = demo_findings
    answered = [f for f in findings if f.responses]
    assert len(answered) >= 10
    for finding in answered:
        for response in finding.responses:
            assert response.author.role == "manager"
            assert finding.location in response.author.locations
            assert response.created_at >= finding.opened_at
            if finding.closed_at is not None:
                assert response.created_at <= finding.closed_at
    states = {f.state for f in findings}
    assert {"open", "resolved"} <= states
    assert any(f.state == "open" and f.deadline < TODAY for f in findings)


@pytest.fixture(scope="module")
def demo_findings(demo):
    from inspection.models import Finding

    return db.session.scalars(db.select(Finding)).all()
