"""What each role may see: the location scope of managers and the masking of secret shelters.

A location outside the caller's scope is reported as not found, never as
forbidden, so that its existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, func, select, true

from inspection.db import db
from inspection.errors import NotFound
from inspection.models import Location, User, user_locations

MASKED_NAME = "Vertrouwelijke locatie"


def location_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Location for the locations the user may read."""
    if user.role == "manager":
        assigned = select(user_locations.c.location_id).where(user_locations.c.user_id == user.id)
        return Location.id.in_(assigned)
    return true()


def visible_location(user: User, code: str) -> Location:
    """The location with this code, if the user may look it up by its code."""
    location = db.session.scalars(
        select(Location).where(Location.code == code, location_clause(user))
    ).first()
    if location is None or (location.confidential and not knows_identity(user, location)):
        raise NotFound(f"No location {code}")
    return location


def knows_identity(user: User, location: Location) -> bool:
    """Whether the user may see a location's code and name (viewers see secret shelters masked)."""
    return not (location.confidential and user.role == "viewer")


def knows_position(user: User, location: Location) -> bool:
    """Whether the user may see a location's real coordinates."""
    if not location.confidential or user.role == "coordinator":
        return True
    return user.role == "manager" and any(loc.id == location.id for loc in user.locations)


def listing_order(user: User) -> tuple[object, ...]:
    """The order of location lists; masked entries must not sort by their hidden code."""
    if user.role == "viewer":
        hidden = case((Location.confidential.is_(True), Location.id), else_=None)
        return (Location.confidential, hidden, Location.code)
    return (Location.code,)


def masked_code(location: Location) -> str:
    return f"VERTROUWELIJK-{location.id}"


def generalised_positions() -> dict[str, tuple[float, float]]:
    """Per municipality, the mean position of its NON-confidential locations.

    A confidential location is shown at its municipality's entry, or without a
    position where the municipality has no other location: a mean including
    the secret point would let anyone who knows the others compute it.
    """
    rows = db.session.execute(
        select(Location.municipality, func.avg(Location.latitude), func.avg(Location.longitude))
        .where(Location.confidential.is_(False))
        .group_by(Location.municipality)
    )
    return {municipality: (lat, lon) for municipality, lat, lon in rows}


def choosable_location_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Location for the locations a user may pick on a checklist.

    Active locations in the user's scope; confidential shelters only for the
    roles that visit them (inspectors) or manage them all (coordinators).
    """
    clause = and_(Location.active.is_(True), location_clause(user))
    if user.role in ("inspector", "coordinator"):
        return clause
    return and_(clause, Location.confidential.is_(False))
