"""A location's picture is kept at write time: per norm, whatever order the visits arrive in."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from inspection.db import db
from inspection.models import Inspection, LocationNorm, LocationPicture
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document
from inspection.rescoring import correct_norm_set, rescore
from inspection.submissions import Submission, submit_inspection

# Visits of the last weeks, so that none is stale whenever the tests run.
BASE = (datetime.now(UTC) - timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)


def day(n: int) -> datetime:
    return BASE + timedelta(days=n)


@pytest.fixture
def inspector(create_user):
    return create_user("inspector")


@pytest.fixture
def location(norm_set, create_location):
    return create_location(code="TER-APEL", type="azc")


@pytest.fixture
def submit(inspector, location):
    def _submit(observed_at: datetime, answers: dict, key: str | None = None) -> Inspection:
        submission = Submission(
            id=key or str(uuid.uuid4()),
            location=location.code,
            observed_at=observed_at,
            answers=answers,
        )
        inspection, _ = submit_inspection(submission, inspector)
        db.session.commit()
        return inspection

    return _submit


def stored(location) -> tuple[LocationPicture, dict[str, LocationNorm]]:
    db.session.expire_all()
    picture = db.session.get(LocationPicture, location.id)
    norms = db.session.scalars(select(LocationNorm).where(LocationNorm.location_id == location.id))
    return picture, {n.norm: n for n in norms}


def test_the_example_of_the_norms(submit, location, passing_answers):
    # Visit 1 fails HYG-01 (40 residents per toilet, azc at most 10) and SAF-02 (critical).
    first = submit(
        day(0),
        {**passing_answers, "toilets_working": 5, "night_staff_child_protection_trained": False},
    )
    assert first.status == "critical"
    # Visit 2 answers only the toilet items; HYG-01 passes.
    second = submit(day(7), {"residents_present": 200, "toilets_working": 20})
    assert (second.overall, second.status) == (100.0, "incomplete")

    picture, norms = stored(location)
    assert picture.status == "critical"
    assert picture.failed_norms == ["SAF-02"] == picture.critical_norms
    assert norms["HYG-01"].outcome == "pass"
    assert norms["HYG-01"].last_assessed == day(7)
    assert norms["SAF-02"].outcome == "fail"
    assert norms["SAF-02"].severity == "critical"
    assert norms["SAF-02"].failing_since == day(0)
    assert norms["SAF-02"].last_assessed == day(0)
    assert picture.failing_since == day(0)
    assert picture.latest_inspection_id == second.id
    assert picture.coverage == 100.0
    assert picture.children_present == passing_answers["children_present"]


def test_a_late_visit_between_two_stored_ones_takes_its_place(submit, location, passing_answers):
    failing = {**passing_answers, "staff_on_site_24h": False}
    submit(day(0), failing)
    last = submit(day(10), failing)
    _, norms = stored(location)
    assert norms["SAF-02"].failing_since == day(0)

    submit(day(5), passing_answers)  # synced late: observed between the two

    picture, norms = stored(location)
    assert norms["SAF-02"].failing_since == day(10)  # the run starts again after the pass
    assert norms["SAF-02"].last_assessed == day(10)
    assert picture.status == "critical"
    assert picture.latest_inspection_id == last.id
    assert picture.latest_observed_at == day(10)

    # A late visit that passes after the last failure ends the run.
    submit(day(12), passing_answers)
    submit(day(11), {"staff_on_site_24h": True, "night_staff_child_protection_trained": True})
    picture, norms = stored(location)
    assert norms["SAF-02"].outcome == "pass"
    assert norms["SAF-02"].failing_since is None
    assert picture.status == "meets_norms"


def test_an_unanswered_visit_does_not_break_a_run(submit, location, passing_answers):
    submit(day(0), {**passing_answers, "staff_on_site_24h": False})
    submit(day(3), {"toilets_working": 20, "residents_present": 200})
    submit(day(6), {"staff_on_site_24h": False})
    picture, norms = stored(location)
    assert norms["SAF-02"].failing_since == day(0)
    assert norms["SAF-02"].last_assessed == day(6)
    assert picture.failing_since == day(0)


def test_a_rescoring_that_changes_a_past_outcome_changes_the_picture(
    submit, location, passing_answers, norm_set
):
    # 200 residents, 12 toilets: 16.7 per toilet, above the azc bound of 10.
    submit(day(0), {**passing_answers, "toilets_working": 12})
    submit(day(4), {"staff_on_site_24h": True})
    picture, norms = stored(location)
    assert (picture.status, norms["HYG-01"].outcome) == ("below_norm", "fail")

    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 20}
    correct_norm_set(norm_set, document, None)
    rescore("nl-children", "2023.1")
    db.session.commit()

    picture, norms = stored(location)
    assert norms["HYG-01"].outcome == "pass"
    assert norms["HYG-01"].threshold == {"max": 20, "critical_max": 50}
    assert picture.status == "meets_norms"
    assert picture.failed_norms == []


def test_a_resend_changes_nothing(submit, location, passing_answers):
    key = str(uuid.uuid4())
    submit(day(0), {**passing_answers, "staff_on_site_24h": False}, key=key)
    before = stored(location)[0].failed_norms
    submit(day(0), {**passing_answers, "staff_on_site_24h": False}, key=key)
    assert stored(location)[0].failed_norms == before == ["SAF-02"]
