"""Query arguments of the exports and maps, and the documented shape of their GeoJSON.

A bad value answers 422 naming the field, like every other endpoint.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from geodata.exports import CSV_DIALECTS
from inspection.models import REGION_LEVELS
from inspection.vocabulary import BELOW, LOCATION_STATUSES
from schemas.location_types import known_location_type

EXPORT_STATUSES = (*LOCATION_STATUSES, BELOW)
MAP_SIZES = ("phone", "a4")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value: str) -> None:
    # A NUL would reach PostgreSQL, which refuses it; no name holds control characters.
    if _CONTROL.search(value):
        raise ValidationError("Control characters are not allowed.")


class ExportArgsSchema(Schema):
    """Filters of ``/exports/locations.*`` and ``/maps/locations.png``."""

    status = fields.List(
        fields.String(validate=validate.OneOf(EXPORT_STATUSES)),
        metadata={
            "description": "Status of the latest inspection; repeatable. "
            "`below` stands for below_norm and critical."
        },
    )
    type = fields.String(validate=known_location_type)
    province = fields.String(validate=[validate.Length(min=1, max=100), _printable])
    domain = fields.String(
        validate=validate.Regexp(r"^[A-Z][A-Z0-9]{0,15}$", error="A domain code, e.g. HYG."),
        metadata={"description": "Locations whose latest inspection failed a norm of this domain"},
    )
    as_of = fields.Date(
        metadata={
            "description": "The picture at the end of this day (Europe/Amsterdam); "
            "today when omitted"
        }
    )


class CsvArgsSchema(ExportArgsSchema):
    dialect = fields.String(
        load_default=CSV_DIALECTS[0],
        validate=validate.OneOf(CSV_DIALECTS),
        metadata={
            "description": "rfc4180: for programs (comma, dot decimals, values as stored); "
            "excel-nl: for Dutch spreadsheets (BOM, semicolon, decimal comma, formulas defused)"
        },
    )


class MapArgsSchema(ExportArgsSchema):
    size = fields.String(
        load_default="a4",
        validate=validate.OneOf(MAP_SIZES),
        metadata={"description": "phone: 1080x1350 px; a4: A4 portrait at 150 dpi"},
    )


class RegionArgsSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(REGION_LEVELS))
    as_of = fields.Date(metadata={"description": "As for the location exports"})


# --- the documented shape of the GeoJSON (responses are encoded directly, not dumped) ---


class PointSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Point"))
    coordinates = fields.List(
        fields.Float(),
        required=True,
        metadata={"description": "[longitude, latitude], WGS84, 6 decimals"},
    )


class LocationPropertiesSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    municipality = fields.String(required=True)
    province = fields.String(required=True)
    capacity = fields.Integer(required=True, allow_none=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(LOCATION_STATUSES),
        metadata={"description": "The current picture (per norm, its latest assessment)"},
    )
    overall = fields.Float(required=True, allow_none=True)
    coverage = fields.Float(required=True, allow_none=True)
    observed_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "The latest visit"}
    )
    children_present = fields.Integer(required=True, allow_none=True)
    failed_norms = fields.List(fields.String(), required=True, allow_none=True)
    critical_norms = fields.List(fields.String(), required=True, allow_none=True)
    failing_since = fields.DateTime(
        required=True,
        allow_none=True,
        metadata={"description": "Since when the longest-failing of the failed norms fails"},
    )
    norm_set = fields.String(
        required=True, allow_none=True, metadata={"description": "catalogue/version"}
    )
    masked = fields.Boolean(
        required=True,
        metadata={
            "description": "True for a confidential location as every role but coordinator "
            "gets it: code and name masked (the code is not the location's own and cannot be "
            "looked up), position generalised"
        },
    )


class LocationFeatureSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Feature"))
    geometry = fields.Nested(
        PointSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null for a confidential location without a shown position"},
    )
    properties = fields.Nested(LocationPropertiesSchema, required=True)


class LocationCollectionSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(LocationFeatureSchema), required=True)


class RegionPropertiesSchema(Schema):
    name = fields.String(required=True)
    locations = fields.Integer(required=True)
    below_norm = fields.Integer(required=True)
    critical = fields.Integer(required=True)
    not_inspected = fields.Integer(required=True)
    children_below_norm = fields.Integer(
        required=True,
        metadata={"description": "Children present in below_norm or critical locations"},
    )
    mean_score = fields.Float(required=True, allow_none=True)


class RegionFeatureSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Feature"))
    geometry = fields.Dict(
        required=True,
        allow_none=True,
        metadata={
            "description": "The region's (Multi)Polygon (imported boundaries, else the "
            "shipped ones), or a Point at the mean position of its non-confidential locations "
            "when boundaries are switched off"
        },
    )
    properties = fields.Nested(RegionPropertiesSchema, required=True)


class RegionCollectionSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(RegionFeatureSchema), required=True)
    unassigned_locations = fields.Integer(
        metadata={"description": "Locations outside every loaded boundary (polygons only)"}
    )
    attribution = fields.String(
        metadata={"description": "The credit of the boundaries shipped with the service"}
    )


BINARY: dict[str, Any] = {"type": "string", "format": "binary"}
# CSV is text: clients read it as a string in its charset (UTF-8).
TEXT: dict[str, Any] = {"type": "string"}
