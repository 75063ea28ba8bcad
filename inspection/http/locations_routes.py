"""Locations: the list with latest statuses, one location, its score series; changes."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.inspections import latest_inspection, locations_with_latest, paginate, score_series
from inspection.location_views import present_location
from inspection.locations import create_location, update_location
from inspection.models import Location
from inspection.scope import generalised_positions, location_clause, visible_location
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
@blp.arguments(LocationListArgsSchema, location="query")
@blp.response(200, LocationPageSchema)
@requires(blp)
def list_locations(args: dict[str, Any]) -> dict[str, Any]:
    """The locations you may see, with the status of their latest inspection."""
    user = current_user()
    where = [location_clause(user)]
    for field in ("type", "province", "municipality"):
        if args.get(field):
            where.append(getattr(Location, field) == args[field])
    query = locations_with_latest(where, status=args.get("status") or ())
    rows, total = paginate(query, args["page"], args["per_page"])
    positions = generalised_positions()
    return {
        "items": [present_location(user, loc, latest, positions) for loc, latest in rows],
        "total": total,
        "page": args["page"],
        "per_page": args["per_page"],
    }


@blp.route("/<code>", methods=["GET"])
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
@requires(blp)
def get_location(code: str) -> Any:
    """One location with its latest score and the norms it failed."""
    user = current_user()
    location = visible_location(user, code)
    return present_location(
        user, location, latest_inspection(location), generalised_positions(), True
    )


@blp.route("/<code>/scores", methods=["GET"])
@blp.response(200, ScorePointSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
@requires(blp)
def get_scores(code: str) -> Any:
    """The score of every inspection of a location, oldest visit first."""
    return score_series(visible_location(current_user(), code))


@blp.route("", methods=["POST"])
@blp.arguments(LocationCreateSchema)
@blp.response(201, LocationDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The code is taken")
@requires(blp, "coordinator")
def post_location(data: dict[str, Any]) -> Any:
    """Add a location."""
    location = create_location(data, current_user())
    return present_location(current_user(), location, None, {}, True)


@blp.route("/<code>", methods=["PATCH"])
@blp.arguments(LocationUpdateSchema(partial=True))
@blp.response(200, LocationDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such location")
@requires(blp, "coordinator")
def patch_location(changes: dict[str, Any], code: str) -> Any:
    """Change a location (the code never changes)."""
    location = update_location(visible_location(current_user(), code), changes, current_user())
    return present_location(current_user(), location, latest_inspection(location), {}, True)
