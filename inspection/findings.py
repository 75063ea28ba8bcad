"""Findings as their readers see them, and the responses of the locations to them.

The findings themselves are kept in step with the visits by
``inspection.finding_store``; this module reads them, within the reader's
scope, and records what a location did or plans about them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from inspection import audit
from inspection.db import db, utcnow
from inspection.engine import (
    AMSTERDAM,
    OPEN,
    RESOLVED,
    local_date,
)
from inspection.errors import Conflict, NotFound
from inspection.inspections import paginate
from inspection.locks import hold_exclusively
from inspection.models import (
    Finding,
    FindingPhoto,
    FindingResponse,
    Inspection,
    Location,
    User,
)
from inspection.norm_sets import compiled
from inspection.photos import check_room, hold_for_upload, received, resent
from inspection.scope import location_clause, visible_location

# The largest id the column holds (a 32-bit integer on PostgreSQL): larger ones do not exist.
MAX_ID = 2**31 - 1


def today() -> date:
    """Today in the Netherlands: the day deadlines are counted against."""
    return local_date(utcnow())


# --- reading ---------------------------------------------------------------------------


def findings_for(
    user: User,
    *,
    page: int,
    per_page: int,
    location: str | None = None,
    state: str = OPEN,
    overdue: bool | None = None,
    severity: str | None = None,
) -> tuple[list[Finding], int]:
    """One page of the findings ``user`` may read, oldest opened first, and their total.

    ``state`` is a finding state or ``all``; ``overdue`` true keeps the open
    findings past their deadline, false the others.
    """
    place = visible_location(user, location) if location else None
    query = (
        select(Finding)
        .join(Location, Finding.location_id == Location.id)
        .where(location_clause(user))
        .options(*_loaded())
        .order_by(Finding.opened_at, Finding.id)
    )
    if place is not None:
        query = query.where(Finding.location_id == place.id)
    if state != "all":
        query = query.where(Finding.state == state)
    if severity is not None:
        query = query.where(Finding.severity == severity)
    if overdue is not None:
        late = (Finding.state == OPEN) & (Finding.deadline < today())
        query = query.where(late if overdue else ~late)
    rows, total = paginate(query, page, per_page)
    return [row[0] for row in rows], total


def visible_finding(user: User, finding_id: int) -> Finding:
    """The finding if the user may read it; otherwise not found (its existence stays hidden)."""
    if not 0 < finding_id <= MAX_ID:
        raise NotFound(f"No finding {finding_id}")
    finding = db.session.scalars(
        select(Finding)
        .join(Location, Finding.location_id == Location.id)
        .where(Finding.id == finding_id, location_clause(user))
        .options(*_loaded())
    ).first()
    if finding is None:
        raise NotFound(f"No finding {finding_id}")
    return finding


def _loaded() -> list[Any]:
    return [
        selectinload(Finding.location),
        selectinload(Finding.inspections).selectinload(Inspection.norm_set),
        selectinload(Finding.responses).selectinload(FindingResponse.author),
        selectinload(Finding.responses).selectinload(FindingResponse.photos),
    ]


def finding_counts(location_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per location id: its open findings and how many of those are overdue."""
    ids = list(location_ids)
    if not ids:
        return {}
    late = func.sum(case((Finding.deadline < today(), 1), else_=0))
    rows = db.session.execute(
        select(Finding.location_id, func.count(), late)
        .where(Finding.state == OPEN, Finding.location_id.in_(ids))
        .group_by(Finding.location_id)
    )
    return {location_id: (count, int(overdue or 0)) for location_id, count, overdue in rows}


def norm_of(finding: Finding) -> dict[str, Any]:
    """What the finding is about: the norm's title, and the value and threshold last found.

    From the norm set of its most recent failing visit.
    """
    failing = sorted(finding.inspections, key=lambda i: (i.observed_at, i.id))
    title, value, threshold = None, None, None
    if failing:
        last = failing[-1]
        norm = next((n for n in compiled(last.norm_set).norms if n.code == finding.norm), None)
        title = norm.title.to_dict() if norm is not None else None
        result = next((r for r in last.results if r["norm"] == finding.norm), {})
        value, threshold = result.get("value"), result.get("threshold")
    return {
        "title": title,
        "value": value,
        "threshold": threshold,
        "inspections": [i.id for i in failing],
    }


# --- responses -------------------------------------------------------------------------


def add_response(
    finding: Finding,
    author: User,
    text: str,
    planned_date: date | None,
    response_id: str | None = None,
) -> tuple[FindingResponse, bool]:
    """Record what a location did or plans; returns the response and whether it is new.

    A response never closes the finding: only a visit that passes the norm does.
    A client's ``response_id`` makes a resend safe, as an inspection's id does.
    """
    if response_id is not None:
        hold_exclusively(f"finding-response:{response_id}")
        existing = db.session.get(FindingResponse, response_id)
        if existing is not None:
            same = (existing.finding_id, existing.author_id, existing.text, existing.planned_date)
            if same == (finding.id, author.id, text, planned_date):
                return existing, False
            raise Conflict(
                f"Response {response_id} was already received with other content",
                {"id": ["already used for a different response"]},
            )
    response = FindingResponse(
        id=response_id or str(uuid.uuid4()),
        finding_id=finding.id,
        author_id=author.id,
        text=text,
        planned_date=planned_date,
        created_at=utcnow(),
    )
    db.session.add(response)
    db.session.flush()
    audit.record(
        "finding.responded",
        "finding",
        finding.id,
        author,
        response=response.id,
        text=text,
        planned_date=planned_date.isoformat() if planned_date else None,
    )
    db.session.refresh(finding, ["responses"])
    return response, True


def response_of(finding: Finding, response_id: str) -> FindingResponse:
    """One response to a finding; not found when it belongs to another."""
    response = next((r for r in finding.responses if r.id == response_id), None)
    if response is None:
        raise NotFound(f"No response {response_id}")
    return response


def add_response_photo(
    response: FindingResponse, data: bytes, actor: User, photo_id: str | None = None
) -> tuple[FindingPhoto, bool]:
    """Store a JPEG or PNG as evidence for a response, by the rules of inspection photos."""
    upload = received(data)
    existing = resent(FindingPhoto, photo_id, upload, response_id=response.id)
    if existing is not None:
        return existing, False
    clean = upload.cleaned()
    hold_for_upload(photo_id, f"photos-of-response:{response.id}")
    existing = resent(FindingPhoto, photo_id, upload, response_id=response.id)
    if existing is not None:
        return existing, False
    check_room(
        db.session.scalar(
            select(func.count())
            .select_from(FindingPhoto)
            .where(FindingPhoto.response_id == response.id)
        ),
        "response",
    )
    photo = FindingPhoto(
        id=photo_id or str(uuid.uuid4()),
        response_id=response.id,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.data),
        sha256=upload.sha256,
        uploaded_at=utcnow(),
        uploaded_by_id=actor.id,
        data=clean.data,
    )
    db.session.add(photo)
    db.session.flush()
    audit.record(
        "finding.photo_added",
        "finding",
        response.finding_id,
        actor,
        response=response.id,
        photo=photo.id,
        bytes=len(clean.data),
    )
    return photo, True


def response_photo(response: FindingResponse, photo_id: str) -> FindingPhoto:
    """One photo of a response; not found when it belongs to another."""
    photo = db.session.scalars(
        select(FindingPhoto).where(
            FindingPhoto.id == photo_id, FindingPhoto.response_id == response.id
        )
    ).first()
    if photo is None:
        raise NotFound(f"No photo {photo_id}")
    return photo


def is_overdue(finding: Finding, on: date | None = None) -> bool:
    """Open after its deadline."""
    return finding.state == OPEN and (on or today()) > finding.deadline


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(AMSTERDAM) if moment is not None else None


def present_finding(finding: Finding, on: date | None = None) -> dict[str, Any]:
    """A finding as the API shows it (``FindingOutSchema``); times in Dutch local time."""
    return {
        "id": finding.id,
        "location": finding.location.code,
        "norm": finding.norm,
        "severity": finding.severity,
        "state": finding.state,
        "opened_at": _local(finding.opened_at),
        "deadline": finding.deadline,
        "follow_up_days": finding.follow_up_days,
        "overdue": is_overdue(finding, on),
        "repeats": finding.repeats,
        "resolved_at": _local(finding.closed_at) if finding.state == RESOLVED else None,
        "closed_at": _local(finding.closed_at),
        "closed_by": finding.closed_by_id,
        **norm_of(finding),
        "responses": [present_response(r) for r in finding.responses],
    }


def present_response(response: FindingResponse) -> dict[str, Any]:
    """A response with its photos (``ResponseOutSchema``)."""
    return {
        "id": response.id,
        "author": response.author.username,
        "text": response.text,
        "planned_date": response.planned_date,
        "created_at": _local(response.created_at),
        "photos": [present_photo(p, response.finding_id) for p in response.photos],
    }


def present_photo(photo: FindingPhoto, finding_id: int) -> dict[str, Any]:
    """A response's photo (``FindingPhotoSchema``), with the path to GET the image."""
    return {
        "id": photo.id,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size_bytes": photo.size_bytes,
        "uploaded_at": _local(photo.uploaded_at),
        "url": f"/api/v1/findings/{finding_id}/responses/{photo.response_id}/photos/{photo.id}",
    }
