"""Schemas shared by every endpoint: errors and pagination."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Problems per field path, e.g. answers.toilets_working"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class NoBodySchema(Schema):
    """The body of a move that takes none: absent, or ``{}``. Anything else is refused, so
    that a client sending fields it believes mean something learns they do not."""


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class PageSchema(Schema):
    """The envelope of a paginated list; subclasses set ``items``."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class StorableDateTime(fields.AwareDateTime):
    """A date-time with a UTC offset that also lies within the years 1 to 9999 in UTC.

    ``0001-01-01T00:30:00+01:00`` parses, but is a moment before year 1 in
    UTC: neither database nor Python can hold it.
    """

    default_error_messages = {"range": "must lie within the years 1 to 9999 in UTC"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment.astimezone(UTC)
        except OverflowError as exc:
            raise self.make_error("range") from exc
        return moment
