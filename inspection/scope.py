"""Which rows each role may see: the location scope of managers, and every lookup that checks it.

A location outside the caller's scope is reported as not found, never as
forbidden, so that its existence does not leak. How a confidential location
is shown to those who may see it is ``inspection.confidentiality``'s matter.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select, true

from inspection.confidentiality import knows_identity
from inspection.db import db
from inspection.errors import NotFound
from inspection.models import Inspection, Location, User, user_locations
from inspection.vocabulary import MANAGER, SUBMITTERS, VIEWER


def location_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Location for the locations the user may read."""
    if user.role == MANAGER:
        assigned = select(user_locations.c.location_id).where(user_locations.c.user_id == user.id)
        return Location.id.in_(assigned)
    return true()


def sees_visits(user: User) -> bool:
    """Whether ``user`` may see single visits, and so know their ids.

    Viewers read the picture (scores, statuses, failed norms) but no single
    inspection: an id would name what they may not open.
    """
    return user.role != VIEWER


def scoped_location_ids(user: User) -> frozenset[int] | None:
    """The ids of the only locations the user may read, or None when they may read every one."""
    if user.role != MANAGER:
        return None
    return frozenset(
        db.session.scalars(
            select(user_locations.c.location_id).where(user_locations.c.user_id == user.id)
        )
    )


def visible_location(user: User, code: str) -> Location:
    """The location with this code, if the user may look it up by its code."""
    location = db.session.scalars(
        select(Location).where(Location.code == code, location_clause(user))
    ).first()
    if location is None or (location.confidential and not knows_identity(user, location)):
        raise NotFound(f"No location {code}")
    return location


def visible_inspection(user: User, inspection_id: str) -> Inspection:
    """The inspection if the user may see it; otherwise not found (its existence stays hidden)."""
    inspection = db.session.scalars(
        select(Inspection)
        .join(Location, Inspection.location_id == Location.id)
        .where(Inspection.id == inspection_id, location_clause(user))
    ).first()
    if inspection is None:
        raise NotFound(f"No inspection {inspection_id}")
    return inspection


def choosable_location_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Location for the locations a user may pick on a checklist.

    Active locations in the user's scope; confidential shelters only for the
    roles that send inspections (inspectors visit them, coordinators see all).
    """
    clause = and_(Location.active.is_(True), location_clause(user))
    if user.role in SUBMITTERS:
        return clause
    return and_(clause, Location.confidential.is_(False))
