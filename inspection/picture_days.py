"""A location's picture by day, kept at write time: a past day is read like today.

``location_picture_days`` holds, per location, a row for every day on which
its picture may change (a visit, an outcome going stale, another norm set
version coming into force: ``engine.picture_days``); the picture of a past
day is that of the latest row on or before it. The rows are rewritten with
the location's picture (``location_state.refresh``), in the same
transaction: from the visits' outcome letters for every day when visits
arrive late or are rescored, or from the new visit's day on when it is the
location's latest.

A version loaded later than the rows were written makes the rows from its
first day on outdated: ``outdated_on`` finds the locations whose row of a
day names another version than the one in force, for
``location_state.bring_days_up_to_date`` to remake.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from inspection.day_rows import Versions
from inspection.models import LocationPictureDay
from inspection.norm_sets import compiled, versions

# Locations whose rows are remade per round of queries.
CHUNK = 200


def catalogue_versions() -> Versions:
    """The stored versions of the service's catalogue."""
    return Versions(
        [
            (norm_set.valid_from, norm_set.id, compiled(norm_set))
            for norm_set in versions(current_app.config["NORM_CATALOGUE"])
        ]
    )


def write_days(
    session: Session,
    location_ids: Sequence[int],
    rows: list[dict[str, Any]],
    since: dict[int, date] | None = None,
) -> None:
    """Replace the rows of these locations (of the location's day in ``since`` on, if given)."""
    since = since or {}
    whole = [i for i in location_ids if i not in since]
    for start in range(0, len(whole), CHUNK):
        chunk = whole[start : start + CHUNK]
        session.execute(delete(LocationPictureDay).where(LocationPictureDay.location_id.in_(chunk)))
    for location_id, day in since.items():
        session.execute(
            delete(LocationPictureDay).where(
                LocationPictureDay.location_id == location_id,
                LocationPictureDay.valid_from >= day,
            )
        )
    if rows:
        # A Core insert on the table: a rescoring writes a row per location and day.
        session.connection().execute(insert(LocationPictureDay.__table__), rows)


def rows_of_day(day: date) -> Any:
    """Per location, its row in force on ``day``: a subquery joined on ``location_id``."""
    later = aliased(LocationPictureDay)
    newest = (
        select(func.max(later.valid_from))
        .where(later.location_id == LocationPictureDay.location_id, later.valid_from <= day)
        .correlate(LocationPictureDay)
        .scalar_subquery()
    )
    return select(LocationPictureDay).where(LocationPictureDay.valid_from == newest).subquery()


def outdated_on(session: Session, day: date) -> list[int]:
    """The locations whose row of ``day`` names another version than the one in force then."""
    known = catalogue_versions()
    if not known.stored:
        return []
    current = rows_of_day(day)
    return sorted(
        session.scalars(
            select(current.c.location_id).where(current.c.norm_set_id != known.id_on(day))
        ).all()
    )
