"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from inspection.db import db
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
