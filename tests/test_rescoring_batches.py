"""A rescoring in batches, in worker processes or in one, ends where scoring afresh does.

The stored results, the pictures and the findings after an erratum equal
what the engine makes of the same visits under the corrected document.
"""

from __future__ import annotations

import copy
import gc
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kept_state import kept_state
from sqlalchemy import select, text

from inspection import location_state, rescoring
from inspection.db import db
from inspection.engine import (
    FAIL,
    Assessment,
    Visit,
    VisitResults,
    current_picture,
    derive_findings,
    outcome_letters,
    parse_norm_set,
    score_answers,
)
from inspection.location_state import picture_of, remake_days_after_a_version, today
from inspection.models import (
    AuditEvent,
    Finding,
    Inspection,
    Location,
    LocationNorm,
    LocationPictureDay,
    NormSet,
    User,
)
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, load_norm_set, read_document
from inspection.rescore_batches import verdict
from inspection.rescoring import correct_norm_set, rescore
from inspection.submissions import Submission, submit_inspection

BASE = (datetime.now(UTC) - timedelta(days=60)).replace(hour=9, minute=0, second=0, microsecond=0)
VISITS = 14


def erratum() -> dict:
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 15}
    return document


@pytest.fixture
def visits(norm_set, create_location, create_user, passing_answers):
    """Partial visits at two locations, some failing HYG-01 only by the original threshold."""
    places = [create_location(code="TER-APEL", type="azc"), create_location(code="BUDEL")]
    inspector = create_user("inspector")
    rng = random.Random(7)
    for n in range(VISITS):
        # 200 residents: 9 to 20 toilets is 22 to 10 residents per toilet.
        answers = {**passing_answers, "toilets_working": rng.choice((9, 12, 14, 20))}
        if n % 3 == 1:  # a follow-up visit that checks the toilets only
            answers = {"toilets_working": answers["toilets_working"], "residents_present": 200}
        if n % 4 == 2:
            answers["staff_on_site_24h"] = False
        submission = Submission(
            id=str(uuid.uuid4()),
            location=places[n % 2].code,
            observed_at=BASE + timedelta(days=3 * n, hours=rng.randint(0, 5)),
            answers=answers,
        )
        submit_inspection(submission, inspector)
        db.session.commit()
    return places


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rescoring_in_batches_gives_what_scoring_afresh_gives(
    visits, norm_set, monkeypatch, processes
):
    # Batches of 3: several in flight at once, the last one short.
    monkeypatch.setattr(rescoring, "BATCH", 3)
    corrected = erratum()
    correct_norm_set(norm_set, corrected, None)
    report = rescore("nl-children", "2023.1", processes=processes)
    db.session.commit()
    db.session.expire_all()

    document = parse_norm_set(corrected)
    inspections = db.session.scalars(select(Inspection).order_by(Inspection.observed_at)).all()
    assert report.rescored == VISITS
    for inspection in inspections:
        fresh = score_answers(inspection.answers, document, inspection.location.type).stored()
        assert inspection.results == fresh["results"]
        assert (inspection.overall, inspection.coverage, inspection.status) == (
            fresh["overall"],
            fresh["coverage"],
            fresh["status"],
        )
        assert inspection.domain_scores == fresh["domain_scores"]
        assert inspection.outcomes == outcome_letters(fresh["results"])
        assert inspection.norm_set_sha256 == norm_set.document_sha256

    # The erratum changed verdicts (HYG-01 at 14 and 12 toilets), each audited once.
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "inspection.rescored")
    ).all()
    assert report.changed == len(events) > 0
    assert len({e.subject_id for e in events}) == len(events)

    days = {norm.code: norm.follow_up_days for norm in document.norms}
    for place in visits:
        mine = [i for i in inspections if i.location_id == place.id]
        expected = current_picture(
            [VisitResults(i.id, i.observed_at, i.results) for i in mine],
            document,
            place.type,
            today(),
        )
        picture, _ = picture_of(db.session, db.session.get(Location, place.id))
        assert picture == expected

        derived = derive_findings(
            Visit(
                i.id,
                i.observed_at,
                {
                    r["norm"]: Assessment(
                        r["outcome"],
                        r["severity"] if r["outcome"] == FAIL else None,
                        days[r["norm"]],
                    )
                    for r in i.results
                    if r["outcome"] != "unanswered"
                },
            )
            for i in mine
        )
        findings = db.session.scalars(
            select(Finding)
            .where(Finding.location_id == place.id)
            .order_by(Finding.opened_at, Finding.norm)
        ).all()
        assert [
            (f.norm, f.state, f.severity, f.opened_at, f.repeats, f.deadline) for f in findings
        ] == [(d.norm, d.state, d.severity, d.opened_at, d.repeats, d.deadline) for d in derived]


def stored_days() -> list[tuple]:
    rows = db.session.execute(
        select(LocationPictureDay).order_by(
            LocationPictureDay.location_id, LocationPictureDay.valid_from
        )
    ).scalars()
    return [
        (d.location_id, d.valid_from, d.status, d.overall, d.coverage, d.failed_norms,
         d.critical_norms, d.failing_since, d.latest_inspection_id, d.children_present)
        for d in rows
    ]  # fmt: skip


def remade_from_scratch() -> list[tuple]:
    remake_days_after_a_version(db.session)
    db.session.flush()
    db.session.expire_all()
    return stored_days()


@pytest.mark.parametrize("processes", [1, 2])
def test_the_days_after_an_erratum_are_those_made_afresh(visits, norm_set, monkeypatch, processes):
    monkeypatch.setattr(rescoring, "BATCH", 3)
    before = stored_days()
    correction = correct_norm_set(norm_set, erratum(), None)
    assert correction.outcomes_only
    rescore("nl-children", "2023.1", processes=processes, correction=correction)
    db.session.flush()
    after = stored_days()
    # Outcomes changed (HYG-01 at 14 and 12 toilets): the days from the first of them on.
    assert after != before
    assert after == remade_from_scratch()


@pytest.mark.parametrize("processes", [1, 2])
def test_an_erratum_beside_visits_of_another_version_ends_where_remaking_all_does(
    visits, norm_set, monkeypatch, processes
):
    """The visits of the corrected version are taken as scored, those of the other version
    (at the same locations, in between) as stored: the same days, pictures and findings as
    remaking the locations from every stored visit."""
    monkeypatch.setattr(rescoring, "BATCH", 3)
    later = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    later.update(version="2026.9", valid_from=(BASE + timedelta(days=20)).date().isoformat())
    load_norm_set(later)
    remake_days_after_a_version(db.session)  # as the commands that load versions do
    db.session.commit()
    inspector = db.session.scalars(select(User).where(User.role == "inspector")).first()
    for n in range(4):
        answers = {"toilets_working": 12 + n, "residents_present": 200, "children_present": 9 + n}
        submission = Submission(
            id=str(uuid.uuid4()),
            location=visits[n % 2].code,
            observed_at=BASE + timedelta(days=26 + 7 * n, hours=2),
            answers=answers,
        )
        submit_inspection(submission, inspector)
        db.session.commit()
    versions = db.session.scalars(
        select(NormSet.version).join(Inspection, Inspection.norm_set_id == NormSet.id)
    ).all()
    assert versions.count("2026.9") == 4 and versions.count("2023.1") == VISITS

    correction = correct_norm_set(norm_set, erratum(), None)
    report = rescore("nl-children", "2023.1", processes=processes, correction=correction)
    db.session.flush()
    after = kept_state()
    location_state.refresh(db.session, [place.id for place in visits])
    db.session.flush()

    assert report.changed > 0
    assert kept_state() == after


@pytest.mark.parametrize("processes", [1, 2])
def test_a_visit_only_the_rescorings_transaction_sees_is_rescored_and_counted(
    visits, norm_set, monkeypatch, processes
):
    """A visit stored in the transaction that then corrects the version and rescores it: the
    worker processes cannot read it, so it is rescored at the end, in the rescoring's own
    process; its location's picture, days and findings hold it as rescored."""
    monkeypatch.setattr(rescoring, "BATCH", 3)
    inspector = db.session.scalars(select(User).where(User.role == "inspector")).first()
    # 14 toilets for 200 residents (14.3 each): fails HYG-01 in an azc under 2023.1 (at most
    # 10), passes under the erratum (at most 15).
    uncommitted = Submission(
        id=str(uuid.uuid4()),
        location=visits[0].code,
        observed_at=BASE + timedelta(days=50),
        answers={"toilets_working": 14, "residents_present": 200, "children_present": 3},
    )
    stored, _ = submit_inspection(uncommitted, inspector)
    assert next(r for r in stored.results if r["norm"] == "HYG-01")["outcome"] == FAIL

    correction = correct_norm_set(norm_set, erratum(), None)
    rescore("nl-children", "2023.1", processes=processes, correction=correction)
    db.session.flush()
    after = kept_state()
    location_state.refresh(db.session, [place.id for place in visits])
    db.session.flush()

    assert kept_state() == after
    latest = db.session.get(LocationNorm, (visits[0].id, "HYG-01"))
    assert latest is not None and latest.outcome == "pass"
    assert latest.inspection_id == stored.id


def test_an_erratum_that_changes_no_outcome_leaves_the_days_as_they_were(
    visits, norm_set, monkeypatch
):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    # 9, 12, 14 and 20 toilets for 200 residents: 22.2, 16.7, 14.3 and 10 per toilet.
    hyg01["rule"]["max"] = {"default": 20.5, "azc": 10.5}
    before = stored_days()
    correction = correct_norm_set(norm_set, document, None)
    report = rescore("nl-children", "2023.1", processes=1, correction=correction)
    db.session.flush()
    assert report.changed == 0  # no verdict changed, only the thresholds in the results
    thresholds = {
        r["threshold"]["max"]
        for results in db.session.scalars(select(Inspection.results))
        for r in results
        if r["norm"] == "HYG-01" and r["outcome"] != "unanswered"
    }
    assert 10.5 in thresholds <= {10.5, 20.5}
    assert stored_days() == before == remade_from_scratch()


def test_an_erratum_of_a_weight_remakes_the_days_whole(visits, norm_set):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    next(n for n in document["norms"] if n["code"] == "HYG-01")["weight"] = 3
    correction = correct_norm_set(norm_set, document, None)
    assert not correction.outcomes_only  # the same letters, counted otherwise
    rescore("nl-children", "2023.1", processes=1, correction=correction)
    db.session.flush()
    assert stored_days() == remade_from_scratch()


def test_a_rescoring_in_processes_stores_what_one_process_stores(visits, norm_set, monkeypatch):
    monkeypatch.setattr(rescoring, "BATCH", 2)
    correct_norm_set(norm_set, erratum(), None)
    rescore("nl-children", "2023.1", processes=2)
    db.session.commit()
    after = db.session.execute(
        select(Inspection.id, Inspection.results, Inspection.status).order_by(Inspection.id)
    ).all()

    # Again in one process: nothing is left to change.
    report = rescore("nl-children", "2023.1", processes=1)
    db.session.commit()
    assert report.changed == 0
    again = db.session.execute(
        select(Inspection.id, Inspection.results, Inspection.status).order_by(Inspection.id)
    ).all()
    assert again == after


def test_a_failing_rescoring_leaves_everything_as_it_was(visits, norm_set, monkeypatch):
    monkeypatch.setattr(rescoring, "BATCH", 3)
    before = db.session.execute(
        select(Inspection.id, Inspection.results, Inspection.status).order_by(Inspection.id)
    ).all()

    def broken(*args, **kwargs):
        raise RuntimeError("the pictures could not be remade")

    monkeypatch.setattr(rescoring.location_state, "refresh", broken)
    correct_norm_set(norm_set, erratum(), None)
    with pytest.raises(RuntimeError):
        rescore("nl-children", "2023.1", processes=2)
    db.session.rollback()
    db.session.expire_all()

    assert (
        db.session.execute(
            select(Inspection.id, Inspection.results, Inspection.status).order_by(Inspection.id)
        ).all()
        == before
    )
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "inspection.rescored")
    ).all()
    # The garbage collector, stopped while the rescoring ran, runs again.
    assert gc.isenabled()


def test_a_rescoring_leaves_the_garbage_collector_as_it_found_it(visits, norm_set):
    rescore("nl-children", "2023.1", processes=1)
    assert gc.isenabled()
    gc.disable()
    try:
        rescore("nl-children", "2023.1", processes=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("processes", [1, 2])
def test_an_erratum_rewrites_the_rows_in_the_order_sqlite_stored_them(
    visits, norm_set, monkeypatch, processes
):
    """Rows rewritten together share SQLite's pages (bench/README.md): in rowid order, also
    within a batch that a worker process read (the database returns those by id)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL writes new row versions wherever there is room")
    monkeypatch.setattr(rescoring, "BATCH", 5)
    written: list[str] = []
    write = rescoring._Writes._sqlite

    def noted(self, connection, batch):
        written.extend(new.id for new in batch.rewritten)
        write(self, connection, batch)

    monkeypatch.setattr(rescoring._Writes, "_sqlite", noted)
    stored = db.session.scalars(text("SELECT id FROM inspections ORDER BY rowid")).all()
    assert stored != sorted(stored)  # random ids: their order is not the rows' order
    correct_norm_set(norm_set, erratum(), None)
    rescore("nl-children", "2023.1", processes=processes)
    assert written == stored


def verdicts() -> dict[str, tuple[dict, list]]:
    """Per inspection, its verdict as the audit records it, and its stored results."""
    return {
        i.id: (verdict(i.overall, i.coverage, i.status, i.domain_scores, i.results), i.results)
        for i in db.session.scalars(select(Inspection))
    }


def audited() -> dict[str, dict]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "inspection.rescored")
    ).all()
    assert len({e.subject_id for e in events}) == len(events)
    return {e.subject_id: e.details for e in events}


def expected_events(before: dict[str, tuple[dict, list]]) -> dict[str, dict]:
    db.session.expire_all()
    after = verdicts()
    return {
        key: {
            "norm_set": "nl-children/2023.1",
            "previous": previous,
            "previous_results": results,
            "current": after[key][0],
        }
        for key, (previous, results) in before.items()
        if after[key][0] != previous
    }


@pytest.mark.parametrize("processes", [1, 2])
def test_an_erratum_audits_exactly_the_changed_verdicts_with_their_previous_results(
    visits, norm_set, monkeypatch, processes
):
    monkeypatch.setattr(rescoring, "BATCH", 3)
    before = verdicts()
    correction = correct_norm_set(norm_set, erratum(), None)
    # The same norms and severities: a verdict changes where letters or scores do.
    assert correction.replaced is not None
    report = rescore("nl-children", "2023.1", processes=processes, correction=correction)
    db.session.commit()
    expected = expected_events(before)
    assert report.changed == len(expected) > 0
    assert audited() == expected


def test_an_erratum_of_a_severity_audits_the_visits_that_passed_the_norm_too(visits, norm_set):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    next(n for n in document["norms"] if n["code"] == "SAF-03")["severity"] = "minor"
    before = verdicts()
    correction = correct_norm_set(norm_set, document, None)
    assert correction.replaced is None
    report = rescore("nl-children", "2023.1", processes=1, correction=correction)
    db.session.commit()
    expected = expected_events(before)
    # Every visit that assessed SAF-03, passed or failed, now records it as minor.
    assessed = {
        key
        for key, (_, results) in before.items()
        if any(r["norm"] == "SAF-03" and r["outcome"] != "unanswered" for r in results)
    }
    assert assessed and assessed <= set(expected)
    assert report.changed == len(expected)
    assert audited() == expected
