"""Schemas of reports: their states, the hearing's reactions and the documents' options."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from inspection.vocabulary import REPORT_STATES
from schemas.common import PageArgsSchema, PageSchema

LANGUAGES = ("nl", "en")


class ReportLocationSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    municipality = fields.String(required=True)
    province = fields.String(required=True)
    masked = fields.Boolean(
        required=True, metadata={"description": "A confidential location shown without identity"}
    )


class ReactionOutSchema(Schema):
    author = fields.String(allow_none=True, required=True)
    submitted_at = fields.DateTime(required=True)
    text = fields.String(required=True)
    corrections = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class DocumentLinksSchema(Schema):
    html = fields.String(required=True)
    pdf = fields.String(required=True)


class ReportOutSchema(Schema):
    id = fields.Integer(required=True)
    inspection = fields.String(
        allow_none=True, required=True, metadata={"description": "Null for viewers"}
    )
    location = fields.Nested(ReportLocationSchema, required=True)
    observed_at = fields.DateTime(required=True, metadata={"description": "The visit"})
    state = fields.String(required=True, validate=validate.OneOf(REPORT_STATES))
    created_at = fields.DateTime(required=True)
    created_by = fields.String(allow_none=True, required=True)
    sent_at = fields.DateTime(allow_none=True, required=True)
    sent_by = fields.String(allow_none=True, required=True)
    reaction_due = fields.Date(
        allow_none=True,
        required=True,
        metadata={"description": "The last day (Europe/Amsterdam) the location may react"},
    )
    adopted_at = fields.DateTime(allow_none=True, required=True)
    adopted_by = fields.String(allow_none=True, required=True)
    handling = fields.String(
        allow_none=True, required=True, metadata={"description": "How the reaction was weighed"}
    )
    published_at = fields.DateTime(allow_none=True, required=True)
    published_by = fields.String(allow_none=True, required=True)
    reactions = fields.List(fields.Nested(ReactionOutSchema), required=True)
    actions = fields.List(
        fields.String(validate=validate.OneOf(("send", "react", "adopt", "publish"))),
        required=True,
        metadata={"description": "What the caller may do with the report now"},
    )
    document = fields.Nested(DocumentLinksSchema, required=True)


class ReportPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReportOutSchema), required=True)


class ReportListArgsSchema(PageArgsSchema):
    location = fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "Location code"}
    )
    state = fields.String(validate=validate.OneOf(REPORT_STATES))


class ReactionCreateSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    corrections = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=32)),
        values=fields.String(validate=validate.Length(min=1, max=5000)),
        load_default=dict,
        metadata={"description": "Norm code -> the correction the location asks for"},
    )


class AdoptSchema(Schema):
    handling = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20_000),
        metadata={"description": "How the location's reaction was weighed"},
    )


class DocumentArgsSchema(Schema):
    lang = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))


class NationalArgsSchema(DocumentArgsSchema):
    as_of = fields.Date(
        # The trend reaches two years back from it.
        validate=validate.Range(min=date(1900, 1, 1), max=date(9998, 12, 31)),
        metadata={"description": "The picture at the end of this day (Europe/Amsterdam); today"},
    )
