"""Schemas of findings and of the responses of locations to them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from inspection.storable import text_problem
from inspection.vocabulary import FINDING_RECORD_STATES, SEVERITIES
from schemas.common import PageArgsSchema, PageSchema
from schemas.photos import ImageUploadSchema
from schemas.scores import LabelSchema

MAX_RESPONSE_LENGTH = 2000


def _storable(text: str) -> None:
    problem = text_problem(text)
    if problem:
        raise ValidationError(problem)


class FindingListArgsSchema(PageArgsSchema):
    location = fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "Location code"}
    )
    state = fields.String(
        load_default="open",
        validate=validate.OneOf([*FINDING_RECORD_STATES, "all"]),
        metadata={"description": "open (the default), resolved, lapsed, withdrawn or all"},
    )
    overdue = fields.Boolean(
        metadata={"description": "true: open past the deadline; false: all others"}
    )
    severity = fields.String(validate=validate.OneOf(SEVERITIES))


class FindingPhotoSchema(Schema):
    id = fields.String(required=True)
    content_type = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    size_bytes = fields.Integer(required=True)
    uploaded_at = fields.DateTime(required=True)
    url = fields.String(required=True, metadata={"description": "Where to GET the image (a path)"})


class ResponseCreateSchema(Schema):
    id = fields.UUID(
        load_default=None,
        metadata={"description": "Made by the client to make resends safe; else the service's"},
    )
    text = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=MAX_RESPONSE_LENGTH),
            validate.Regexp(r"\s*\S", error="must not be blank"),
            _storable,
        ],
        metadata={"description": "What was done or is planned"},
    )
    planned_date = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "When the repair is planned or was done (YYYY-MM-DD)"},
    )


class ResponseOutSchema(Schema):
    id = fields.String(required=True)
    author = fields.String(required=True)
    text = fields.String(required=True)
    planned_date = fields.Date(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    photos = fields.List(fields.Nested(FindingPhotoSchema), required=True)


class FindingOutSchema(Schema):
    id = fields.Integer(required=True)
    location = fields.String(required=True)
    norm = fields.String(required=True)
    title = fields.Nested(LabelSchema, allow_none=True, required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    state = fields.String(required=True, validate=validate.OneOf(FINDING_RECORD_STATES))
    opened_at = fields.DateTime(
        required=True, metadata={"description": "When the failing visit took place"}
    )
    deadline = fields.Date(
        required=True,
        metadata={"description": "The local date of opened_at plus the days for its severity"},
    )
    follow_up_days = fields.Integer(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "Open after its deadline"})
    repeats = fields.Integer(
        required=True, metadata={"description": "Later visits that found it failing again"}
    )
    resolved_at = fields.DateTime(allow_none=True, required=True)
    closed_at = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "When a visit resolved it or found the norm not applicable"},
    )
    closed_by = fields.String(
        allow_none=True, required=True, metadata={"description": "That visit's inspection id"}
    )
    value = fields.Raw(
        allow_none=True,
        required=True,
        metadata={
            "description": "The value its latest failing visit measured",
            "anyOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}],
        },
    )
    threshold = fields.Dict(allow_none=True, required=True)
    inspections = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The failing visits, the one that opened it first"},
    )
    responses = fields.List(fields.Nested(ResponseOutSchema), required=True)


class FindingPageSchema(PageSchema):
    items = fields.List(fields.Nested(FindingOutSchema), required=True)


class ResponsePhotoUploadSchema(ImageUploadSchema):
    """A photo as evidence for a response."""
