"""Locations as a given user may see them: scope, masking and the latest score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspection.confidentiality import MASKED_NAME, knows_identity, knows_position, masked_code
from inspection.models import Inspection, Location, User
from inspection.norm_sets import compiled

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


def present_location(
    user: User,
    location: Location,
    latest: Inspection | None,
    positions: dict[str, tuple[float, float]],
    with_failed_norms: bool = False,
) -> LocationView:
    """The location as ``user`` may see it.

    ``positions`` are the generalised positions per municipality
    (``scope.generalised_positions``), used where the real point is secret.
    """
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
        status=latest.status if latest else "not_inspected",
        latest=latest,
        failed_norms=failed_norms(latest) if with_failed_norms and latest else [],
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
