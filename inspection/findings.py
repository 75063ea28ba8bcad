"""Findings kept in step with the visits, and the responses of the locations to them.

The findings of a location are a pure function of its visits
(``inspection.engine.findings``). ``refresh_findings`` derives them again
after every change to a location's visits (a submission, a late arrival, a
rescoring) and writes only the difference, keeping each stored finding's id,
and with it its responses, for as long as the run of failures it stands for
lasts: a derived finding takes the stored one of its norm that opened at the
same moment, else the one that shares most of its failing visits.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import selectinload

from inspection import audit
from inspection.db import db, utcnow
from inspection.engine import (
    AMSTERDAM,
    FAIL,
    NOT_APPLICABLE,
    OPEN,
    PASS,
    RESOLVED,
    Assessment,
    NormSetDocument,
    Visit,
    derive_findings,
    local_date,
)
from inspection.engine import Finding as Derived
from inspection.errors import Conflict, NotFound
from inspection.inspections import paginate
from inspection.locks import hold_exclusively, hold_locations
from inspection.models import (
    Finding,
    FindingPhoto,
    FindingResponse,
    Inspection,
    Location,
    NormSet,
    User,
    finding_inspections,
)
from inspection.norm_sets import compiled
from inspection.photos import check_room, hold_for_upload, received, resent
from inspection.scope import location_clause, visible_location
from inspection.visit_letters import LETTERS, NormCodes, letter_visits
from inspection.vocabulary import WITHDRAWN

# Locations refreshed per round of queries when many change at once (a rescoring).
CHUNK = 500
_ASSESSED = (PASS, FAIL, NOT_APPLICABLE)
# The largest id the column holds (a 32-bit integer on PostgreSQL): larger ones do not exist.
MAX_ID = 2**31 - 1


def today() -> date:
    """Today in the Netherlands: the day deadlines are counted against."""
    return local_date(utcnow())


# --- keeping findings in step with the visits -------------------------------------------


def refresh_findings(location_ids: Iterable[int], actor: User | None = None) -> None:
    """Derive the findings of these locations from their visits and store the difference.

    Called in the transaction that changed the visits. Every change to a
    finding is audited (``finding.opened``, ``finding.changed``,
    ``finding.withdrawn``, ``finding.removed``).
    """
    ids = sorted(set(location_ids))
    if not ids:
        return
    hold_locations(ids)
    documents: dict[int, dict[str, dict[str, int]]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        visits = _visits(chunk, documents)
        stored = _stored(chunk)
        events = _Events()
        for location_id in chunk:
            derived = derive_findings(visits.get(location_id, ()))
            _write(location_id, derived, stored.get(location_id, []), events)
        events.record(actor)


def _visits(
    location_ids: Sequence[int], documents: dict[int, dict[str, dict[str, int]]]
) -> dict[int, list[Visit]]:
    """The visits of these locations with their assessments, read from the outcome letters."""
    codes = NormCodes(db.session)
    # Visits often share their outcomes: one mapping per norm set and letters.
    shared: dict[tuple[int, str], dict[str, Assessment]] = {}
    visits: dict[int, list[Visit]] = defaultdict(list)
    for location_id, listed in letter_visits(db.session, location_ids).items():
        for visit, _ in listed:
            key = (visit.norm_set_id, visit.letters)
            outcomes = shared.get(key)
            if outcomes is None:
                days = documents.get(visit.norm_set_id)
                if days is None:
                    days = documents[visit.norm_set_id] = _follow_up_days(
                        compiled(db.session.get(NormSet, visit.norm_set_id))
                    )
                outcomes = shared[key] = _assessments(codes(visit.norm_set_id), visit.letters, days)
            visits[location_id].append(Visit(visit.id, visit.observed_at, outcomes))
    return visits


def _assessments(
    codes: Sequence[str], letters: str, days: dict[str, dict[str, int]]
) -> dict[str, Assessment]:
    outcomes = {}
    for code, letter in zip(codes, letters, strict=True):
        outcome, severity = LETTERS[letter]
        if outcome in _ASSESSED:
            outcomes[code] = Assessment(outcome, severity, days.get(code, {}))
    return outcomes


def _follow_up_days(document: NormSetDocument) -> dict[str, dict[str, int]]:
    return {norm.code: norm.follow_up_days for norm in document.norms}


@dataclass
class _Stored:
    finding: Finding
    inspections: frozenset[str]
    answered: bool


def _stored(location_ids: Sequence[int]) -> dict[int, list[_Stored]]:
    findings = list(
        db.session.scalars(
            select(Finding)
            .where(Finding.location_id.in_(location_ids))
            .order_by(Finding.opened_at, Finding.id)
        )
    )
    if not findings:
        return {}
    # By location, not by finding id: a rescoring remakes hundreds of thousands of findings,
    # more ids than a statement may bind.
    of_locations = Finding.location_id.in_(location_ids)
    failing: dict[int, set[str]] = defaultdict(set)
    for finding_id, inspection_id in db.session.execute(
        select(finding_inspections.c.finding_id, finding_inspections.c.inspection_id)
        .join(Finding, Finding.id == finding_inspections.c.finding_id)
        .where(of_locations)
    ):
        failing[finding_id].add(inspection_id)
    answered = set(
        db.session.scalars(
            select(FindingResponse.finding_id)
            .join(Finding, Finding.id == FindingResponse.finding_id)
            .where(of_locations)
            .distinct()
        )
    )
    stored: dict[int, list[_Stored]] = defaultdict(list)
    for f in findings:
        stored[f.location_id].append(_Stored(f, frozenset(failing[f.id]), f.id in answered))
    return stored


def _match(derived: list[Derived], stored: list[_Stored]) -> list[tuple[Derived, _Stored | None]]:
    """Pair each derived finding with the stored one that stands for the same run, if any."""
    free: dict[str, list[_Stored]] = defaultdict(list)
    for s in stored:
        free[s.finding.norm].append(s)
    pairs: list[tuple[Derived, _Stored | None]] = []
    for d in derived:
        candidates = free[d.norm]
        chosen = next((s for s in candidates if s.finding.opened_at == d.opened_at), None)
        if chosen is None:
            failing = set(d.inspections)
            overlap = [(len(s.inspections & failing), s) for s in candidates]
            best = max((n for n, _ in overlap), default=0)
            if best:
                chosen = next(s for n, s in overlap if n == best)
        if chosen is not None:
            candidates.remove(chosen)
        pairs.append((d, chosen))
    return pairs


def _columns(d: Derived) -> dict[str, Any]:
    return {
        "norm": d.norm,
        "severity": d.severity,
        "state": d.state,
        "opened_at": d.opened_at,
        "deadline": d.deadline,
        "follow_up_days": d.follow_up_days,
        "repeats": d.repeats,
        "closed_at": d.closed_at,
        "closed_by_id": d.closed_by,
    }


def _write(
    location_id: int, derived: list[Derived], stored: list[_Stored], events: _Events
) -> None:
    pairs = _match(derived, stored)
    kept = {id(s) for _, s in pairs if s is not None}
    for d, s in pairs:
        columns = _columns(d)
        if s is None:
            finding = Finding(location_id=location_id, **columns)
            db.session.add(finding)
            db.session.flush()
            events.opened.append((finding.id, {**_details(columns), "location_id": location_id}))
            _set_inspections(finding.id, d.inspections, replace=False)
            continue
        before = {name: getattr(s.finding, name) for name in columns}
        changed = {n: [_plain(before[n]), _plain(v)] for n, v in columns.items() if before[n] != v}
        if changed:
            for name, value in columns.items():
                setattr(s.finding, name, value)
            events.changed.append((s.finding.id, {"norm": d.norm, "changes": changed}))
        if s.inspections != frozenset(d.inspections):
            _set_inspections(s.finding.id, d.inspections, replace=True)
            if not changed:
                events.changed.append(
                    (s.finding.id, {"norm": d.norm, "inspections": list(d.inspections)})
                )
    for s in stored:
        if id(s) in kept:
            continue
        details = {"norm": s.finding.norm, "opened_at": s.finding.opened_at.isoformat()}
        if s.answered:
            # Its responses stay readable; a rescoring that brings the failures back revives it.
            if s.finding.state != WITHDRAWN:
                s.finding.state = WITHDRAWN
                events.withdrawn.append((s.finding.id, details))
        else:
            db.session.delete(s.finding)
            events.removed.append((s.finding.id, details))
    db.session.flush()


def _set_inspections(finding_id: int, inspection_ids: Sequence[str], *, replace: bool) -> None:
    if replace:
        db.session.execute(
            delete(finding_inspections).where(finding_inspections.c.finding_id == finding_id)
        )
    db.session.execute(
        insert(finding_inspections),
        [{"finding_id": finding_id, "inspection_id": i} for i in inspection_ids],
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _details(columns: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain(value) for name, value in columns.items()}


class _Events:
    def __init__(self) -> None:
        self.opened: list[tuple[str, dict[str, Any]]] = []
        self.changed: list[tuple[str, dict[str, Any]]] = []
        self.withdrawn: list[tuple[str, dict[str, Any]]] = []
        self.removed: list[tuple[str, dict[str, Any]]] = []

    def record(self, actor: User | None) -> None:
        for action, events in (
            ("finding.opened", self.opened),
            ("finding.changed", self.changed),
            ("finding.withdrawn", self.withdrawn),
            ("finding.removed", self.removed),
        ):
            audit.record_many(action, "finding", events, actor)


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
