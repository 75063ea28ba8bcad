"""Findings kept in step with the visits: derived again, and only the difference written.

The findings of a location are a pure function of its visits
(``inspection.engine.findings``). ``refresh_findings`` derives them again
after every change to a location's visits (a submission, a late arrival, a
rescoring) and writes only the difference, keeping each stored finding's id,
and with it its responses, for as long as the run of failures it stands for
lasts: a derived finding takes the stored one of its norm that opened at the
same moment, else the one that shares most of its failing visits.

Stored findings are read and written as plain rows, not ORM objects: a
rescoring compares hundreds of thousands of them, of which few change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from inspection import audit
from inspection.db import db
from inspection.engine import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    Assessment,
    NormSetDocument,
    Visit,
    derive_findings,
)
from inspection.engine import Finding as Derived
from inspection.locks import hold_locations
from inspection.models import Finding, FindingResponse, NormSet, User, finding_inspections
from inspection.norm_sets import compiled
from inspection.visit_letters import LETTERS, LetterVisit, NormCodes, letter_visits
from inspection.vocabulary import WITHDRAWN

# Locations refreshed per round of queries when many change at once (a rescoring).
CHUNK = 500
# Finding ids per statement (SQLite binds at most 32,766 values).
IDS = 5000
_ASSESSED = (PASS, FAIL, NOT_APPLICABLE)
# The columns a derivation decides, in the order of ``_columns``.
_DERIVED = (
    "norm",
    "severity",
    "state",
    "opened_at",
    "deadline",
    "follow_up_days",
    "repeats",
    "closed_at",
    "closed_by_id",
)


def refresh_findings(
    location_ids: Iterable[int],
    actor: User | None = None,
    norms: Mapping[int, Iterable[str] | None] | None = None,
    letters: Mapping[int, Sequence[tuple[LetterVisit, Any]]] | None = None,
) -> None:
    """Derive the findings of these locations from their visits and store the difference.

    Called in the transaction that changed the visits. Every change to a
    finding is audited (``finding.opened``, ``finding.changed``,
    ``finding.withdrawn``, ``finding.removed``). ``norms`` narrows a
    location to the norms whose outcomes changed (a rescoring knows them;
    None for a location: all): a norm's findings depend on its own outcomes
    and follow-up days only, so the others stand. ``letters``: the visits of
    these locations as ``visit_letters.letter_visits`` gives them, when the
    caller read them already.
    """
    ids = sorted(set(location_ids))
    if norms is not None:
        ids = [i for i in ids if _norms(norms, i) != frozenset()]
    if not ids:
        return
    hold_locations(ids)
    documents: dict[int, dict[str, dict[str, int]]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        only = None if norms is None else {i: _norms(norms, i) for i in chunk}
        read = (
            letter_visits(db.session, chunk)
            if letters is None
            else {i: letters[i] for i in chunk if i in letters}
        )
        visits = _visits(read, documents, only)
        stored = _stored(chunk, only)
        writes = _Writes()
        for location_id in chunk:
            derived = derive_findings(visits.get(location_id, ()))
            writes.add(location_id, derived, stored.get(location_id, []))
        writes.flush(actor)
    # Findings the session holds as objects were changed underneath it.
    for held in list(db.session.identity_map.values()):
        if isinstance(held, Finding):
            db.session.expire(held)


def _norms(norms: Mapping[int, Iterable[str] | None], location_id: int) -> frozenset[str] | None:
    wanted = norms.get(location_id, ())
    return None if wanted is None else frozenset(wanted)


def _visits(
    read: Mapping[int, Sequence[tuple[LetterVisit, Any]]],
    documents: dict[int, dict[str, dict[str, int]]],
    only: Mapping[int, frozenset[str] | None] | None,
) -> dict[int, list[Visit]]:
    """The visits of these locations with their assessments, read from the outcome letters."""
    codes = NormCodes(db.session)
    # Visits often share their outcomes: one mapping per norm set, letters and norms.
    shared: dict[tuple[int, str, frozenset[str] | None], dict[str, Assessment]] = {}
    visits: dict[int, list[Visit]] = defaultdict(list)
    for location_id, listed in read.items():
        wanted = None if only is None else only[location_id]
        if wanted is not None and not wanted:
            continue
        for visit, _ in listed:
            key = (visit.norm_set_id, visit.letters, wanted)
            outcomes = shared.get(key)
            if outcomes is None:
                days = documents.get(visit.norm_set_id)
                if days is None:
                    days = documents[visit.norm_set_id] = _follow_up_days(
                        compiled(db.session.get(NormSet, visit.norm_set_id))
                    )
                outcomes = shared[key] = _assessments(
                    codes(visit.norm_set_id), visit.letters, days, wanted
                )
            visits[location_id].append(Visit(visit.id, visit.observed_at, outcomes))
    return visits


def _assessments(
    codes: Sequence[str],
    letters: str,
    days: dict[str, dict[str, int]],
    wanted: frozenset[str] | None,
) -> dict[str, Assessment]:
    outcomes = {}
    for code, letter in zip(codes, letters, strict=True):
        if wanted is not None and code not in wanted:
            continue
        outcome, severity = LETTERS[letter]
        if outcome in _ASSESSED:
            outcomes[code] = Assessment(outcome, severity, days.get(code, {}))
    return outcomes


def _follow_up_days(document: NormSetDocument) -> dict[str, dict[str, int]]:
    return {norm.code: norm.follow_up_days for norm in document.norms}


@dataclass(slots=True)
class _Stored:
    """A stored finding: its id, the derived columns as stored, its visits, whether answered."""

    id: int
    columns: tuple[Any, ...]
    inspections: frozenset[str]
    answered: bool

    @property
    def norm(self) -> str:
        return self.columns[0]

    @property
    def state(self) -> str:
        return self.columns[2]

    @property
    def opened_at(self) -> datetime:
        return self.columns[3]


def _stored(
    location_ids: Sequence[int], only: Mapping[int, frozenset[str] | None] | None
) -> dict[int, list[_Stored]]:
    # By location, not by finding id: a rescoring remakes hundreds of thousands of findings,
    # more ids than a statement may bind.
    where = [Finding.location_id.in_(location_ids)]
    if only is not None and None not in only.values():
        wanted = set().union(*(n for n in only.values() if n is not None))
        if not wanted:
            return {}
        where.append(Finding.norm.in_(sorted(wanted)))
    rows = db.session.execute(
        select(Finding.id, Finding.location_id, *(getattr(Finding, c) for c in _DERIVED))
        .where(*where)
        .order_by(Finding.opened_at, Finding.id)
    ).all()
    if not rows:
        return {}
    failing: dict[int, set[str]] = defaultdict(set)
    for finding_id, inspection_id in db.session.execute(
        select(finding_inspections.c.finding_id, finding_inspections.c.inspection_id)
        .join(Finding, Finding.id == finding_inspections.c.finding_id)
        .where(*where)
    ):
        failing[finding_id].add(inspection_id)
    answered = set(
        db.session.scalars(
            select(FindingResponse.finding_id)
            .join(Finding, Finding.id == FindingResponse.finding_id)
            .where(*where)
            .distinct()
        )
    )
    stored: dict[int, list[_Stored]] = defaultdict(list)
    for finding_id, location_id, *columns in rows:
        wanted = None if only is None else only[location_id]
        if wanted is not None and columns[0] not in wanted:
            continue
        stored[location_id].append(
            _Stored(
                finding_id, tuple(columns), frozenset(failing[finding_id]), finding_id in answered
            )
        )
    return stored


def _match(derived: list[Derived], stored: list[_Stored]) -> list[tuple[Derived, _Stored | None]]:
    """Pair each derived finding with the stored one that stands for the same run, if any."""
    free: dict[str, list[_Stored]] = defaultdict(list)
    opened: dict[tuple[str, datetime], list[_Stored]] = defaultdict(list)
    for s in stored:
        free[s.norm].append(s)
        opened[(s.norm, s.opened_at)].append(s)
    taken: set[int] = set()
    pairs: list[tuple[Derived, _Stored | None]] = []
    for d in derived:
        chosen = next((s for s in opened.get((d.norm, d.opened_at), ()) if s.id not in taken), None)
        if chosen is None:
            failing = set(d.inspections)
            best, chosen = 0, None
            for s in free[d.norm]:
                if s.id in taken:
                    continue
                shared = len(s.inspections & failing)
                if shared > best:
                    best, chosen = shared, s
        if chosen is not None:
            taken.add(chosen.id)
        pairs.append((d, chosen))
    return pairs


def _columns(d: Derived) -> tuple[Any, ...]:
    return (
        d.norm,
        d.severity,
        d.state,
        d.opened_at,
        d.deadline,
        d.follow_up_days,
        d.repeats,
        d.closed_at,
        d.closed_by,
    )


class _Writes:
    """The differences of a round of locations, written together, with their audit events."""

    def __init__(self) -> None:
        self.new: list[tuple[int, Derived, tuple[Any, ...]]] = []
        self.updated: list[tuple[int, tuple[Any, ...]]] = []
        self.withdrawn: list[int] = []
        self.removed: list[int] = []
        # The visits of each finding, as stored and as derived, written after the findings:
        # only the links that differ (a rescoring changes the visits of many findings by a
        # few), in one statement each way.
        self.relinked: list[tuple[int, frozenset[str], Sequence[str]]] = []
        self.events: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)

    def add(self, location_id: int, derived: list[Derived], stored: list[_Stored]) -> None:
        pairs = _match(derived, stored)
        kept = {s.id for _, s in pairs if s is not None}
        for d, s in pairs:
            columns = _columns(d)
            if s is None:
                self.new.append((location_id, d, columns))
                continue
            changed = {
                name: [_plain(before), _plain(after)]
                for name, before, after in zip(_DERIVED, s.columns, columns, strict=True)
                if before != after
            }
            if changed:
                self.updated.append((s.id, columns))
                self.events["finding.changed"].append((s.id, {"norm": d.norm, "changes": changed}))
            if s.inspections != frozenset(d.inspections):
                self.relinked.append((s.id, s.inspections, d.inspections))
                if not changed:
                    self.events["finding.changed"].append(
                        (s.id, {"norm": d.norm, "inspections": list(d.inspections)})
                    )
        for s in stored:
            if s.id in kept:
                continue
            details = {"norm": s.norm, "opened_at": s.opened_at.isoformat()}
            if s.answered:
                # Its responses stay readable; a rescoring that brings the failures back revives it.
                if s.state != WITHDRAWN:
                    self.withdrawn.append(s.id)
                    self.events["finding.withdrawn"].append((s.id, details))
            else:
                self.removed.append(s.id)
                self.events["finding.removed"].append((s.id, details))

    def flush(self, actor: User | None) -> None:
        # Core statements on the tables: an ORM bulk update takes no WHERE of its own.
        connection = db.session.connection()
        findings = Finding.__table__
        if self.new:
            ids = connection.execute(
                insert(findings).returning(findings.c.id, sort_by_parameter_order=True),
                [
                    {"location_id": location_id, **dict(zip(_DERIVED, columns, strict=True))}
                    for location_id, _, columns in self.new
                ],
            ).scalars()
            for finding_id, (location_id, d, columns) in zip(ids, self.new, strict=True):
                self.relinked.append((finding_id, frozenset(), d.inspections))
                details = {name: _plain(v) for name, v in zip(_DERIVED, columns, strict=True)}
                self.events["finding.opened"].append(
                    (finding_id, {**details, "location_id": location_id})
                )
        if self.updated:
            connection.execute(
                update(findings)
                .where(findings.c.id == bindparam("finding_id"))
                .values({name: bindparam(f"new_{name}") for name in _DERIVED}),
                [
                    {
                        "finding_id": finding_id,
                        **{f"new_{n}": v for n, v in zip(_DERIVED, columns, strict=True)},
                    }
                    for finding_id, columns in self.updated
                ],
            )
        if self.withdrawn:
            connection.execute(
                update(findings)
                .where(findings.c.id == bindparam("finding_id"))
                .values(state=WITHDRAWN),
                [{"finding_id": finding_id} for finding_id in self.withdrawn],
            )
        links = finding_inspections
        unlinked = [
            {"finding_id": f, "inspection_id": i}
            for f, before, after in self.relinked
            for i in before.difference(after)
        ]
        if unlinked:
            connection.execute(
                delete(links).where(
                    links.c.finding_id == bindparam("finding_id"),
                    links.c.inspection_id == bindparam("inspection_id"),
                ),
                unlinked,
            )
        for start in range(0, len(self.removed), IDS):
            gone = self.removed[start : start + IDS]
            connection.execute(delete(links).where(links.c.finding_id.in_(gone)))
            connection.execute(delete(findings).where(findings.c.id.in_(gone)))
        linked = [
            {"finding_id": f, "inspection_id": i}
            for f, before, after in self.relinked
            for i in after
            if i not in before
        ]
        if linked:
            connection.execute(insert(links), linked)
        for action in ("finding.opened", "finding.changed", "finding.withdrawn", "finding.removed"):
            audit.record_many(action, "finding", self.events[action], actor)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
