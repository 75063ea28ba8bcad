"""Schemas of scores and per-norm results, shared by inspections and locations."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from inspection.engine import OUTCOMES, SEVERITIES
from inspection.vocabulary import INSPECTION_STATUSES


class Stored(fields.Nested):
    """A nested value read in its JSON form: documented by its schema, dumped as is.

    Per-norm results are written once by the engine; running them through the
    nested schema again on every response only costs time.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class LabelSchema(Schema):
    nl = fields.String(required=True)
    en = fields.String(required=True)


class NormSetRefSchema(Schema):
    catalogue = fields.String(required=True)
    version = fields.String(required=True)


class DomainScoreSchema(Schema):
    score = fields.Float(allow_none=True, required=True)
    failed = fields.List(fields.String(), required=True)


class ScoreSchema(Schema):
    overall = fields.Float(allow_none=True, required=True, metadata={"description": "0-100"})
    status = fields.String(required=True, validate=validate.OneOf(INSPECTION_STATUSES))
    coverage = fields.Float(allow_none=True, required=True, metadata={"description": "percent"})
    domains = fields.Dict(
        keys=fields.String(), values=fields.Nested(DomainScoreSchema), required=True
    )


class ResultSchema(Schema):
    norm = fields.String(required=True)
    domain = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    value = fields.Raw(
        allow_none=True,
        required=True,
        metadata={
            "description": "The measured value (a number, true/false or a choice); "
            "null for combined rules and infinity",
            "anyOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}],
        },
    )
    threshold = fields.Dict(allow_none=True, required=True)
    critical = fields.Boolean(required=True)


class FailedNormSchema(ResultSchema):
    title = fields.Nested(LabelSchema, required=True)
