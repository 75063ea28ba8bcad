"""Locations as a given user may see them: scope, masking and the latest score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inspection.confidentiality import (
    MASKED_NAME,
    generalised_positions,
    knows_identity,
    knows_position,
    listing_order,
    masked_code,
)
from inspection.findings import finding_counts
from inspection.inspections import latest_inspection, locations_with_latest, paginate
from inspection.models import Inspection, Location, User
from inspection.norm_sets import compiled
from inspection.scope import location_clause, visible_location
from inspection.vocabulary import NOT_INSPECTED

_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


@dataclass
class LocationView:
    code: str
    name: str
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
    latest: Inspection | None
    failed_norms: list[dict[str, Any]] = field(default_factory=list)
    open_findings: int = 0
    overdue_findings: int = 0


def present_location(
    user: User,
    location: Location,
    latest: Inspection | None,
    positions: dict[str, tuple[float, float]],
    with_failed_norms: bool = False,
    findings: tuple[int, int] | None = None,
) -> LocationView:
    """The location as ``user`` may see it.

    ``positions`` are the generalised positions per municipality
    (``scope.generalised_positions``), used where the real point is secret.
    ``findings``: its open and overdue findings, counted here when not given.
    """
    if findings is None:
        findings = finding_counts([location.id]).get(location.id, (0, 0))
    identity = knows_identity(user, location)
    if knows_position(user, location):
        latitude, longitude, generalised = location.latitude, location.longitude, False
    else:
        latitude, longitude = positions.get(location.municipality, (None, None))
        generalised = True
    return LocationView(
        code=location.code if identity else masked_code(location),
        name=location.name if identity else MASKED_NAME,
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
        status=latest.status if latest else NOT_INSPECTED,
        latest=latest,
        failed_norms=failed_norms(latest) if with_failed_norms and latest else [],
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
) -> tuple[list[LocationView], int]:
    """One page of the locations ``user`` may see, as they may see them, and their total.

    ``status`` filters on the latest inspection's status (``not_inspected``
    for none); masked entries are listed after the others.
    """
    where = [location_clause(user)]
    for column, value in (
        (Location.type, type),
        (Location.province, province),
        (Location.municipality, municipality),
    ):
        if value:
            where.append(column == value)
    query = locations_with_latest(where, status or (), order_by=listing_order(user))
    rows, total = paginate(query, page, per_page)
    positions = generalised_positions()
    counts = finding_counts(loc.id for loc, _ in rows)
    return [
        present_location(user, loc, latest, positions, findings=counts.get(loc.id, (0, 0)))
        for loc, latest in rows
    ], total


def location_for(user: User, code: str) -> LocationView:
    """One location ``user`` may look up by its code, with its latest score and failed norms."""
    location = visible_location(user, code)
    return present_location(
        user, location, latest_inspection(location), generalised_positions(), True
    )


def failed_norms(inspection: Inspection) -> list[dict[str, Any]]:
    """The failed norms of an inspection with their titles, most severe first."""
    titles = {norm.code: norm.title for norm in compiled(inspection.norm_set).norms}
    failed = [
        {**result, "title": titles[result["norm"]].to_dict()}
        for result in inspection.results
        if result["outcome"] == "fail"
    ]
    return sorted(failed, key=lambda r: (_SEVERITY_ORDER[r["severity"]], r["norm"]))


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
