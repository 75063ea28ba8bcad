"""Regions: loading the boundaries of provinces or municipalities, and reading them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from inspection import audit
from inspection.db import db
from inspection.errors import ValidationFailed
from inspection.models import REGION_LEVELS, Region, User


@dataclass(frozen=True)
class RegionImportReport:
    level: str
    regions: int
    repaired: int
    merged: int


def import_regions(
    path: str | Path,
    level: str,
    name_field: str,
    actor: User | None = None,
    layer: str | None = None,
) -> RegionImportReport:
    """Replace the regions of ``level`` by the polygons of a vector file.

    The file must carry a coordinate reference system; polygons are
    reprojected to WGS84, invalid ones repaired (``make_valid``) and
    counted, features sharing a name merged. Anything else wrong refuses the
    whole file, and the regions stored before stay.
    """
    from geodata.boundaries import read_boundaries, to_wkb  # geopandas: only when importing

    if level not in REGION_LEVELS:
        raise ValidationFailed(
            f"Unknown level {level!r}", {"level": [f"one of {', '.join(REGION_LEVELS)}"]}
        )
    try:
        boundaries = read_boundaries(
            path, name_field, current_app.config["SERVICE_AREA"], layer=layer
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc
    frame = boundaries.frame
    too_long = [name for name in frame["name"] if len(name) > 200]
    if too_long:
        raise ValidationFailed(f"{path}: names longer than 200 characters: {too_long[:3]}")

    db.session.execute(delete(Region).where(Region.level == level))
    db.session.add_all(
        Region(level=level, name=name, geometry=wkb)
        for name, wkb in zip(frame["name"], to_wkb(frame), strict=True)
    )
    db.session.flush()
    audit.record(
        "regions.imported",
        "file",
        Path(path).name,
        actor,
        level=level,
        layer=layer,
        regions=len(frame),
        repaired=boundaries.repaired,
        merged=boundaries.merged,
    )
    return RegionImportReport(
        level=level, regions=len(frame), repaired=boundaries.repaired, merged=boundaries.merged
    )


def regions_version(level: str) -> tuple[int, datetime | None]:
    """How many regions of ``level`` are stored and when the last were loaded."""
    count, loaded_at = db.session.execute(
        select(func.count(), func.max(Region.loaded_at)).where(Region.level == level)
    ).one()
    return int(count), loaded_at


def region_rows(level: str) -> list[Any]:
    """``(name, geometry WKB)`` of every region of ``level``, by name."""
    return list(
        db.session.execute(
            select(Region.name, Region.geometry).where(Region.level == level).order_by(Region.name)
        )
    )
