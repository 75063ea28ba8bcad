"""The rows behind a picture, and the fingerprint of the rows they are read from."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import Select, String, cast, func, select

from inspection.db import db, driver_rows
from inspection.location_state import bring_days_up_to_date, bring_up_to_date, today
from inspection.models import AuditEvent, Inspection, Location, LocationPicture, NormSet
from inspection.norm_sets import compiled
from inspection.picture_days import rows_of_day
from inspection.vocabulary import AMSTERDAM, NOT_INSPECTED

LOCATION_COLUMNS = (
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
)
# Audited changes that alter stored rows in place (counted, so commit order cannot hide one),
# or what a picture of them shows: a version loaded may come into force today.
CHANGING_ACTIONS = (
    "location.updated",
    "locations.imported",
    "norm_set.loaded",
    "norm_set.corrected",
    "norm_set.rescored",
)


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
    """Every location with its picture as a plain table (the input of ``picture_frame``).

    Today's picture is read from the pictures kept at write time, one of an
    earlier day from the rows of the pictures' days kept with them
    (``inspection.picture_days``). ``domain`` keeps only the locations failing a norm of that
    domain. A location without a visit has the status ``not_inspected`` and
    nulls for the rest.
    """
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if as_of is not None and as_of < today():
        bring_days_up_to_date(db.session, as_of)
        table = frame_of(day_query(as_of, as_text=sqlite))
    else:
        bring_up_to_date(db.session)
        table = frame_of(picture_query(as_text=sqlite))
    if sqlite:
        for name in ("failed_norms", "critical_norms"):
            table[name] = code_lists(table[name])
    if domain:
        in_domain = norm_domains()
        failing = [
            bool(codes) and any(in_domain.get(code) == domain for code in codes)
            for codes in table["failed_norms"].tolist()
        ]
        table = table[failing].reset_index(drop=True)
    return table


def norm_domains() -> dict[str, str]:
    """The domain of each norm code, over every stored version."""
    domains: dict[str, str] = {}
    for norm_set in db.session.scalars(select(NormSet).order_by(NormSet.valid_from)):
        domains.update((norm.code, norm.domain) for norm in compiled(norm_set).norms)
    return domains


def frame_of(query: Select[Any]) -> pd.DataFrame:
    """A query's rows as a table, read through the driver's own cursor.

    For ten thousand rows SQLAlchemy's result rows cost several times the
    query itself; the driver's plain tuples are taken apart column by column.
    The columns come as the driver gives them: ``picture_frame`` types them.
    """
    keys, rows = driver_rows(query)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(keys)
    return pd.DataFrame({key: list(column) for key, column in zip(keys, columns, strict=True)})


def code_lists(texts: pd.Series) -> list[list[str] | None]:
    """Lists of norm codes from their JSON text (``["HYG-01","SAF-02"]``), None for none."""
    # Norm codes hold no quotes or commas; the text is as the JSON encoder wrote it, or as
    # SQLite's json functions would (no spaces either way).
    return [
        (text[2:-2].split('","') if len(text) > 2 else []) if isinstance(text, str) else None
        for text in texts.tolist()
    ]


def picture_query(as_text: bool = False) -> Select[Any]:
    """Every location joined to the picture kept for it (none: ``not_inspected``).

    ``as_text``: times and lists as SQLite keeps them (text), for pandas to
    parse the times all at once (``picture_frame``) and ``code_lists`` the
    lists, rather than a JSON and a time parser per value.
    """
    return _located(LocationPicture.__table__, as_text)


def day_query(day: date, as_text: bool = False) -> Select[Any]:
    """As ``picture_query``, for the end of an earlier ``day``: the rows of the pictures' days."""
    return _located(rows_of_day(day), as_text)


def _located(pictures: Any, as_text: bool) -> Select[Any]:
    """Every location with its row of ``pictures`` (a table or subquery of picture columns)."""
    row = pictures.c

    def moment(column: Any) -> Any:
        return cast(column, String) if as_text else column

    def codes(column: Any) -> Any:
        return cast(column, String).label(column.key) if as_text else column

    return (
        select(
            *LOCATION_COLUMNS,
            func.coalesce(row.status, NOT_INSPECTED).label("status"),
            row.overall,
            row.coverage,
            moment(row.latest_observed_at).label("observed_at"),
            row.children_present,
            codes(row.failed_norms),
            codes(row.critical_norms),
            moment(row.failing_since).label("failing_since"),
            NormSet.catalogue,
            NormSet.version,
        )
        .outerjoin(pictures, row.location_id == Location.id)
        .outerjoin(NormSet, NormSet.id == row.norm_set_id)
    )
