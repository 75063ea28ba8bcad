"""Findings: every failure of a norm at a location, followed until a visit sees it repaired.

Semantics are those of ``docs/norms.md`` ("Findings and follow-up"). A finding
opens when a norm fails and none is open for that norm; a later failure
confirms it (a repeat) and may raise its severity; a pass resolves it;
``not_applicable`` closes it as lapsed; ``unanswered`` changes nothing. The
deadline is the local (Europe/Amsterdam) date of ``opened_at`` plus the
follow-up days of its effective severity.

``derive_findings`` is a pure function of a location's visits: the same
visits give the same findings whatever order they arrived in. Visits are
taken in ``observed_at`` order; two visits observed at the same moment are
taken in the order of their ids, never of their arrival, so that a phone
syncing late changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .model import DEFAULT_FOLLOW_UP_DAYS, SEVERITIES
from .rules import FAIL, NOT_APPLICABLE, PASS
from .versions import local_date

OPEN = "open"
RESOLVED = "resolved"
LAPSED = "lapsed"
FINDING_STATES = (OPEN, RESOLVED, LAPSED)

# Lower is more severe.
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class Assessment:
    """A norm's outcome in one visit.

    ``severity`` is the effective severity of a failure (``None`` otherwise);
    ``follow_up_days`` the days for each severity as the visit's norm set
    gives them for this norm.
    """

    outcome: str
    severity: str | None = None
    follow_up_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_FOLLOW_UP_DAYS)


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of a location: its id, when it took place (aware), and its outcomes per norm.

    A norm the visit's norm set does not hold is simply absent: like
    ``unanswered``, it changes nothing.
    """

    id: str
    observed_at: dt.datetime
    outcomes: Mapping[str, Assessment]


@dataclass(frozen=True, slots=True)
class Finding:
    """One run of failures of a norm, from the failure that opened it to what closed it.

    ``inspections`` are the failing visits (the opening one first); ``repeats``
    counts those after the first. ``closed_at``/``closed_by`` are the visit
    that resolved it (``state == "resolved"``) or in which the norm no longer
    applied (``"lapsed"``); both ``None`` while it is open.
    """

    norm: str
    severity: str
    state: str
    opened_at: dt.datetime
    deadline: dt.date
    follow_up_days: int
    inspections: tuple[str, ...]
    closed_at: dt.datetime | None = None
    closed_by: str | None = None

    @property
    def opened_by(self) -> str:
        """The visit whose failure opened the finding."""
        return self.inspections[0]

    @property
    def repeats(self) -> int:
        """How often a later visit found the norm failing again while it was open."""
        return len(self.inspections) - 1

    def overdue(self, today: dt.date) -> bool:
        """Open after its deadline (``today`` a local date in the Netherlands)."""
        return self.state == OPEN and today > self.deadline


def visit_order(visit: Visit) -> tuple[dt.datetime, str]:
    """The order in which visits count: by when they took place, then by id."""
    return (visit.observed_at, visit.id)


def derive_findings(visits: Iterable[Visit]) -> list[Finding]:
    """The findings of one location, oldest first (by ``opened_at``, then norm code)."""
    closed: list[Finding] = []
    running: dict[str, _Run] = {}
    for visit in sorted(visits, key=visit_order):
        for norm, assessment in visit.outcomes.items():
            run = running.get(norm)
            if assessment.outcome == FAIL:
                if run is None:
                    running[norm] = _Run(norm, visit, assessment)
                else:
                    run.confirm(visit, assessment)
            elif run is not None and assessment.outcome in (PASS, NOT_APPLICABLE):
                state = RESOLVED if assessment.outcome == PASS else LAPSED
                closed.append(run.finding(state, visit))
                del running[norm]
    findings = closed + [run.finding(OPEN, None) for run in running.values()]
    return sorted(findings, key=lambda f: (f.opened_at, f.norm))


class _Run:
    """An open finding while the visits are read."""

    __slots__ = ("norm", "opened_at", "inspections", "severity", "days")

    def __init__(self, norm: str, visit: Visit, assessment: Assessment) -> None:
        self.norm = norm
        self.opened_at = visit.observed_at
        self.inspections = [visit.id]
        self.severity = _severity(assessment)
        self.days = assessment.follow_up_days[self.severity]

    def confirm(self, visit: Visit, assessment: Assessment) -> None:
        self.inspections.append(visit.id)
        severity = _severity(assessment)
        if _RANK[severity] < _RANK[self.severity]:
            # The days of the raised severity, as the visit that raised it counts them.
            self.severity = severity
            self.days = assessment.follow_up_days[severity]

    def finding(self, state: str, closing: Visit | None) -> Finding:
        return Finding(
            norm=self.norm,
            severity=self.severity,
            state=state,
            opened_at=self.opened_at,
            deadline=local_date(self.opened_at) + dt.timedelta(days=self.days),
            follow_up_days=self.days,
            inspections=tuple(self.inspections),
            closed_at=closing.observed_at if closing else None,
            closed_by=closing.id if closing else None,
        )


def _severity(assessment: Assessment) -> str:
    if assessment.severity not in _RANK:
        raise ValueError(f"a failure needs a severity ({', '.join(SEVERITIES)})")
    return assessment.severity
