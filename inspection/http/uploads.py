"""Photo uploads and the images served back, alike for every endpoint that takes or gives one."""

from __future__ import annotations

from typing import Any, Protocol

from flask import Response, current_app

# How the OpenAPI document describes an image served back.
_IMAGE = {"schema": {"type": "string", "format": "binary"}}
IMAGE_RESPONSE = {
    "200": {
        "description": "The image, metadata removed",
        "content": {"image/jpeg": _IMAGE, "image/png": _IMAGE},
    }
}


class StoredImage(Protocol):
    content_type: str
    data: bytes


def uploaded_photo(form: dict[str, Any]) -> tuple[bytes, str | None]:
    """The bytes of the form's ``photo`` and the client's id for it (None without one).

    At most one byte past ``PHOTO_MAX_BYTES`` is read: enough for the service
    to refuse the photo by its size (413) without holding more of it.
    """
    data = form["photo"].read(current_app.config["PHOTO_MAX_BYTES"] + 1)
    return data, str(form["id"]) if form["id"] else None


def image_response(image: StoredImage) -> Response:
    """A stored photo as its own type, never sniffed as another, cached by the browser only."""
    response = Response(image.data, mimetype=image.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
