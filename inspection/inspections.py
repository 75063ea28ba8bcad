"""Reading inspections: the latest per location and lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from inspection.db import db
from inspection.models import Inspection, Location, LocationPicture, User
from inspection.scope import location_clause, visible_location
from inspection.vocabulary import NOT_INSPECTED


def latest_per_location(as_of: datetime | None = None) -> Select[tuple[str]]:
    """A subquery-able SELECT of the id of each location's latest inspection.

    Latest by observed_at (phones sync late, so arrival order means nothing),
    ties broken by arrival and id so the answer is deterministic. One indexed
    lookup per location (ix_inspections_location_observed) rather than a
    window over every inspection: the cost follows the number of locations.
    Locations without an inspection give a NULL id.
    """
    newest = select(Inspection.id).where(Inspection.location_id == Location.id)
    if as_of is not None:
        newest = newest.where(Inspection.observed_at <= as_of)
    newest_id = (
        newest.order_by(
            Inspection.observed_at.desc(), Inspection.received_at.desc(), Inspection.id.desc()
        )
        .limit(1)
        .correlate(Location)
        .scalar_subquery()
    )
    return select(newest_id.label("id")).select_from(Location)


def locations_with_latest(
    where: Sequence[object] = (),
    status: Sequence[str] = (),
    as_of: datetime | None = None,
    order_by: Sequence[object] = (Location.code,),
) -> Select[tuple[Location, Inspection | None]]:
    """Locations (filtered by ``where``) with their latest inspection or None.

    ``status`` filters on the latest inspection's status; ``not_inspected``
    selects locations without one.
    """
    latest = aliased(
        Inspection,
        select(Inspection).where(Inspection.id.in_(latest_per_location(as_of))).subquery(),
    )
    query = (
        select(Location, latest)
        .outerjoin(latest, latest.location_id == Location.id)
        .where(*where)
        .order_by(*order_by)
    )
    if status:
        conditions = [latest.status.in_([s for s in status if s != NOT_INSPECTED])]
        if NOT_INSPECTED in status:
            conditions.append(latest.id.is_(None))
        query = query.where(
            conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
        )
    return query


def locations_with_picture(
    where: Sequence[object] = (),
    status: Sequence[str] = (),
    order_by: Sequence[object] = (Location.code,),
) -> Select[tuple[Location, LocationPicture | None, Inspection | None]]:
    """Locations (filtered by ``where``) with their kept picture and latest visit, or None.

    ``status`` filters on the picture's status; ``not_inspected`` selects
    locations without a visit.
    """
    query = (
        select(Location, LocationPicture, Inspection)
        .outerjoin(LocationPicture, LocationPicture.location_id == Location.id)
        .outerjoin(Inspection, Inspection.id == LocationPicture.latest_inspection_id)
        .where(*where)
        .order_by(*order_by)
    )
    if status:
        conditions = [LocationPicture.status.in_([s for s in status if s != NOT_INSPECTED])]
        if NOT_INSPECTED in status:
            conditions.append(LocationPicture.location_id.is_(None))
        query = query.where(or_(*conditions))
    return query


def latest_inspection(location: Location) -> Inspection | None:
    return db.session.scalars(
        select(Inspection)
        .where(Inspection.location_id == location.id)
        .order_by(
            Inspection.observed_at.desc(), Inspection.received_at.desc(), Inspection.id.desc()
        )
        .limit(1)
    ).first()


def paginate(query: Select, page: int, per_page: int) -> tuple[list, int]:
    """One page of a query's rows and the total count."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total or 0


def page_of(items: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    """The envelope of a paginated list (``PageSchema``)."""
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def inspections_for(
    user: User,
    *,
    page: int,
    per_page: int,
    location: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
) -> tuple[list[Inspection], int]:
    """One page of the inspections ``user`` may see, latest visit first, and their total.

    ``location`` is a location code; one outside the user's scope is not found.
    Each comes with its location, inspector and norm set: one query for the page.
    """
    place = visible_location(user, location) if location else None
    query = (
        select(Inspection)
        .options(
            joinedload(Inspection.location),
            joinedload(Inspection.inspector),
            joinedload(Inspection.norm_set),
        )
        .join(Location, Inspection.location_id == Location.id)
        .where(location_clause(user), *inspection_filters(place, since, until, status))
        .order_by(Inspection.observed_at.desc(), Inspection.id)
    )
    rows, total = paginate(query, page, per_page)
    return [row[0] for row in rows], total


def inspection_filters(
    location: Location | None, since: datetime | None, until: datetime | None, status: str | None
) -> list[object]:
    conditions: list[object] = []
    if location is not None:
        conditions.append(Inspection.location_id == location.id)
    if since is not None:
        conditions.append(Inspection.observed_at >= since)
    if until is not None:
        conditions.append(Inspection.observed_at <= until)
    if status is not None:
        conditions.append(Inspection.status == status)
    return [and_(*conditions)] if conditions else []
