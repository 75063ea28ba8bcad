"""Locations: the list with latest statuses, one location, its score series; changes."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.inspections import page_of
from inspection.location_views import (
    location_for,
    location_view,
    locations_for,
    score_history_for,
)
from inspection.locations import create_location, update_location
from inspection.scope import visible_location
from inspection.vocabulary import COORDINATOR
from schemas.common import ErrorSchema
from schemas.locations import (
    LocationCreateSchema,
    LocationDetailSchema,
    LocationListArgsSchema,
    LocationPageSchema,
    LocationUpdateSchema,
    ScorePointSchema,
)

blp = Blueprint("locations", __name__, url_prefix="/api/v1/locations", description="Locations")


@blp.route("", methods=["GET"])
@requires(blp)
@blp.arguments(LocationListArgsSchema, location="query")
@blp.response(200, LocationPageSchema)
def list_locations(args: dict[str, Any]) -> dict[str, Any]:
    """The locations you may see, with their current picture and latest visit."""
    locations, total = locations_for(current_user(), **args)
    return page_of(locations, total, args)


@blp.route("/<code>", methods=["GET"])
@requires(blp)
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_location(code: str) -> Any:
    """One location with its current picture, the norms it fails and since when."""
    return location_for(current_user(), code)


@blp.route("/<code>/scores", methods=["GET"])
@requires(blp)
@blp.response(200, ScorePointSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_scores(code: str) -> Any:
    """Every visit of a location, oldest first: its own score, and the location's picture after it.

    `overall`, `coverage`, `status` and `domains` are the visit's own; `picture`
    is the location's current picture as it stood at the end of the visit's
    local day, which a partial follow-up visit does not wipe clean. `inspection`
    names the visit, null for viewers (who see no single visits).
    """
    user = current_user()
    return score_history_for(user, visible_location(user, code))


@blp.route("", methods=["POST"])
@requires(blp, COORDINATOR)
@blp.arguments(LocationCreateSchema)
@blp.response(201, LocationDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The code is taken")
def post_location(data: dict[str, Any]) -> Any:
    """Add a location."""
    location = create_location(data, current_user())
    return location_view(current_user(), location)


@blp.route("/<code>", methods=["PATCH"])
@requires(blp, COORDINATOR)
@blp.arguments(LocationUpdateSchema(partial=True))
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location")
def patch_location(changes: dict[str, Any], code: str) -> Any:
    """Change a location (the code never changes)."""
    location = update_location(visible_location(current_user(), code), changes, current_user())
    return location_view(current_user(), location)
