"""GET /locations/{code}/scores.svg: the score history of a location as an SVG chart."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.location_views import score_history_for
from inspection.scope import visible_location
from inspection.web.score_chart import ChartPoint, score_chart_svg
from schemas.common import ErrorSchema
from schemas.locations import ChartArgsSchema

blp = Blueprint(
    "charts", __name__, url_prefix="/api/v1/locations", description="Charts of locations"
)

TITLES = {  # per language of schemas.locations.CHART_LANGUAGES
    "nl": "Scoreverloop van {name}: de stand van de locatie na elk bezoek",
    "en": "Score history of {name}: the location's picture after each visit",
}


@blp.route("/<code>/scores.svg", methods=["GET"])
@requires(blp)
@blp.arguments(ChartArgsSchema, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "An SVG chart of the location's picture after each visit (one "
            "circle.point per visit, coloured by the picture's status, joined by steps), "
            "with each visit's own score as a hollow diamond (path.visit-score)",
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
        }
    }
)
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_score_chart(args: dict[str, Any], code: str) -> Response:
    """The location's score and status after each visit as a chart (the same as `/scores`)."""
    user = current_user()
    location = visible_location(user, code)
    points = [
        ChartPoint(
            inspection=point.id,
            observed_at=point.observed_at_local,
            overall=point.picture.overall,
            status=point.picture.status,
            visit_overall=point.overall,
            visit_status=point.status,
        )
        for point in score_history_for(user, location)
    ]
    title = TITLES[args["lang"]].format(name=location.name)
    svg = score_chart_svg(points, title, args["lang"])
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image may not run or fetch anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
