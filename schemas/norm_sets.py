"""Schemas of norm sets and of the checklist form a phone shows."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from schemas.scores import LabelSchema


class NormSetSummarySchema(Schema):
    catalogue = fields.String(required=True)
    version = fields.String(required=True)
    valid_from = fields.Date(required=True)
    title = fields.Nested(LabelSchema, attribute="document.title", required=True)
    loaded_at = fields.DateTime(required=True)
    norms = fields.Function(
        lambda ns: len(ns.document["norms"]),
        required=True,
        metadata={"type": "integer", "description": "How many norms the version holds"},
    )


class NormSetOutSchema(NormSetSummarySchema):
    document = fields.Dict(required=True, metadata={"description": "The document as loaded"})


class NormSetDocumentSchema(Schema):
    """A norm set document (docs/norms.md); checked in full by the norm set validator."""

    class Meta:
        unknown = INCLUDE

    catalogue = fields.String(required=True)
    version = fields.String(required=True)
    valid_from = fields.Date(required=True)
    title = fields.Dict(required=True)
    domains = fields.List(fields.Dict(), required=True)
    items = fields.List(fields.Dict(), required=True)
    norms = fields.List(fields.Dict(), required=True)


class FormArgsSchema(Schema):
    on = fields.Date(
        load_default=None, metadata={"description": "Date of the visit; default today (Amsterdam)"}
    )
    lang = fields.String(load_default="nl", validate=validate.OneOf(("nl", "en")))


class ChoiceOutSchema(Schema):
    value = fields.Raw(
        required=True,
        metadata={
            "anyOf": [{"type": "string"}, {"type": "integer"}],
            "description": "What the answer holds when this choice is picked",
        },
    )
    label = fields.String(required=True)


class FormItemSchema(Schema):
    code = fields.String(required=True)
    type = fields.String(required=True)
    label = fields.String(required=True)
    help = fields.String(allow_none=True, required=True)
    unit = fields.String(allow_none=True, required=True)
    min = fields.Float(allow_none=True, required=True)
    max = fields.Float(allow_none=True, required=True)
    max_item = fields.String(allow_none=True, required=True)
    choices = fields.List(fields.Nested(ChoiceOutSchema), required=True)


class FormNormSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    severity = fields.String(required=True)
    items = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The items the norm depends on, in the order of the form"},
    )


class FormGroupSchema(Schema):
    code = fields.String(required=True, metadata={"description": "A domain code, or 'general'"})
    title = fields.String(required=True)
    items = fields.List(fields.Nested(FormItemSchema), required=True)
    norms = fields.List(fields.Nested(FormNormSchema), required=True)


class FormSchema(Schema):
    catalogue = fields.String(required=True)
    version = fields.String(required=True)
    valid_from = fields.Date(required=True)
    location_type = fields.String(required=True)
    on = fields.Date(required=True)
    lang = fields.String(required=True)
    groups = fields.List(fields.Nested(FormGroupSchema), required=True)
