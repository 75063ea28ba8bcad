"""Reception locations: creating, updating and importing them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from inspection import audit
from inspection.db import db
from inspection.errors import Conflict, ValidationFailed, field_paths
from inspection.models import Location, User
from schemas.locations import LocationRowSchema


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int


def location_by_code(code: str) -> Location | None:
    return db.session.scalars(select(Location).where(Location.code == code)).first()


def create_location(data: dict[str, Any], actor: User | None = None) -> Location:
    """Add a location from validated fields (``schemas.locations.LocationCreateSchema``)."""
    _check_service_area(data["latitude"], data["longitude"])
    if location_by_code(data["code"]) is not None:
        raise Conflict(f"Location {data['code']} already exists", {"code": ["already in use"]})
    location = Location(**data)
    db.session.add(location)
    db.session.flush()
    audit.record("location.created", "location", location.code, actor, **data)
    return location


def update_location(
    location: Location, changes: dict[str, Any], actor: User | None = None
) -> Location:
    """Change a location; the changed fields before and after go to the audit log."""
    _check_service_area(
        changes.get("latitude", location.latitude), changes.get("longitude", location.longitude)
    )
    before = {key: getattr(location, key) for key in changes}
    for key, value in changes.items():
        setattr(location, key, value)
    db.session.flush()
    audit.record("location.updated", "location", location.code, actor, before=before, after=changes)
    return location


def _check_service_area(latitude: float, longitude: float) -> None:
    problems = service_area_problems(latitude, longitude, current_app.config["SERVICE_AREA"])
    if problems:
        raise ValidationFailed("The location lies outside the service area", problems)


def service_area_problems(
    latitude: float, longitude: float, area: tuple[float, float, float, float]
) -> dict[str, list[str]]:
    """Why a point cannot be a location in the service area, per coordinate field.

    ``area`` is (min_longitude, min_latitude, max_longitude, max_latitude).
    Swapped coordinates are the most common mistake in spreadsheets, so they
    get a message of their own, on both fields.
    """
    min_lon, min_lat, max_lon, max_lat = area
    lat_ok = min_lat <= latitude <= max_lat
    lon_ok = min_lon <= longitude <= max_lon
    if lat_ok and lon_ok:
        return {}
    if min_lat <= longitude <= max_lat and min_lon <= latitude <= max_lon:
        swapped = (
            f"latitude {latitude} and longitude {longitude} look swapped: "
            f"({longitude}, {latitude}) would lie in the service area"
        )
        return {"latitude": [swapped], "longitude": [swapped]}
    problems = {}
    if not lat_ok:
        problems["latitude"] = [
            f"{latitude} lies outside the service area (latitude {min_lat} to {max_lat})"
        ]
    if not lon_ok:
        problems["longitude"] = [
            f"{longitude} lies outside the service area (longitude {min_lon} to {max_lon})"
        ]
    return problems


def import_locations(path: str | Path, actor: User | None = None) -> ImportReport:
    """Create or update (by code) every location in a CSV or vector file.

    The file is checked whole before anything is written: one bad row refuses
    the import, with every problem named by its row number and field.
    """
    rows = read_location_rows(Path(path))
    schema = LocationRowSchema()
    area = current_app.config["SERVICE_AREA"]
    problems: dict[str, list[str]] = {}
    valid: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2 if Path(path).suffix.lower() == ".csv" else 1):
        try:
            data = schema.load(row, unknown="exclude")
        except ValidationError as exc:
            for field, messages in field_paths(exc.normalized_messages()).items():
                problems[f"row {number}.{field}"] = messages
            continue
        outside = service_area_problems(data["latitude"], data["longitude"], area)
        if outside:
            for field, messages in outside.items():
                problems[f"row {number}.{field}"] = messages
            continue
        if data["code"] in seen:
            problems[f"row {number}.code"] = [
                f"{data['code']} also appears on row {seen[data['code']]}"
            ]
            continue
        seen[data["code"]] = number
        valid.append(data)
    if problems:
        raise ValidationFailed(f"{path}: {len(problems)} problem(s); nothing imported", problems)
    if not valid:
        raise ValidationFailed(f"{path} holds no locations")

    existing = {
        loc.code: loc
        for loc in db.session.scalars(select(Location).where(Location.code.in_(list(seen))))
    }
    created = updated = 0
    for data in valid:
        location = existing.get(data["code"])
        if location is None:
            db.session.add(Location(**data))
            created += 1
        else:
            for key, value in data.items():
                setattr(location, key, value)
            updated += 1
    db.session.flush()
    audit.record(
        "locations.imported", "file", Path(path).name, actor, created=created, updated=updated
    )
    return ImportReport(created=created, updated=updated)


def read_location_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a location file as dicts: CSV directly, anything else through geopandas."""
    if not path.exists():
        raise ValidationFailed(f"{path} does not exist")
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    return _read_vector_rows(path)


def _read_vector_rows(path: Path) -> list[dict[str, Any]]:
    import geopandas  # heavy: only needed for vector files

    try:
        frame = geopandas.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise ValidationFailed(f"{path} could not be read as a vector file: {exc}") from exc
    if frame.crs is None:
        raise ValidationFailed(f"{path} has no coordinate reference system; set one and retry")
    if not frame.geometry.geom_type.eq("Point").all():
        raise ValidationFailed(f"{path}: every feature must be a point")
    frame = frame.to_crs(4326)
    frame["longitude"] = frame.geometry.x
    frame["latitude"] = frame.geometry.y
    table = frame.drop(columns=frame.geometry.name)
    table = table.astype(object).where(table.notna(), None)
    return table.to_dict(orient="records")
