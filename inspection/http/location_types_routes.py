"""Location types: everyone logged in reads them; coordinators add one."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.location_types import add_location_type, location_types
from schemas.common import ErrorSchema
from schemas.location_types import LocationTypeSchema

blp = Blueprint(
    "location_types",
    __name__,
    url_prefix="/api/v1/location-types",
    description="Location types, kept as data",
)


@blp.route("", methods=["GET"])
@requires(blp)
@blp.response(200, LocationTypeSchema(many=True))
def list_location_types() -> Any:
    """Every location type: code, Dutch and English name, kind and who answers for it."""
    return location_types()


@blp.route("", methods=["POST"])
@requires(blp, "coordinator")
@blp.arguments(LocationTypeSchema)
@blp.response(201, LocationTypeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The code is taken")
def post_location_type(data: dict[str, Any]) -> Any:
    """Add a location type; norm sets can then name it in applies_to and thresholds."""
    return add_location_type(data, current_user())
