"""Schemas of user accounts: creating one, changing one, and how one is shown."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inspection.vocabulary import ROLES
from schemas.common import PageArgsSchema, PageSchema

USERNAME = r"^[a-z0-9][a-z0-9._-]{1,63}$"
PASSWORD_RULES = (
    "At least 12 characters and not easy to guess (judged by zxcvbn: no common words or "
    "names alone, keyboard walks, repeats or dates); a few uncommon words work well."
)


def _password(required: bool) -> fields.String:
    return fields.String(
        required=required,
        load_only=True,
        validate=validate.Length(max=1024),
        metadata={"description": PASSWORD_RULES},
    )


def _locations() -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(max=1000),
        metadata={"description": "Location codes; only managers are scoped to locations"},
    )


class UserCreateSchema(Schema):
    """A new account."""

    username = fields.String(
        required=True,
        validate=validate.Regexp(
            USERNAME, error="Use 2-64 lower-case letters, digits, dots, hyphens or underscores."
        ),
    )
    password = _password(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    locations = _locations()


class UserUpdateSchema(Schema):
    """A change to an account: any of these, the username never changes.

    Deactivating (``active: false``) or a new password revokes the user's tokens.
    """

    role = fields.String(validate=validate.OneOf(ROLES))
    locations = _locations()
    active = fields.Boolean()
    password = _password(required=False)


class _LocationCodeSchema(Schema):
    code = fields.String(required=True)


class UserOutSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    active = fields.Boolean(required=True)
    locations = fields.Pluck(_LocationCodeSchema, "code", many=True, required=True)
    created_at = fields.DateTime(required=True)


class UserListArgsSchema(PageArgsSchema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class UserPageSchema(PageSchema):
    items = fields.List(fields.Nested(UserOutSchema), required=True)
