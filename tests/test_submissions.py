"""An inspector's submission is checked, scored against the norms in force, and stored once."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, inspect

from inspection import submissions
from inspection.db import db, driver_rows
from inspection.errors import Conflict, ValidationFailed
from inspection.locations import create_location as add_location
from inspection.models import AuditEvent, Inspection, Location, NormSet, User
from inspection.norm_sets import (
    DEFAULT_NORM_SET_FILE,
    document_digest,
    json_ready,
    load_norm_set,
    read_document,
)
from inspection.submissions import Submission, submit_inspection

VISIT = datetime.fromisoformat("2026-11-20T10:15:00+01:00")


@pytest.fixture
def inspector(create_user):
    return create_user("inspector")


@pytest.fixture
def ter_apel(create_location):
    return create_location(code="TER-APEL", type="azc")


def submit(answers, inspector, location="TER-APEL", observed_at=VISIT, **kw):
    submission = Submission(
        id=kw.pop("id", str(uuid.uuid4())),
        location=location,
        observed_at=observed_at,
        answers=answers,
        **kw,
    )
    inspection, created = submit_inspection(submission, inspector)
    db.session.commit()
    return inspection, created


def test_a_compliant_visit_meets_the_norms(norm_set, ter_apel, inspector, passing_answers):
    inspection, created = submit(passing_answers, inspector)

    assert created
    assert inspection.status == "meets_norms"
    assert inspection.overall == 100.0
    assert inspection.coverage == 100.0
    assert inspection.norm_set.version == "2023.1"
    not_for_azc = {r["norm"] for r in inspection.results if r["outcome"] == "not_applicable"}
    assert not_for_azc == {"LIV-06", "HEA-01", "FAM-04"}  # norms for emergency shelters only
    assert {r["outcome"] for r in inspection.results if r["norm"] not in not_for_azc} == {"pass"}
    assert len(inspection.results) == 39
    assert inspection.observed_at == VISIT
    assert inspection.observed_at_local.isoformat() == "2026-11-20T10:15:00+01:00"
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "inspection.submitted")
    ).one()
    assert event.subject_id == inspection.id
    assert event.details["status"] == "meets_norms"


def test_too_few_toilets_at_an_azc_is_below_norm(norm_set, ter_apel, inspector, passing_answers):
    # 200 residents on 15 toilets: 13.3 per toilet passes the general 20, not the azc 10.
    inspection, _ = submit({**passing_answers, "toilets_working": 15}, inspector)

    assert inspection.status == "below_norm"
    hyg01 = next(r for r in inspection.results if r["norm"] == "HYG-01")
    assert hyg01["outcome"] == "fail"
    assert hyg01["threshold"]["max"] == 10
    assert hyg01["value"] == pytest.approx(200 / 15)
    assert inspection.domain_scores["HYG"]["failed"] == ["HYG-01"]


def test_no_drinking_water_is_critical(norm_set, ter_apel, inspector, passing_answers):
    inspection, _ = submit({**passing_answers, "drinking_water_24h": False}, inspector)

    assert inspection.status == "critical"


def test_a_resend_returns_the_stored_inspection(norm_set, ter_apel, inspector, passing_answers):
    first, created = submit(passing_answers, inspector, id="6f1c2a9e-0000-4000-8000-000000000001")

    again, created_again = submit(
        copy.deepcopy(passing_answers), inspector, id="6f1c2a9e-0000-4000-8000-000000000001"
    )

    assert created and not created_again
    assert again.id == first.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1
    submitted = db.select(db.func.count()).where(AuditEvent.action == "inspection.submitted")
    assert db.session.scalar(submitted) == 1


def test_the_same_id_with_other_content_is_a_conflict(
    norm_set, ter_apel, inspector, passing_answers
):
    submit(passing_answers, inspector, id="6f1c2a9e-0000-4000-8000-000000000002")

    with pytest.raises(Conflict):
        submit(
            {**passing_answers, "toilets_working": 3},
            inspector,
            id="6f1c2a9e-0000-4000-8000-000000000002",
        )


def test_bad_answers_are_refused_with_their_paths(norm_set, ter_apel, inspector, passing_answers):
    answers = {
        **passing_answers,
        "children_present": 300,
        "toilets_working": "veel",
        "meals_per_day": 2.5,
        "hot_water_available": 1,
        "swimming_pool": True,
    }

    with pytest.raises(ValidationFailed) as refused:
        submit(answers, inspector, notes={"XYZ-01": "?"})

    assert set(refused.value.fields) >= {
        "answers.children_present",
        "answers.toilets_working",
        "answers.meals_per_day",
        "answers.hot_water_available",
        "answers.swimming_pool",
        "notes.XYZ-01",
    }
    assert db.session.scalars(db.select(Inspection)).all() == []


def test_an_unknown_location_is_refused(norm_set, inspector, passing_answers):
    with pytest.raises(ValidationFailed) as refused:
        submit(passing_answers, inspector, location="NERGENS")

    assert "location" in refused.value.fields


def test_observed_at_in_the_future_is_refused(norm_set, ter_apel, inspector, passing_answers):
    soon = datetime.now(UTC) + timedelta(minutes=5)
    later = datetime.now(UTC) + timedelta(minutes=15)

    submit(passing_answers, inspector, observed_at=soon)  # a phone clock a little ahead
    with pytest.raises(ValidationFailed) as refused:
        submit(passing_answers, inspector, observed_at=later)

    assert "observed_at" in refused.value.fields


def test_observed_before_the_first_norm_set_is_refused(
    norm_set, ter_apel, inspector, passing_answers
):
    with pytest.raises(ValidationFailed) as refused:
        submit(
            passing_answers, inspector, observed_at=datetime.fromisoformat("2023-05-02T12:00+02:00")
        )

    assert "2023-05-03" in refused.value.fields["observed_at"][0]


def test_a_late_submission_is_scored_by_the_norms_of_its_visit_day(
    app, ter_apel, inspector, passing_answers
):
    document = read_document(DEFAULT_NORM_SET_FILE)
    load_norm_set(document)
    stricter = copy.deepcopy(document)
    stricter["version"] = "2026.1"
    stricter["valid_from"] = "2026-01-01"
    hyg01 = next(n for n in stricter["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 5}
    load_norm_set(stricter)
    db.session.commit()

    # Visited on New Year's Eve (00:30 local is still 2025 in UTC), received in 2026.
    new_year, _ = submit(
        passing_answers, inspector, observed_at=datetime.fromisoformat("2026-01-01T00:30+01:00")
    )
    old_year, _ = submit(
        passing_answers, inspector, observed_at=datetime.fromisoformat("2025-12-31T23:30+01:00")
    )

    assert new_year.norm_set.version == "2026.1"
    assert new_year.status == "below_norm"
    assert old_year.norm_set.version == "2023.1"
    assert old_year.status == "meets_norms"


def test_a_duplicate_stored_in_parallel_leaves_the_callers_earlier_work(
    another_app, norm_set, ter_apel, inspector, passing_answers
):
    """Another worker stores the same submission between our check and our insert.

    The insert is refused without an error (ON CONFLICT DO NOTHING): what the
    same transaction did before it stays, and the answer is the stored inspection.
    """
    if db.engine.dialect.name == "sqlite":
        pytest.skip("On SQLite a transaction's first write locks out every other writer")
    submission = Submission(
        id=str(uuid.uuid4()), location="TER-APEL", observed_at=VISIT, answers=passing_answers
    )
    other_worker = another_app()
    engine = db.engine
    stored_in_parallel = []

    def store_in_parallel(conn, cursor, statement, parameters, context, executemany) -> None:
        # Just before our transaction takes the location's lock, which the other
        # worker would otherwise wait for: it stores first, we insert and are refused.
        if stored_in_parallel or "pg_advisory_xact_lock" not in statement:
            return
        stored_in_parallel.append(True)
        with other_worker.app_context():
            submit_inspection(submission, db.session.get(User, inspector.id))
            db.session.commit()
            db.session.remove()

    add_location(EARLIER_WORK)
    event.listen(engine, "before_cursor_execute", store_in_parallel)
    try:
        inspection, created = submit_inspection(submission, inspector)
    finally:
        event.remove(engine, "before_cursor_execute", store_in_parallel)
    db.session.commit()

    assert stored_in_parallel
    assert not created
    assert inspection.id == submission.id
    db.session.expire_all()
    assert db.session.scalar(db.select(Location).where(Location.code == "EARLIER-WORK"))
    assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 1
    submitted = db.select(db.func.count()).where(AuditEvent.action == "inspection.submitted")
    assert db.session.scalar(submitted) == 1


def test_a_duplicate_refused_in_the_same_transaction_keeps_the_earlier_work(
    monkeypatch, norm_set, ter_apel, inspector, passing_answers
):
    """The id is stored between the check and the insert, in the caller's own transaction.

    Possible on SQLite too, where a parallel writer would wait for this one. The
    refused insert answers as for a resend; the transaction and the work done in
    it before (as ``demo load`` does) are left as they were.
    """
    submission = Submission(
        id=str(uuid.uuid4()), location="TER-APEL", observed_at=VISIT, answers=passing_answers
    )
    store_first_then_lock = _storing_before_the_insert(monkeypatch, submission, inspector)
    add_location(EARLIER_WORK)
    monkeypatch.setattr(submissions, "hold_locations", store_first_then_lock)

    inspection, created = submit_inspection(submission, inspector)
    db.session.commit()

    assert not created
    assert inspection.id == submission.id
    _assert_one_stored_beside_the_earlier_work(submission.id)


def test_another_content_refused_in_the_same_transaction_leaves_it_usable(
    monkeypatch, norm_set, ter_apel, inspector, passing_answers
):
    """A conflict found by the insert is a 409 naming the id; the transaction goes on.

    A refused insert that raised would have aborted it on PostgreSQL.
    """
    submission = Submission(
        id=str(uuid.uuid4()), location="TER-APEL", observed_at=VISIT, answers=passing_answers
    )
    first = dataclasses.replace(submission, notes={"HYG-01": "stored first"})
    store_first_then_lock = _storing_before_the_insert(monkeypatch, first, inspector)
    add_location(EARLIER_WORK)
    monkeypatch.setattr(submissions, "hold_locations", store_first_then_lock)

    with pytest.raises(Conflict) as refused:
        submit_inspection(submission, inspector)
    db.session.commit()

    assert refused.value.status == 409
    assert set(refused.value.fields) == {"id"}
    _assert_one_stored_beside_the_earlier_work(submission.id)
    assert db.session.get(Inspection, submission.id).notes == {"HYG-01": "stored first"}


EARLIER_WORK = {
    "code": "EARLIER-WORK",
    "name": "Made earlier in the same transaction",
    "type": "azc",
    "municipality": "Westerwolde",
    "province": "Groningen",
    "latitude": 53.0,
    "longitude": 7.0,
}


def _storing_before_the_insert(monkeypatch, stored_first: Submission, inspector: User):
    """A stand-in for ``hold_locations`` that first stores ``stored_first`` (once)."""
    hold_locations = submissions.hold_locations

    def store_first_then_lock(location_ids) -> None:
        monkeypatch.setattr(submissions, "hold_locations", hold_locations)
        submit_inspection(stored_first, inspector)
        hold_locations(location_ids)

    return store_first_then_lock


def _assert_one_stored_beside_the_earlier_work(inspection_id: str) -> None:
    db.session.expire_all()
    assert db.session.scalar(db.select(Location).where(Location.code == "EARLIER-WORK"))
    assert db.session.scalars(db.select(Inspection.id)).all() == [inspection_id]
    submitted = db.select(db.func.count()).where(AuditEvent.action == "inspection.submitted")
    assert db.session.scalar(submitted) == 1


def test_the_stored_row_is_the_one_the_orm_writes(norm_set, ter_apel, inspector, passing_answers):
    """The insert is a statement of its own: every column as the ORM stores an equal instance."""
    submission = Submission(
        id=str(uuid.uuid4()),
        location="TER-APEL",
        observed_at=VISIT,
        answers={**passing_answers, "toilets_working": 15},
        notes={"HYG-01": "vijf toiletten defect"},
        position={"latitude": 52.8766, "longitude": 7.0655, "accuracy_m": 12.5},
    )
    inspection, _ = submit_inspection(submission, inspector, received_at=VISIT + timedelta(hours=2))
    columns = inspect(Inspection).column_attrs
    twin = Inspection(**{c.key: getattr(inspection, c.key) for c in columns} | {"id": "twin"})
    db.session.add(twin)
    db.session.flush()

    table = Inspection.__table__
    keys, rows = driver_rows(db.select(table).where(table.c.id.in_([inspection.id, "twin"])))
    stored = {row[keys.index("id")]: dict(zip(keys, row, strict=True)) for row in rows}

    assert stored[inspection.id] == stored["twin"] | {"id": inspection.id}
    assert None not in stored[inspection.id].values()  # every column was written


def test_a_stored_inspection_is_the_sessions_own_and_later_changes_are_updates(
    norm_set, ter_apel, inspector, passing_answers
):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()[:3]))

    submission = Submission(
        id=str(uuid.uuid4()), location="TER-APEL", observed_at=VISIT, answers=passing_answers
    )
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        inspection, created = submit_inspection(submission, inspector)
        submitted = len(statements)
        state = inspect(inspection)
        assert created and state.persistent and not state.modified
        assert inspection.location.code == "TER-APEL"
        assert inspection.norm_set.version == "2023.1"
        assert inspection.inspector.id == inspector.id
        assert inspection.received_at.tzinfo is not None
        inspection.notes = {"HYG-01": "later"}
        db.session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    # One insert of the inspection and no savepoint around it.
    assert statements[:submitted].count("INSERT INTO inspections") == 1
    assert not [s for s in statements if "SAVEPOINT" in s]
    assert statements[submitted:] == ["UPDATE inspections SET"]
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Inspection, submission.id).notes == {"HYG-01": "later"}


def test_an_erratum_written_before_the_insert_is_scored_into_the_stored_row(
    monkeypatch, norm_set, ter_apel, inspector, passing_answers
):
    """The inspection is scored again after its insert, and that change is an UPDATE of it."""
    corrected = json_ready(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in corrected["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 1}
    hold_locations = submissions.hold_locations

    def correct_then_lock(location_ids) -> None:
        # What a rescoring commits between the read of the norm set and the insert.
        db.session.execute(
            db.update(NormSet)
            .where(NormSet.id == norm_set.id)
            .values(document=corrected, document_sha256=document_digest(corrected))
        )
        hold_locations(location_ids)

    monkeypatch.setattr(submissions, "hold_locations", correct_then_lock)

    inspection, created = submit(passing_answers, inspector)

    assert created
    assert (inspection.status, inspection.norm_set_sha256) == (
        "below_norm",
        document_digest(corrected),
    )
    db.session.expire_all()
    stored = db.session.get(Inspection, inspection.id)
    assert (stored.status, stored.norm_set_sha256) == ("below_norm", document_digest(corrected))
