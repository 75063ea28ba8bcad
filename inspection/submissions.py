"""Receiving an inspection: check it, score it against the norm set in force, store it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from inspection import audit, location_state
from inspection.db import db, utcnow
from inspection.engine import (
    Score,
    local_date,
    outcome_letters,
    score_answers,
    select_in_force,
    validate_answers,
)
from inspection.errors import Conflict, ValidationFailed
from inspection.locations import location_by_code
from inspection.locks import hold_locations
from inspection.models import Inspection, NormSet, User
from inspection.norm_sets import compiled, versions

# Answered as the database keeps them, as a resend will be: PostgreSQL's JSONB has no -0.0
# and writes 1e2 as 100. The insert returns them.
KEPT_AS_STORED = ("answers", "results", "domain_scores")
# Phones' clocks drift; a visit a little "in the future" is a clock, not a lie.
CLOCK_SKEW = timedelta(minutes=10)
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Submission:
    """A checklist as the phone sent it (already parsed by the request schema)."""

    id: str
    location: str
    observed_at: datetime
    answers: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)
    position: dict[str, float] | None = None

    @classmethod
    def loaded(cls, data: Mapping[str, Any]) -> Submission:
        """The submission in what ``schemas.InspectionCreateSchema`` loaded (JSON or OpenRosa)."""
        return cls(
            id=str(data["id"]),
            location=data["location"],
            observed_at=data["observed_at"],
            answers=data["answers"],
            notes=data["notes"],
            position=data["position"],
        )


def submit_inspection(
    submission: Submission, inspector: User, received_at: datetime | None = None
) -> tuple[Inspection, bool]:
    """Store and score a submission; returns the inspection and whether it is new.

    The phone's id is the idempotency key: a resend of the same content gives
    back the stored inspection, other content under the same id is a conflict.
    """
    received_at = received_at or utcnow()
    existing = db.session.get(Inspection, submission.id)
    if existing is not None:
        if _same_content(existing, submission):
            return existing, False
        raise Conflict(
            f"Inspection {submission.id} was already received with other content",
            {"id": ["already used for a different submission"]},
        )

    location = location_by_code(submission.location)
    if location is None:
        raise ValidationFailed(
            "Unknown location", {"location": [f"no location with code {submission.location}"]}
        )
    catalogue = current_app.config["NORM_CATALOGUE"]
    stored_versions = versions(catalogue)
    _check_observed_at(submission.observed_at, received_at, catalogue, stored_versions)
    norm_set = select_in_force(((v.valid_from, v) for v in stored_versions), submission.observed_at)
    assert norm_set is not None  # _check_observed_at refused dates before the first version
    document = compiled(norm_set)
    problems = validate_answers(submission.answers, document)
    problems.update(_note_problems(submission.notes, {n.code for n in document.norms}))
    if problems:
        raise ValidationFailed("The inspection has invalid fields", problems)

    score = score_answers(submission.answers, document, location.type)
    position = submission.position or {}
    inspection = Inspection(
        id=submission.id,
        location=location,
        location_id=location.id,
        inspector_id=inspector.id,
        observed_at=submission.observed_at,
        observed_utc_offset_minutes=_offset_minutes(submission.observed_at),
        received_at=received_at,
        answers=dict(submission.answers),
        notes=dict(submission.notes),
        position_latitude=position.get("latitude"),
        position_longitude=position.get("longitude"),
        position_accuracy_m=position.get("accuracy_m"),
        norm_set=norm_set,
        norm_set_id=norm_set.id,
        norm_set_sha256=norm_set.document_sha256,
    )
    apply_score(inspection, score)
    # Before the insert and the share lock on the norm set: see locks.hold_locations.
    hold_locations([location.id])
    # No savepoint around the insert: a duplicate is reported, not raised (see _insert_new).
    if not _insert_new(inspection):
        # The same id arrived in parallel and was stored first: answer as for a resend.
        stored = db.session.get(Inspection, submission.id)
        assert stored is not None  # the insert met it; inspections are never deleted
        if _same_content(stored, submission):
            return stored, False
        raise Conflict(
            f"Inspection {submission.id} was already received with other content",
            {"id": ["already used for a different submission"]},
        )
    details = {
        "location": location.code,
        "norm_set": f"{norm_set.catalogue}/{norm_set.version}",
        "status": inspection.status,
        "overall": inspection.overall,
    }
    # Only once the row is in: a refused insert writes no event.
    audit.record_many("inspection.submitted", "inspection", [(inspection.id, details)], inspector)
    rescored = _score_by_current_document(inspection, norm_set)
    # The location's picture, in this transaction: also when the visit arrives after
    # later ones (a phone that synced late), it is remade from every visit in order.
    location_state.refresh(db.session, [location.id], actor=inspector, appended=inspection.id)
    if rescored:
        # The insert returned what the database keeps; the rescored results are read back.
        db.session.refresh(inspection, list(KEPT_AS_STORED))
    return inspection, True


def _insert_new(inspection: Inspection) -> bool:
    """Insert a new inspection's row unless its id is stored already; whether it was inserted.

    ``INSERT ... ON CONFLICT (id) DO NOTHING`` reports a duplicate instead of
    raising, so no savepoint is needed: a refused insert never undoes (or, on
    PostgreSQL, aborts) the caller's earlier work in the same transaction, such
    as the locations and visits ``demo load`` stored before. The row holds every
    column the instance was given, as the ORM's own insert would; the instance
    then joins the session as persistent, as if that insert had flushed it.
    """
    state = inspect(inspection)
    values = {
        a.columns[0].key: state.dict[a.key]
        for a in state.mapper.column_attrs
        if a.key in state.dict
    }
    statement = _insert_statement(db.session.get_bind().dialect.name)
    stored = db.session.execute(statement, values).first()
    if stored is None:
        return False
    make_transient_to_detached(inspection)
    db.session.add(inspection)
    for key in KEPT_AS_STORED:
        set_committed_value(inspection, key, getattr(stored, key))
    return True


@cache
def _insert_statement(dialect: str) -> Any:
    """The insert of ``_insert_new``, made once: the values come as parameters."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Inspection.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.id])
        .returning(*(table.c[key] for key in KEPT_AS_STORED))
    )


def apply_score(inspection: Inspection, score: Score) -> None:
    """Copy an engine score onto the stored inspection."""
    for column, value in score.stored().items():
        setattr(inspection, column, value)
    inspection.outcomes = outcome_letters(inspection.results)


def _score_by_current_document(inspection: Inspection, norm_set: NormSet) -> bool:
    """Score again if an erratum of the version was committed since it was read; whether it was.

    The stored row now holds a share lock on its norm set row (PostgreSQL) or
    the database's write lock (SQLite) until this transaction ends. A rescore
    takes the norm set row for update before its last pass: either it waits
    for this row and rescores it, or this row waited for the rescore and reads
    its corrected document here. Nothing is missed either way.
    """
    current = db.session.scalar(
        select(NormSet.document_sha256)
        .where(NormSet.id == norm_set.id)
        .with_for_update(read=True, key_share=True)
    )
    if current == inspection.norm_set_sha256:
        return False
    db.session.refresh(norm_set, ["document", "document_sha256"])
    apply_score(
        inspection, score_answers(inspection.answers, compiled(norm_set), inspection.location.type)
    )
    inspection.norm_set_sha256 = norm_set.document_sha256
    db.session.flush()
    return True


def _check_observed_at(
    observed_at: datetime, received_at: datetime, catalogue: str, stored_versions: list[NormSet]
) -> None:
    if observed_at.tzinfo is None or observed_at.utcoffset() is None:
        raise ValidationFailed(
            "observed_at needs a UTC offset", {"observed_at": ["give a UTC offset, e.g. +01:00"]}
        )
    if observed_at - received_at > CLOCK_SKEW:
        raise ValidationFailed(
            "observed_at lies in the future",
            {"observed_at": ["more than 10 minutes in the future; check the phone's clock"]},
        )
    first = stored_versions[0].valid_from if stored_versions else None
    if first is None or local_date(observed_at) < first:
        since = first.isoformat() if first else "never"
        raise ValidationFailed(
            "observed_at precedes the norms",
            {"observed_at": [f"before the first {catalogue} norm set (in force from {since})"]},
        )


def _note_problems(notes: dict[str, Any], norm_codes: set[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for code, text in notes.items():
        if code not in norm_codes:
            problems[f"notes.{code}"] = ["not a norm of the norm set in force"]
        elif not isinstance(text, str):
            problems[f"notes.{code}"] = ["must be text"]
        elif len(text) > MAX_NOTE_LENGTH:
            problems[f"notes.{code}"] = [f"longer than {MAX_NOTE_LENGTH} characters"]
    return problems


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None  # checked by _check_observed_at
    return int(offset.total_seconds() // 60)


def _same_content(inspection: Inspection, submission: Submission) -> bool:
    position = submission.position or {}
    return (
        inspection.location.code == submission.location
        and inspection.observed_at == submission.observed_at
        and inspection.observed_utc_offset_minutes == _offset_minutes(submission.observed_at)
        and inspection.answers == submission.answers
        and (inspection.notes or {}) == (submission.notes or {})
        and inspection.position_latitude == position.get("latitude")
        and inspection.position_longitude == position.get("longitude")
        and inspection.position_accuracy_m == position.get("accuracy_m")
    )
