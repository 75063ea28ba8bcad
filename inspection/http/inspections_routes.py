"""Inspections: submitting a checklist and reading scored inspections."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.inspections import inspections_for, page_of
from inspection.location_views import InspectionForReader
from inspection.scope import visible_inspection
from inspection.submissions import Submission, submit_inspection
from inspection.vocabulary import INSPECTION_READERS, SUBMITTERS
from schemas.common import ErrorSchema
from schemas.inspections import (
    InspectionCreateSchema,
    InspectionListArgsSchema,
    InspectionOutSchema,
    InspectionPageSchema,
)

blp = Blueprint(
    "inspections", __name__, url_prefix="/api/v1/inspections", description="Inspections"
)


@blp.route("", methods=["POST"])
@requires(blp, *SUBMITTERS)
@blp.arguments(InspectionCreateSchema)
@blp.response(201, InspectionOutSchema, description="Stored and scored")
@blp.alt_response(200, schema=InspectionOutSchema, description="A resend: already stored")
@blp.alt_response(409, schema=ErrorSchema, description="The id was used for other content")
@blp.alt_response(413, schema=ErrorSchema, description="Body too large")
@blp.alt_response(415, schema=ErrorSchema, description="Body is not JSON")
def post_inspection(data: dict[str, Any]) -> Any:
    """Submit a checklist; it is scored against the norm set in force on the day of the visit.

    The phone's `id` makes this idempotent: the same id and content again
    answers 200 with the same body and stores nothing new.
    """
    submission = Submission.loaded(data)
    inspection, created = submit_inspection(submission, current_user())
    return inspection, 201 if created else 200


@blp.route("", methods=["GET"])
@requires(blp, *INSPECTION_READERS)
@blp.arguments(InspectionListArgsSchema, location="query")
@blp.response(200, InspectionPageSchema)
def list_inspections(args: dict[str, Any]) -> dict[str, Any]:
    """Inspections you may see, latest visit first."""
    user = current_user()
    inspections, total = inspections_for(user, **args)
    return page_of([InspectionForReader(i, user) for i in inspections], total, args)


@blp.route("/<inspection_id>", methods=["GET"])
@requires(blp, *INSPECTION_READERS)
@blp.response(200, InspectionOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such inspection in your scope")
def get_inspection(inspection_id: str) -> InspectionForReader:
    """One scored inspection."""
    user = current_user()
    return InspectionForReader(visible_inspection(user, inspection_id), user)
