"""Locations as a given user may see them: scope, masking, their current picture, the latest visit.

A location's ``status``, ``overall``, ``coverage`` and per-domain scores are its
current picture (kept at write time, ``inspection.location_state``); ``latest``
is the latest visit with its own score. Whoever may not see single visits
(``scope.sees_visits``) gets no visit ids: not of the latest visit, not of the
visits behind the failed norms, not in the score history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from inspection import location_state
from inspection.confidentiality import (
    MASKED_NAME,
    generalised_positions,
    knows_identity,
    knows_position,
    listing_order,
    masked_code,
)
from inspection.db import db
from inspection.engine import FAIL, Label, Picture
from inspection.findings import finding_counts
from inspection.inspections import locations_with_picture, paginate
from inspection.models import Inspection, Location, LocationPicture, NormSet, User
from inspection.picture import HistoryPoint, score_history
from inspection.scope import location_clause, sees_visits, visible_location
from inspection.vocabulary import AMSTERDAM, NOT_INSPECTED
from schemas.locations import FAILED_NORMS

_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


@dataclass(frozen=True)
class LatestVisit:
    """A location's latest visit with its own score; ``id`` None for who sees no single visits."""

    id: str | None
    observed_at_local: datetime
    status: str
    overall: float | None
    coverage: float | None
    norm_set: NormSet

    @classmethod
    def of(cls, visit: Inspection, with_id: bool) -> LatestVisit:
        return cls(
            id=visit.id if with_id else None,
            observed_at_local=visit.observed_at_local,
            status=visit.status,
            overall=visit.overall,
            coverage=visit.coverage,
            norm_set=visit.norm_set,
        )


@dataclass
class LocationView:
    code: str
    name: str
    masked: bool
    type: str
    operator: str | None
    municipality: str
    province: str
    latitude: float | None
    longitude: float | None
    position_generalised: bool
    capacity: int | None
    confidential: bool
    active: bool
    status: str
    overall: float | None
    coverage: float | None
    domains: dict[str, Any]
    failing_since: datetime | None
    latest: LatestVisit | None
    # None: not asked for (the list without ``with=failed_norms``).
    failed_norms: list[dict[str, Any]] | None = field(default_factory=list)
    open_findings: int = 0
    overdue_findings: int = 0


def present_location(
    user: User,
    location: Location,
    stored: LocationPicture | None,
    latest: Inspection | None,
    positions: dict[str, tuple[float, float]],
    picture: Picture | None = None,
    findings: tuple[int, int] | None = None,
    with_failed_norms: bool = True,
    titles: dict[str, Label] | None = None,
) -> LocationView:
    """The location as ``user`` may see it.

    ``stored`` is its kept picture (None: never inspected) and ``latest`` its
    latest visit; ``picture``, when given, the picture made from its per-norm
    rows, whose failed norms are then listed. ``positions`` are the
    generalised positions per municipality (``scope.generalised_positions``),
    used where the real point is secret. ``findings``: its open and overdue
    findings, counted here when not given. ``with_failed_norms`` False leaves
    the failed norms out (None) rather than listing none.
    """
    if findings is None:
        findings = finding_counts([location.id]).get(location.id, (0, 0))
    identity = knows_identity(user, location)
    visits = sees_visits(user)
    if knows_position(user, location):
        latitude, longitude, generalised = location.latitude, location.longitude, False
    else:
        latitude, longitude = positions.get(location.municipality, (None, None))
        generalised = True
    return LocationView(
        code=location.code if identity else masked_code(location),
        name=location.name if identity else MASKED_NAME,
        masked=not identity,
        type=location.type,
        operator=location.operator if identity else None,
        municipality=location.municipality,
        province=location.province,
        latitude=latitude,
        longitude=longitude,
        position_generalised=generalised,
        capacity=location.capacity,
        confidential=location.confidential,
        active=location.active,
        status=stored.status if stored else NOT_INSPECTED,
        overall=stored.overall if stored else None,
        coverage=stored.coverage if stored else None,
        domains=stored.domain_scores if stored else {},
        failing_since=_local(stored.failing_since) if stored else None,
        latest=None if latest is None else LatestVisit.of(latest, visits),
        failed_norms=(
            failed_norms(picture, titles, with_visits=visits)
            if picture is not None and stored
            else []
        )
        if with_failed_norms
        else None,
        open_findings=findings[0],
        overdue_findings=findings[1],
    )


def locations_for(
    user: User,
    *,
    page: int,
    per_page: int,
    type: str | None = None,
    province: str | None = None,
    municipality: str | None = None,
    status: Sequence[str] = (),
    include: Sequence[str] = (),
) -> tuple[list[LocationView], int]:
    """One page of the locations ``user`` may see, as they may see them, and their total.

    ``status`` filters on the current picture's status (``not_inspected``
    for none); masked entries are listed after the others. ``include``
    holds ``failed_norms`` to list each one's failed norms as the single
    location does (its pictures made in one query for the page).
    """
    location_state.bring_up_to_date(db.session)
    where = [location_clause(user)]
    for column, value in (
        (Location.type, type),
        (Location.province, province),
        (Location.municipality, municipality),
    ):
        if value:
            where.append(column == value)
    query = locations_with_picture(where, status or (), order_by=listing_order(user))
    rows, total = paginate(query, page, per_page)
    positions = generalised_positions()
    counts = finding_counts(loc.id for loc, _, _ in rows)
    norms = FAILED_NORMS in include
    pictures = (
        location_state.pictures_of(db.session, [(loc, stored) for loc, stored, _ in rows])
        if norms
        else {}
    )
    titles = location_state.norm_titles() if pictures else None
    views = [
        present_location(
            user,
            loc,
            stored,
            latest,
            positions,
            pictures.get(loc.id),
            findings=counts.get(loc.id, (0, 0)),
            with_failed_norms=norms,
            titles=titles,
        )
        for loc, stored, latest in rows
    ]
    return views, total


def location_for(user: User, code: str) -> LocationView:
    """One location ``user`` may look up by its code, with its picture and failed norms."""
    return location_view(user, visible_location(user, code), generalised_positions())


def location_view(
    user: User, location: Location, positions: dict[str, tuple[float, float]] | None = None
) -> LocationView:
    """A location ``user`` may see, with its current picture and its failed norms."""
    location_state.bring_up_to_date(db.session)
    picture, stored = location_state.picture_of(db.session, location)
    latest = db.session.get(Inspection, stored.latest_inspection_id) if stored else None
    return present_location(user, location, stored, latest, positions or {}, picture)


def failed_norms(
    picture: Picture, titles: dict[str, Label] | None = None, *, with_visits: bool = True
) -> list[dict[str, Any]]:
    """The failed norms of a picture with their titles, most severe first.

    Each with what the visit that established it found (``value`` against
    ``threshold``), since when it fails without a pass in between
    (``failing_since``), when it was last assessed and, ``with_visits``, by
    which visit (``inspection``; None otherwise). ``titles``: those of the
    norm set in force (``location_state.norm_titles``), looked up when not
    given.
    """
    titles = location_state.norm_titles() if titles is None else titles
    failed = [
        {
            "norm": state.norm,
            "domain": state.domain,
            "outcome": FAIL,
            "severity": state.severity,
            "critical": state.critical,
            "value": state.value,
            "threshold": state.threshold,
            "title": titles[state.norm].to_dict(),
            "failing_since": _local(state.failing_since),
            "last_assessed": _local(state.last_assessed),
            "inspection": state.visit if with_visits else None,
        }
        for state in picture.failed
    ]
    return sorted(failed, key=lambda r: (_SEVERITY_ORDER[r["severity"]], r["norm"]))


def score_history_for(user: User, location: Location) -> list[HistoryPoint]:
    """Every visit of ``location`` with its own score and the picture after it, as ``user``
    may see them: without the visits' ids for whoever sees no single visits."""
    history = score_history(location)
    if sees_visits(user):
        return history
    return [replace(point, id=None) for point in history]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(AMSTERDAM) if moment is not None else None


class InspectionForReader:
    """An inspection as a reader may see it.

    The phone's GPS position at a confidential shelter is its real point, so
    it is hidden from everyone who may not see that point.
    """

    def __init__(self, inspection: Inspection, user: User) -> None:
        self._inspection = inspection
        self._hide_position = not knows_position(user, inspection.location)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inspection, name)

    @property
    def position(self) -> dict[str, float | None] | None:
        return None if self._hide_position else self._inspection.position
