"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, bindparam, cast, insert
from sqlalchemy.dialects.postgresql import JSONB

from inspection.db import db, utcnow
from inspection.models import AuditEvent, User


def record(
    action: str,
    subject_type: str,
    subject_id: str | int,
    actor: User | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an event in the current transaction (it commits or rolls back with the change)."""
    event = AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=actor.id if actor is not None else None,
        details=details,
    )
    db.session.add(event)
    return event


def record_many(
    action: str, subject_type: str, events: list[tuple[str, dict[str, Any]]], actor: User | None
) -> None:
    """Append many events of one kind in one statement (``events``: subject id, details)."""
    if not events:
        return
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "occurred_at": now,
                "actor_id": actor_id,
                "action": action,
                "subject_type": subject_type,
                "subject_id": str(subject_id),
                "details": details,
            }
            for subject_id, details in events
        ],
    )


def record_many_encoded(
    action: str, subject_type: str, events: list[tuple[str, str]], actor: User | None
) -> None:
    """``record_many`` of details already encoded as JSON text
    (``stored_results.column_text``): a rescoring's worker processes encode their events,
    sparing the process that writes them all."""
    if not events:
        return
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    connection = db.session.connection()
    text = bindparam("details_text", type_=Text)
    details = cast(text, JSONB) if connection.dialect.name == "postgresql" else text
    table = AuditEvent.__table__
    connection.execute(
        insert(table).values(details=details),
        [
            {
                "occurred_at": now,
                "actor_id": actor_id,
                "action": action,
                "subject_type": subject_type,
                "subject_id": str(subject_id),
                "details_text": encoded,
            }
            for subject_id, encoded in events
        ],
    )
