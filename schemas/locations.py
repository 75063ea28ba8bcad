"""Schemas of reception locations: what may be created or changed, and how it is shown."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from inspection.engine.document import LOCATION_TYPES
from schemas.common import PageArgsSchema, PageSchema
from schemas.scores import LOCATION_STATUSES, FailedNormSchema, NormSetRefSchema

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,63}$"


NOT_BLANK = validate.Regexp(r"\s*\S", error="must not be blank")


def _text(max_length: int) -> list[validate.Validator]:
    return [validate.Length(min=1, max=max_length), NOT_BLANK]


class LocationCreateSchema(Schema):
    """A new location."""

    code = fields.String(
        required=True,
        validate=validate.Regexp(
            CODE_PATTERN, error="Use capitals, digits and hyphens, e.g. TER-APEL."
        ),
    )
    name = fields.String(required=True, validate=_text(200))
    type = fields.String(required=True, validate=validate.OneOf(LOCATION_TYPES))
    operator = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    municipality = fields.String(required=True, validate=_text(100))
    province = fields.String(required=True, validate=_text(100))
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    confidential = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)


class LocationRowSchema(LocationCreateSchema):
    """One row of an import file."""

    @pre_load
    def _blank_is_missing(self, data: Any, **kwargs: Any) -> Any:
        # Spreadsheets export empty cells as empty strings; treat them as not given.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "")}
        return data


class LocationUpdateSchema(LocationCreateSchema):
    """A change to a location: every field optional, the code never changes."""

    class Meta:
        exclude = ("code",)


class LatestInspectionSchema(Schema):
    id = fields.String(required=True)
    observed_at = fields.DateTime(attribute="observed_at_local", required=True)
    status = fields.String(required=True)
    overall = fields.Float(allow_none=True, required=True)
    coverage = fields.Float(allow_none=True, required=True)
    norm_set = fields.Nested(NormSetRefSchema, required=True)


class LocationOutSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    operator = fields.String(allow_none=True, required=True)
    municipality = fields.String(required=True)
    province = fields.String(required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)
    position_generalised = fields.Boolean(
        required=True,
        metadata={
            "description": "True when a confidential location is shown at its "
            "municipality's mean position (or none)"
        },
    )
    capacity = fields.Integer(allow_none=True, required=True)
    confidential = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(LOCATION_STATUSES))
    latest = fields.Nested(LatestInspectionSchema, allow_none=True, required=True)


class LocationDetailSchema(LocationOutSchema):
    failed_norms = fields.List(
        fields.Nested(FailedNormSchema),
        required=True,
        metadata={"description": "Failed norms of the latest inspection, critical first"},
    )


class LocationListArgsSchema(PageArgsSchema):
    type = fields.String(validate=validate.OneOf(LOCATION_TYPES))
    province = fields.String()
    municipality = fields.String()
    status = fields.List(
        fields.String(validate=validate.OneOf(LOCATION_STATUSES)),
        metadata={"description": "Status of the latest inspection; repeatable"},
    )


class LocationPageSchema(PageSchema):
    items = fields.List(fields.Nested(LocationOutSchema), required=True)


class ScorePointSchema(Schema):
    inspection = fields.String(attribute="id", required=True)
    observed_at = fields.DateTime(attribute="observed_at_local", required=True)
    overall = fields.Float(allow_none=True, required=True)
    coverage = fields.Float(allow_none=True, required=True)
    status = fields.String(required=True)
    domains = fields.Method(
        "domain_scores",
        required=True,
        metadata={
            "type": "object",
            "additionalProperties": {"type": "number", "nullable": True},
            "description": "Domain code -> score (0-100; null when nothing in it was assessed)",
        },
    )

    def domain_scores(self, inspection: Any) -> dict[str, float | None]:
        return {code: d["score"] for code, d in inspection.domain_scores.items()}
