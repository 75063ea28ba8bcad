"""Schemas of reception locations: what may be created or changed, and how it is shown."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from inspection.engine.document import LOCATION_TYPES

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,63}$"


class LocationCreateSchema(Schema):
    """A new location, from the API or one row of an import file."""

    code = fields.String(
        required=True,
        validate=validate.Regexp(
            CODE_PATTERN, error="Use capitals, digits and hyphens, e.g. TER-APEL."
        ),
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(LOCATION_TYPES))
    operator = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    municipality = fields.String(required=True, validate=validate.Length(min=1, max=100))
    province = fields.String(required=True, validate=validate.Length(min=1, max=100))
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    confidential = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)

    def __init__(self, *args: Any, service_area: tuple[float, float, float, float] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_area = service_area

    @pre_load
    def _blank_is_missing(self, data: Any, **kwargs: Any) -> Any:
        # Spreadsheets export empty cells as empty strings; treat them as not given.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "")}
        return data

    @validates_schema
    def _within_service_area(self, data: dict[str, Any], **kwargs: Any) -> None:
        if self.service_area is None or "latitude" not in data or "longitude" not in data:
            return
        problem = service_area_problem(data["latitude"], data["longitude"], self.service_area)
        if problem:
            raise ValidationError(problem, field_name="latitude")


class LocationUpdateSchema(LocationCreateSchema):
    """A change to a location: every field optional, the code never changes."""

    class Meta:
        exclude = ("code",)


def service_area_problem(
    latitude: float, longitude: float, area: tuple[float, float, float, float]
) -> str | None:
    """Why a point cannot be a location in the service area, or None.

    ``area`` is (min_longitude, min_latitude, max_longitude, max_latitude).
    Swapped coordinates are the most common mistake in spreadsheets, so they
    get a message of their own.
    """
    min_lon, min_lat, max_lon, max_lat = area

    def inside(lat: float, lon: float) -> bool:
        return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon

    if inside(latitude, longitude):
        return None
    if inside(longitude, latitude):
        return (
            f"latitude {latitude} and longitude {longitude} look swapped: "
            f"({longitude}, {latitude}) would lie in the service area"
        )
    return (
        f"({latitude}, {longitude}) lies outside the service area "
        f"(latitude {min_lat} to {max_lat}, longitude {min_lon} to {max_lon})"
    )
