"""Findings: the failures followed per location, and the responses of its manager."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from inspection.findings import (
    add_response,
    add_response_photo,
    findings_for,
    present_finding,
    present_photo,
    present_response,
    response_of,
    response_photo,
    today,
    visible_finding,
)
from inspection.http.multipart import MultipartBlueprint
from inspection.http.security import current_user, requires
from inspection.http.uploads import IMAGE_RESPONSE, image_response, uploaded_photo
from inspection.inspections import page_of
from inspection.vocabulary import FINDING_READERS, FINDING_RESPONDERS
from schemas.common import ErrorSchema
from schemas.findings import (
    FindingListArgsSchema,
    FindingOutSchema,
    FindingPageSchema,
    FindingPhotoSchema,
    ResponseCreateSchema,
    ResponseOutSchema,
    ResponsePhotoUploadSchema,
)

blp = Blueprint("findings", __name__, url_prefix="/api/v1/findings", description="Findings")
photos_blp = MultipartBlueprint(
    "finding_photos", __name__, url_prefix="/api/v1/findings", description="Findings"
)

_NOT_FOUND = "No such finding in your scope"


@blp.route("", methods=["GET"])
@requires(blp, *FINDING_READERS)
@blp.arguments(FindingListArgsSchema, location="query")
@blp.response(200, FindingPageSchema)
def list_findings(args: dict[str, Any]) -> dict[str, Any]:
    """Findings you may read (open ones unless `state` says otherwise), oldest first."""
    findings, total = findings_for(current_user(), **args)
    on = today()
    return page_of([present_finding(f, on) for f in findings], total, args)


@blp.route("/<int:finding_id>", methods=["GET"])
@requires(blp, *FINDING_READERS)
@blp.response(200, FindingOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description=_NOT_FOUND)
def get_finding(finding_id: int) -> dict[str, Any]:
    """One finding with its failing visits and the responses to it."""
    return present_finding(visible_finding(current_user(), finding_id))


@blp.route("/<int:finding_id>/responses", methods=["POST"])
@requires(blp, *FINDING_RESPONDERS)
@blp.arguments(ResponseCreateSchema)
@blp.response(201, ResponseOutSchema, description="Recorded")
@blp.alt_response(200, schema=ResponseOutSchema, description="A resend: already recorded")
@blp.alt_response(404, schema=ErrorSchema, description=_NOT_FOUND)
@blp.alt_response(409, schema=ErrorSchema, description="The id was used for another response")
def post_response(data: dict[str, Any], finding_id: int) -> Any:
    """Respond to a finding: what was done or is planned, and when (the location's manager).

    A response never closes the finding: only a visit that passes the norm does.
    """
    user = current_user()
    finding = visible_finding(user, finding_id)
    response, created = add_response(
        finding,
        user,
        data["text"],
        data["planned_date"],
        str(data["id"]) if data["id"] else None,
    )
    return present_response(response), 201 if created else 200


@photos_blp.route("/<int:finding_id>/responses/<response_id>/photos", methods=["POST"])
@requires(photos_blp, *FINDING_RESPONDERS)
@photos_blp.arguments(ResponsePhotoUploadSchema, location="form_and_files")
@photos_blp.response(201, FindingPhotoSchema)
@photos_blp.alt_response(200, schema=FindingPhotoSchema, description="A resend: already stored")
@photos_blp.alt_response(404, schema=ErrorSchema, description="No such response in your scope")
@photos_blp.alt_response(413, schema=ErrorSchema, description="Photo too large")
@photos_blp.alt_response(415, schema=ErrorSchema, description="Not a JPEG or PNG")
def post_response_photo(form: dict[str, Any], finding_id: int, response_id: str) -> Any:
    """Add a photo as evidence to a response (multipart field `photo`)."""
    user = current_user()
    response = response_of(visible_finding(user, finding_id), response_id)
    data, photo_id = uploaded_photo(form)
    photo, created = add_response_photo(response, data, user, photo_id)
    return present_photo(photo, finding_id), 201 if created else 200


@photos_blp.route("/<int:finding_id>/responses/<response_id>/photos/<photo_id>", methods=["GET"])
@requires(photos_blp, *FINDING_READERS)
@photos_blp.doc(responses=IMAGE_RESPONSE)
@photos_blp.alt_response(404, schema=ErrorSchema, description="No such photo in your scope")
def get_response_photo(finding_id: int, response_id: str, photo_id: str) -> Response:
    """A photo of a response (JPEG or PNG, metadata removed)."""
    response = response_of(visible_finding(current_user(), finding_id), response_id)
    return image_response(response_photo(response, photo_id))
