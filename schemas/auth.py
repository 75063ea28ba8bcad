"""Schemas of logging in."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )


class SessionUserSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    locations = fields.List(fields.String(), required=True, metadata={"description": "Codes"})


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "Send as Authorization: Bearer"})
    expires_at = fields.DateTime(required=True)
    user = fields.Nested(SessionUserSchema, required=True)
