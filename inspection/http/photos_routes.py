"""Photos of an inspection: upload, list, fetch."""

from __future__ import annotations

from typing import Any

from flask import Response

from inspection.http.multipart import MultipartBlueprint
from inspection.http.security import current_user, requires
from inspection.http.uploads import IMAGE_RESPONSE, image_response, uploaded_photo
from inspection.photos import add_photo, photo_of, photos_of
from inspection.scope import visible_inspection
from inspection.vocabulary import INSPECTION_READERS, SUBMITTERS
from schemas.common import ErrorSchema
from schemas.photos import PhotoOutSchema, PhotoUploadSchema

blp = MultipartBlueprint("photos", __name__, url_prefix="/api/v1/inspections", description="Photos")


@blp.route("/<inspection_id>/photos", methods=["POST"])
@requires(blp, *SUBMITTERS)
@blp.arguments(PhotoUploadSchema, location="form_and_files")
@blp.response(201, PhotoOutSchema)
@blp.alt_response(200, schema=PhotoOutSchema, description="A resend: already stored")
@blp.alt_response(404, schema=ErrorSchema, description="No such inspection in your scope")
@blp.alt_response(413, schema=ErrorSchema, description="Photo too large")
@blp.alt_response(415, schema=ErrorSchema, description="Not a JPEG or PNG")
def post_photo(form: dict[str, Any], inspection_id: str) -> Any:
    """Add a photo (multipart field `photo`), optionally for one norm (`norm`)."""
    inspection = visible_inspection(current_user(), inspection_id)
    data, photo_id = uploaded_photo(form)
    photo, created = add_photo(inspection, data, current_user(), form["norm"], photo_id)
    return photo, 201 if created else 200


@blp.route("/<inspection_id>/photos", methods=["GET"])
@requires(blp, *INSPECTION_READERS)
@blp.response(200, PhotoOutSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such inspection in your scope")
def list_photos(inspection_id: str) -> Any:
    """The photos of an inspection."""
    return photos_of(visible_inspection(current_user(), inspection_id))


@blp.route("/<inspection_id>/photos/<photo_id>", methods=["GET"])
@requires(blp, *INSPECTION_READERS)
@blp.doc(responses=IMAGE_RESPONSE)
@blp.alt_response(404, schema=ErrorSchema, description="No such photo in your scope")
def get_photo(inspection_id: str, photo_id: str) -> Response:
    """The image itself (JPEG or PNG, metadata removed)."""
    return image_response(photo_of(visible_inspection(current_user(), inspection_id), photo_id))
