"""The count items at each location on a day: how many children a limit leaves out.

A norm set may ask items with a norm (``asked_with``) that are not scored but
feed the national figures; 2026.1 asks three (children beyond the stay limit,
without school for more than 90 days, moved more than the limit;
``docs/catalogue-changelog.md``). A location's value of such an item on day D
is that of its latest visit observed by the end of D (Dutch time) that
answered it: the rule of ``children_present`` (``docs/norms.md``, "The
children at a location"), so a later visit that left it open does not erase
it. It counts only while the version in force on D asks the item at the
location's type (where its norm applies); elsewhere, and where no visit has
answered it yet (no visit on a version that asks it), the value is missing.

Kept beside the picture rather than in it: the export features of today's
picture are stored at write time without them, so only the CSV export and
the national report add them, joined on the location id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from flask import current_app
from sqlalchemy import select

from inspection.cache import app_cache
from inspection.db import db
from inspection.engine import Item, NormSetDocument
from inspection.location_state import norm_set_for, today
from inspection.models import Inspection, Location, NormSet
from inspection.norm_sets import compiled, versions
from inspection.picture.query import data_version, end_of_day

# Days kept per process: the report and the CSV of a few recent days.
CACHED_DAYS = 8


@dataclass(frozen=True)
class ChildCounts:
    """The count items of the version in force on ``day``, per location.

    ``values`` and ``asked`` have a row per location (indexed by its id) and a
    column per item of ``items``: ``values`` the number counted (nullable
    integers, missing where the item is not asked or not answered),
    ``asked`` whether the version asks the item at the location's type.
    ``version`` is None when no version of the catalogue is stored.
    """

    day: date
    version: str | None
    items: tuple[Item, ...]
    values: pd.DataFrame
    asked: pd.DataFrame


def count_items(document: NormSetDocument) -> tuple[Item, ...]:
    """The items a version asks for the figures, not for a score, in document order."""
    return tuple(item for item in document.items.values() if item.asked_with)


def count_columns() -> tuple[str, ...]:
    """The count items of every stored version of the catalogue, oldest version first.

    The CSV export's extra columns: the same on every day, so that a file of a
    day before the items were asked has them too, empty.
    """
    codes: dict[str, None] = {}
    for norm_set in versions(current_app.config["NORM_CATALOGUE"]):
        codes.update(dict.fromkeys(item.code for item in count_items(compiled(norm_set))))
    return tuple(codes)


def first_version_asking(after: date) -> NormSet | None:
    """The first stored version in force after ``after`` that asks count items."""
    for norm_set in versions(current_app.config["NORM_CATALOGUE"]):
        if norm_set.valid_from > after and count_items(compiled(norm_set)):
            return norm_set
    return None


def child_counts(day: date) -> ChildCounts:
    """Every location's count items on ``day``, kept per process until the data change.

    A day after today is today, as for the picture (``query.picture_rows``).
    """
    day = min(day, today())
    return app_cache("child_counts", CACHED_DAYS).get_or_make(
        (data_version(), day), lambda: _child_counts(day)
    )


def _child_counts(day: date) -> ChildCounts:
    result = db.session.execute(select(Location.id, Location.type).order_by(Location.id))
    locations = pd.DataFrame(result.all(), columns=["id", "type"]).set_index("id")
    norm_set = norm_set_for(day)
    document = compiled(norm_set) if norm_set is not None else None
    items = count_items(document) if document is not None else ()
    codes = [item.code for item in items]
    if document is None or not items:
        empty = pd.DataFrame(index=locations.index)
        return ChildCounts(day, norm_set.version if norm_set else None, (), empty, empty)
    applies_to = {norm.code: set(norm.applies_to) for norm in document.norms}
    asked = pd.DataFrame(
        {item.code: locations["type"].isin(applies_to[item.asked_with]) for item in items},
        index=locations.index,
    )
    answered = _latest_answers(codes, day).reindex(locations.index)
    values = answered.where(asked.to_numpy()).astype("Int64")
    return ChildCounts(day, norm_set.version, items, values, asked)


def _latest_answers(codes: list[str], day: date) -> pd.DataFrame:
    """Per location, each item's answer of its latest visit by the end of ``day`` that gave one."""
    # Only visits scored by a version that has one of the items can answer it: an
    # answer to an item its version lacks is refused on submission.
    sets = [
        norm_set.id
        for norm_set in versions(current_app.config["NORM_CATALOGUE"])
        if any(code in compiled(norm_set).items for code in codes)
    ]
    rows = db.session.execute(
        select(
            Inspection.location_id,
            *(Inspection.answers[code].as_float().label(code) for code in codes),
        )
        .where(Inspection.norm_set_id.in_(sets), Inspection.observed_at <= end_of_day(day))
        # The order of the picture: by time, a tie by id.
        .order_by(Inspection.location_id, Inspection.observed_at, Inspection.id)
    ).all()
    visits = pd.DataFrame.from_records(rows, columns=["location_id", *codes])
    visits[codes] = visits[codes].astype("Float64")
    # ``last`` skips missing values: per item, the latest visit that answered it.
    latest = visits.groupby("location_id").last()
    latest.index = latest.index.astype("int64")
    return latest.round().astype("Int64")


def with_child_counts(picture: pd.DataFrame, day: date) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``picture`` with a column per item of ``count_columns``: each location's value on ``day``.

    The picture is taken as the reader may see it (scoped, masked): the values
    go by the location id, which every picture keeps and no export shows.
    """
    counts = child_counts(day)
    columns = count_columns()
    out = picture.copy()
    for code in columns:
        values = counts.values[code] if code in counts.values else pd.Series(dtype="Int64")
        out[code] = picture["id"].map(values).astype("Int64")
    return out, columns
