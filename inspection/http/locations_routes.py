"""Locations: the list with latest statuses, one location, its score series; changes."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.confidentiality import generalised_positions, listing_order
from inspection.http.security import current_user, requires
from inspection.inspections import (
    latest_inspection,
    locations_with_latest,
    page_of,
    paginate,
    score_series,
)
from inspection.location_views import present_location
from inspection.locations import create_location, update_location
from inspection.models import Location
from inspection.scope import location_clause, visible_location
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
    """The locations you may see, with the status of their latest inspection."""
    user = current_user()
    where = [location_clause(user)]
    for field in ("type", "province", "municipality"):
        if args.get(field):
            where.append(getattr(Location, field) == args[field])
    query = locations_with_latest(where, args.get("status") or (), order_by=listing_order(user))
    rows, total = paginate(query, args["page"], args["per_page"])
    positions = generalised_positions()
    return page_of(
        [present_location(user, loc, latest, positions) for loc, latest in rows], total, args
    )


@blp.route("/<code>", methods=["GET"])
@requires(blp)
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_location(code: str) -> Any:
    """One location with its latest score and the norms it failed."""
    user = current_user()
    location = visible_location(user, code)
    return present_location(
        user, location, latest_inspection(location), generalised_positions(), True
    )


@blp.route("/<code>/scores", methods=["GET"])
@requires(blp)
@blp.response(200, ScorePointSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_scores(code: str) -> Any:
    """The score of every inspection of a location, oldest visit first."""
    return score_series(visible_location(current_user(), code))


@blp.route("", methods=["POST"])
@requires(blp, "coordinator")
@blp.arguments(LocationCreateSchema)
@blp.response(201, LocationDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The code is taken")
def post_location(data: dict[str, Any]) -> Any:
    """Add a location."""
    location = create_location(data, current_user())
    return present_location(current_user(), location, None, {}, True)


@blp.route("/<code>", methods=["PATCH"])
@requires(blp, "coordinator")
@blp.arguments(LocationUpdateSchema(partial=True))
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location")
def patch_location(changes: dict[str, Any], code: str) -> Any:
    """Change a location (the code never changes)."""
    location = update_location(visible_location(current_user(), code), changes, current_user())
    return present_location(current_user(), location, latest_inspection(location), {}, True)
