"""Reception locations: creating, updating and importing them."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import select

from inspection import audit, location_state
from inspection.db import db
from inspection.errors import Conflict, ValidationFailed, field_paths
from inspection.feature_parts import join_changed
from inspection.location_features import refresh_features
from inspection.models import Location, User
from inspection.storable import printable
from schemas.locations import LocationCreateSchema, LocationImportRowSchema, without_blanks

# Half the last of the six decimals that exports write coordinates with (5 cm),
# and a little more for the error of rounding a binary float.
COORDINATE_TOLERANCE = 0.501e-6
# What surrogateescape makes of bytes that are not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int = 0
    unprotected: tuple[str, ...] = ()


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
    join_changed(db.session)
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
    if changes.get("type", location.type) != before.get("type", location.type):
        # Which norms apply follows the type: the picture is made again for it.
        location_state.refresh(db.session, [location.id], join=False)  # joined below
    # Its code, name, point and the like are part of its export feature.
    refresh_features(db.session, [location.id])
    join_changed(db.session)
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


def import_locations(
    path: str | Path, actor: User | None = None, allow_unprotect: bool = False
) -> ImportReport:
    """Create or update (by code) every location in a CSV or vector file.

    The file is checked whole before anything is written: one bad row refuses
    the import, with every problem named by its row number and field. A row
    about an existing location changes only what it gives: an absent column
    or an empty cell keeps the stored value. Making a protected shelter public
    (``confidential`` true to false) needs ``allow_unprotect``. The audit
    event lists, per changed location, each field's old and new value.
    """
    path = Path(path)
    rows = read_location_rows(path)
    first = 2 if path.suffix.lower() == ".csv" else 1
    codes = {row.get("code") for row in rows} - {None}
    existing = {
        loc.code: loc
        for loc in db.session.scalars(
            select(Location).where(Location.code.in_([c for c in codes if isinstance(c, str)]))
        )
    }
    area = current_app.config["SERVICE_AREA"]
    new_schema, row_schema = LocationCreateSchema(), LocationImportRowSchema()
    problems: dict[str, list[str]] = {}
    planned: list[tuple[Location | None, dict[str, Any]]] = []
    unprotected: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first):
        cells = without_blanks(row)
        code_cell = cells.get("code")
        location = existing.get(code_cell) if isinstance(code_cell, str) else None
        schema = row_schema if location is not None else new_schema
        try:
            data = schema.load(cells, unknown=EXCLUDE)
        except ValidationError as exc:
            for field, messages in field_paths(exc.normalized_messages()).items():
                problems[f"row {number}.{field}"] = messages
            continue
        outside = service_area_problems(
            data.get("latitude", getattr(location, "latitude", None)),
            data.get("longitude", getattr(location, "longitude", None)),
            area,
        )
        if outside:
            for field, messages in outside.items():
                problems[f"row {number}.{field}"] = messages
            continue
        code = data["code"]
        if code in seen:
            problems[f"row {number}.code"] = [f"{code} also appears on row {seen[code]}"]
            continue
        seen[code] = number
        if location is None:
            planned.append((None, data))
            continue
        changes = _changes(location, data)
        if location.confidential and changes.get("confidential") is False:
            unprotected.append(code)
            if not allow_unprotect:
                problems[f"row {number}.confidential"] = [
                    f"would make the protected shelter {code} public; "
                    "import with --allow-unprotect if that is meant"
                ]
        planned.append((location, changes))
    if problems:
        raise ValidationFailed(f"{path}: nothing imported", problems)
    if not planned:
        raise ValidationFailed(f"{path} holds no locations")

    audited: dict[str, dict[str, dict[str, Any]]] = {}
    created = updated = 0
    retyped: list[int] = []
    for location, data in planned:
        if location is None:
            db.session.add(Location(**data))
            audited[data["code"]] = {
                key: {"old": None, "new": value} for key, value in data.items() if key != "code"
            }
            created += 1
        elif data:
            audited[location.code] = {
                key: {"old": getattr(location, key), "new": value} for key, value in data.items()
            }
            if "type" in data and data["type"] != location.type:
                retyped.append(location.id)
            for key, value in data.items():
                setattr(location, key, value)
            updated += 1
    db.session.flush()
    location_state.refresh(db.session, retyped, join=False)  # joined below
    refresh_features(db.session, [location.id for location, data in planned if location and data])
    join_changed(db.session)
    report = ImportReport(
        created=created,
        updated=updated,
        unchanged=len(planned) - created - updated,
        unprotected=tuple(unprotected),
    )
    audit.record(
        "locations.imported",
        "file",
        path.name,
        actor,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        unprotected=list(report.unprotected),
        changes=audited,
    )
    return report


def _changes(location: Location, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``data`` that differ from what is stored for ``location``."""
    changes = {}
    for key, value in data.items():
        if key == "code":
            continue
        old = getattr(location, key)
        # Exports write six decimals (about 10 cm): a point that rounds to the
        # stored one is the same point, not a move.
        if key in ("latitude", "longitude") and math.isclose(
            old, value, abs_tol=COORDINATE_TOLERANCE
        ):
            continue
        if old != value:
            changes[key] = value
    return changes


def read_location_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a location file as dicts: CSV directly, anything else through geopandas."""
    if not path.is_file():
        raise ValidationFailed(f"{path} does not exist or is not a file")
    if path.suffix.lower() == ".csv":
        return _read_csv_rows(path)
    return _read_vector_rows(path)


def _read_csv_rows(path: Path) -> list[dict[str, Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"{path} cannot be read: {exc.strerror}") from exc
    # Bytes that are not UTF-8 become lone surrogates here, so that the row
    # and column they are in can be named below.
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    previous_limit = csv.field_size_limit()
    # A cell can be no longer than the file; the schemas name a cell that is too long.
    csv.field_size_limit(max(previous_limit, len(text) + 1))
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ValidationFailed(f"{path} is not a readable CSV file: {exc}") from exc
    finally:
        csv.field_size_limit(previous_limit)
    problems: dict[str, list[str]] = {}
    header = next(csv.reader(io.StringIO(text.partition("\n")[0])), [])
    for name in header:
        if _NOT_UTF8.search(name):
            problems[f"row 1.{_as_read(name)}"] = [
                "holds bytes that are not UTF-8 text; save the file as UTF-8"
            ]
    for number, row in enumerate(rows, start=2):
        for column, value in row.items():
            for cell in value if isinstance(value, list) else [value]:
                if isinstance(cell, str) and _NOT_UTF8.search(cell):
                    name = _as_read(column) if column is not None else "(beyond the header)"
                    problems[f"row {number}.{name}"] = [
                        "holds bytes that are not UTF-8 text; save the file as UTF-8"
                    ]
    if problems:
        raise ValidationFailed(f"{path}: nothing imported", problems)
    return rows


def _as_read(text: str) -> str:
    """A column name as the file has it, bytes that are not UTF-8 written as \\xe9."""
    return printable(text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


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
