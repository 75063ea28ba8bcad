"""Schemas of inspections: the phone's submission and the scored inspection."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import PageArgsSchema, PageSchema, StorableDateTime
from schemas.scores import STATUSES, NormSetRefSchema, ResultSchema, ScoreSchema, Stored


class PositionSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(0, 100_000)
    )


class InspectionCreateSchema(Schema):
    id = fields.UUID(
        required=True, metadata={"description": "Made on the phone; the idempotency key"}
    )
    location = fields.String(required=True, validate=validate.Length(min=1, max=64))
    observed_at = StorableDateTime(
        required=True, metadata={"description": "When the visit took place, with its UTC offset"}
    )
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(
            allow_none=True,
            metadata={"anyOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}]},
        ),
        required=True,
        metadata={
            "description": "Item code -> answer (number, true/false or a choice); null = none"
        },
    )
    notes = fields.Dict(
        keys=fields.String(validate=validate.Length(max=32)),
        values=fields.String(validate=validate.Length(max=2000)),
        load_default=dict,
        metadata={"description": "A note per norm code"},
    )
    position = fields.Nested(PositionSchema, load_default=None, allow_none=True)


class InspectionOutSchema(Schema):
    id = fields.String(required=True)
    location = fields.String(attribute="location.code", required=True)
    inspector = fields.String(attribute="inspector.username", required=True)
    observed_at = fields.DateTime(
        attribute="observed_at_local",
        required=True,
        metadata={"description": "As the phone sent it"},
    )
    received_at = fields.DateTime(required=True)
    norm_set = fields.Nested(NormSetRefSchema, required=True)
    score = fields.Nested(ScoreSchema, required=True)
    results = fields.List(Stored(ResultSchema), required=True)
    answers = fields.Dict(required=True)
    notes = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    position = fields.Nested(
        PositionSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Null where the reader may not see the (confidential) point"},
    )


class InspectionListArgsSchema(PageArgsSchema):
    location = fields.String(metadata={"description": "Location code"})
    since = StorableDateTime(metadata={"description": "observed_at from (inclusive)"})
    until = StorableDateTime(metadata={"description": "observed_at until (inclusive)"})
    status = fields.String(validate=validate.OneOf(STATUSES))


class InspectionPageSchema(PageSchema):
    items = fields.List(fields.Nested(InspectionOutSchema), required=True)
