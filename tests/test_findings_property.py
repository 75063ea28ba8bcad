"""Stored findings do not depend on the order phones send visits in.

For random sequences of partial visits of one location, submitted in a
random order, the findings stored after the last equal those derived by the
engine from the same visits sorted by ``observed_at``.
"""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inspection.db import db
from inspection.engine import AMSTERDAM, Assessment, Visit, derive_findings, score_answers
from inspection.models import Finding
from inspection.norm_sets import compiled
from inspection.submissions import Submission, submit_inspection

START = datetime(2026, 9, 1, 9, 0, tzinfo=AMSTERDAM)
# 200 residents: 20 toilets pass HYG-01 at an azc, 15 fail it (major), 3 critically.
TOILETS = st.sampled_from([None, 20, 15, 3])
# Infants present without a changing table fail HYG-03; none make it not applicable.
INFANTS = st.sampled_from([None, 0, 3])


def answers_of(toilets: int | None, infants: int | None) -> dict:
    answers: dict = {"residents_present": 200}
    if toilets is not None:
        answers["toilets_working"] = toilets
    if infants is not None:
        answers.update(children_present=60, infants_present=infants)
        answers["baby_changing_facilities"] = infants == 0
    return answers


VISITS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 23), TOILETS, INFANTS), min_size=1, max_size=7
)
_codes = itertools.count(1)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(visits=VISITS, data=st.data())
def test_stored_findings_equal_those_of_the_sorted_visits(
    norm_set, create_location, create_user, visits, data
):
    location = create_location(code=f"PROP-{next(_codes)}", type="azc")
    inspector = create_user("inspector")
    submissions = [
        Submission(
            id=str(uuid.uuid4()),
            location=location.code,
            observed_at=START + timedelta(days=day, hours=hour),
            answers=answers_of(toilets, infants),
        )
        for day, hour, toilets, infants in visits
    ]
    for submission in data.draw(st.permutations(submissions), label="arrival order"):
        submit_inspection(submission, inspector)
    db.session.commit()

    document = compiled(norm_set)
    expected = derive_findings(
        Visit(
            s.id,
            s.observed_at,
            {
                r.norm: Assessment(r.outcome, r.severity if r.outcome == "fail" else None)
                for r in score_answers(s.answers, document, "azc").results
                if r.outcome in ("pass", "fail", "not_applicable")
            },
        )
        for s in sorted(submissions, key=lambda s: s.observed_at)
    )
    assert stored_findings(location.id) == [
        (
            f.norm,
            f.severity,
            f.state,
            f.opened_at,
            f.deadline,
            f.repeats,
            f.closed_by,
            f.inspections,
        )
        for f in expected
    ]


def stored_findings(location_id: int) -> list[tuple]:
    findings = db.session.scalars(
        select(Finding)
        .where(Finding.location_id == location_id)
        .order_by(Finding.opened_at, Finding.norm)
    ).all()
    return [
        (
            f.norm,
            f.severity,
            f.state,
            f.opened_at,
            f.deadline,
            f.repeats,
            f.closed_by_id,
            tuple(_failing_order(f)),
        )
        for f in findings
    ]


def _failing_order(finding: Finding) -> list[str]:
    """The failing visits of a stored finding in the order they count (observed_at, id)."""
    return [i.id for i in sorted(finding.inspections, key=lambda i: (i.observed_at, i.id))]
