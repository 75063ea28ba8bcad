"""Schemas of photos: of inspections, and what every photo upload sends."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class ImageUploadSchema(Schema):
    """What every photo upload sends: the image and the client's id for it."""

    photo = Upload(required=True, metadata={"description": "A JPEG or PNG image"})
    id = fields.UUID(
        load_default=None, metadata={"description": "Made by the client; makes resends safe"}
    )


class PhotoUploadSchema(ImageUploadSchema):
    norm = fields.String(
        load_default=None, validate=validate.Length(max=32), metadata={"description": "A norm code"}
    )


class PhotoOutSchema(Schema):
    id = fields.String(required=True)
    inspection = fields.String(attribute="inspection_id", required=True)
    norm = fields.String(allow_none=True, required=True)
    content_type = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    size_bytes = fields.Integer(required=True)
    uploaded_at = fields.DateTime(required=True)
    url = fields.Function(
        lambda p: f"/api/v1/inspections/{p.inspection_id}/photos/{p.id}",
        required=True,
        metadata={"type": "string", "description": "Where to GET the image (a path)"},
    )
