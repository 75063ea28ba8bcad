"""Schemas of location types: adding one, showing one, and checking a type a request names."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from inspection.models.location_type import location_type_codes
from inspection.vocabulary import LOCATION_TYPE_CODE, LOCATION_TYPE_KINDS, RESPONSIBLE_PARTIES


def known_location_type(value: str) -> None:
    """A field naming a location type must name one that exists."""
    codes = location_type_codes()
    if value not in codes:
        raise ValidationError(f"Unknown location type; use one of: {', '.join(codes)}.")


def _name() -> validate.Validator:
    return validate.Length(min=1, max=100)


class LocationTypeSchema(Schema):
    """A location type: how the system calls it, what kind it is and who answers for it."""

    code = fields.String(
        required=True,
        validate=validate.Regexp(
            LOCATION_TYPE_CODE,
            error="Use 2-32 lower-case letters, digits or hyphens, starting with a letter.",
        ),
        metadata={"description": "Used in locations, norm sets (applies_to) and forms"},
    )
    name_nl = fields.String(required=True, validate=_name())
    name_en = fields.String(required=True, validate=_name())
    kind = fields.String(required=True, validate=validate.OneOf(LOCATION_TYPE_KINDS))
    responsible = fields.String(
        required=True,
        validate=validate.OneOf(RESPONSIBLE_PARTIES),
        metadata={"description": "Who answers for reception of this type"},
    )
