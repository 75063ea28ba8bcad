"""GET /locations/{code}/scores.svg: the score history of a location as an SVG chart."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.inspections import score_series
from inspection.scope import visible_location
from inspection.web.score_chart import ChartPoint, score_chart_svg
from schemas.common import ErrorSchema

blp = Blueprint(
    "charts", __name__, url_prefix="/api/v1/locations", description="Charts of locations"
)


@blp.route("/<code>/scores.svg", methods=["GET"])
@requires(blp)
@blp.doc(
    responses={
        "200": {
            "description": "An SVG line chart, one point (circle.point) per inspection",
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
        }
    }
)
@blp.alt_response(404, schema=ErrorSchema, description="No such location in your scope")
def get_score_chart(code: str) -> Response:
    """The score of every inspection of a location as a chart (the same scope as `/scores`)."""
    location = visible_location(current_user(), code)
    points = [
        ChartPoint(
            inspection=inspection.id,
            observed_at=inspection.observed_at_local,
            overall=inspection.overall,
            status=inspection.status,
        )
        for inspection in score_series(location)
    ]
    svg = score_chart_svg(points, f"Scoreverloop van {location.name}")
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image may not run or fetch anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
