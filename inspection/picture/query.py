"""The one SELECT behind a picture, and the fingerprint of the rows it reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import Select, case, func, literal, literal_column, select

from inspection.db import JSONDocument, db
from inspection.inspections import latest_per_location
from inspection.models import AuditEvent, Inspection, Location, NormSet
from inspection.picture.sql import critical_norm_codes, domain_failed, failed_norm_codes
from inspection.vocabulary import AMSTERDAM, CRITICAL, NOT_INSPECTED

# Audited changes that alter stored rows in place (counted, so commit order cannot hide one).
CHANGING_ACTIONS = ("location.updated", "locations.imported", "norm_set.rescored")


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Europe/Amsterdam, in UTC: what ``as_of=day`` means."""
    return datetime.combine(day, time.max, tzinfo=AMSTERDAM).astimezone(UTC)


def data_version() -> tuple[Any, ...]:
    """A fingerprint of the rows a picture is made of, from cheap index-backed aggregates.

    New rows change a count; audited changes in place change the count of
    their audit events (a count, not a maximum id, so that transactions
    committing out of order cannot hide one); other location edits move
    ``updated_at``.
    """
    row = db.session.execute(
        select(
            select(func.count()).select_from(Location).scalar_subquery(),
            select(func.max(Location.updated_at)).scalar_subquery(),
            select(func.count()).select_from(Inspection).scalar_subquery(),
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(CHANGING_ACTIONS))
            .scalar_subquery(),
        )
    ).one()
    return tuple(row)


def picture_rows(as_of: date | None, domain: str | None = None) -> pd.DataFrame:
    """The rows of ``picture_query`` as a plain table (the input of ``picture_frame``)."""
    result = db.session.execute(picture_query(as_of, domain))
    return pd.DataFrame.from_records(result.all(), columns=list(result.keys()))


def picture_query(as_of: date | None, domain: str | None = None) -> Select[Any]:
    """Every location joined to its latest inspection observed by the end of ``as_of``.

    ``domain`` keeps only the locations whose latest inspection failed a norm
    of that domain. A location without an inspection has the status
    ``not_inspected`` and nulls for the rest.
    """
    latest_ids = latest_per_location(end_of_day(as_of) if as_of else None).subquery()
    # The norm codes are taken out of the results inside the subquery, so that
    # only short lists, not whole result documents, are carried into the join.
    columns = [
        Inspection.location_id,
        Inspection.status,
        Inspection.overall,
        Inspection.coverage,
        Inspection.observed_at,
        Inspection.answers["children_present"].as_float().label("children_present"),
        failed_norm_codes(Inspection.results).label("failed_norms"),
        # Only a critical status has critical norms: skip the others' result lists.
        case(
            (Inspection.status == CRITICAL, critical_norm_codes(Inspection.results)),
            else_=literal_column("'[]'", JSONDocument),
        ).label("critical_norms"),
        NormSet.catalogue,
        NormSet.version,
    ]
    if domain:
        columns.append(domain_failed(Inspection.results, literal(domain)).label("in_domain"))
    latest = (
        select(*columns)
        .join(latest_ids, latest_ids.c.id == Inspection.id)
        .join(NormSet, NormSet.id == Inspection.norm_set_id)
        .subquery("latest")
    )
    query = select(
        Location.id,
        Location.code,
        Location.name,
        Location.type,
        Location.municipality,
        Location.province,
        Location.capacity,
        Location.confidential,
        Location.active,
        Location.latitude,
        Location.longitude,
        func.coalesce(latest.c.status, NOT_INSPECTED).label("status"),
        latest.c.overall,
        latest.c.coverage,
        latest.c.observed_at,
        latest.c.children_present,
        latest.c.failed_norms,
        latest.c.critical_norms,
        latest.c.catalogue,
        latest.c.version,
    ).outerjoin(latest, latest.c.location_id == Location.id)
    if domain:
        query = query.where(latest.c.in_domain)
    return query
