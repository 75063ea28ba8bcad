"""Exports and maps: the national picture as GeoJSON, GeoPackage, CSV, region counts and a PNG.

Every role may export; managers get their own locations, and every role but
coordinator gets confidential locations generalised (``inspection.picture``).
Responses carry an ETag and answer 304 to a matching If-None-Match
(``inspection.exports``).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from geodata.exports import CSV_DIALECTS
from inspection.exports import (
    CSV,
    GEOJSON,
    GEOPACKAGE,
    PNG,
    Export,
    location_export,
    locations_map,
    regions_export,
    today,
)
from inspection.http.conditional import conditional
from inspection.http.downloads import content_disposition, download_name
from inspection.http.security import current_user, requires
from schemas.exports import (
    BINARY,
    TEXT,
    CsvArgsSchema,
    ExportArgsSchema,
    LocationCollectionSchema,
    MapArgsSchema,
    RegionArgsSchema,
    RegionCollectionSchema,
)

blp = Blueprint("exports", __name__, url_prefix="/api/v1", description="Exports and maps")

NOT_MODIFIED = "Not modified: the If-None-Match ETag still holds"


@blp.route("/exports/locations.geojson", methods=["GET"])
@requires(blp)
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, LocationCollectionSchema, content_type=GEOJSON)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_geojson(args: dict[str, Any]) -> Response:
    """The locations as an RFC 7946 FeatureCollection with the status of their latest inspection."""
    return _answer(location_export("geojson", args, current_user()), args)


@blp.route("/exports/locations.gpkg", methods=["GET"])
@requires(blp)
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, BINARY, content_type=GEOPACKAGE)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_geopackage(args: dict[str, Any]) -> Response:
    """The locations as a GeoPackage (layer ``locations``; lists comma-separated)."""
    return _answer(location_export("gpkg", args, current_user()), args)


@blp.route("/exports/locations.csv", methods=["GET"])
@requires(blp)
@blp.arguments(CsvArgsSchema, location="query")
@blp.response(200, TEXT, content_type=CSV)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_csv(args: dict[str, Any]) -> Response:
    """The locations as CSV with latitude/longitude columns.

    `dialect=rfc4180` (the default) is for programs: comma-separated, dot
    decimals, values as stored, lists `;`-separated. `dialect=excel-nl` is
    for Dutch spreadsheets: UTF-8 with BOM, `;`-separated, decimal commas,
    lists `,`-separated, cells that would run as a formula prefixed with `'`.

    After `longitude`, a column per count a stored norm set asks with a norm
    (2026.1: `children_over_stay_limit`,
    `school_age_children_without_school_over_90_days`, `children_moved_over_limit`):
    the location's number from its latest visit up to `as_of` that answered it,
    empty where the version in force does not ask it there or none answered it.
    The national report's "Children counted" sums these columns.
    """
    return _answer(location_export("csv", args, current_user()), args)


@blp.route("/exports/regions.geojson", methods=["GET"])
@requires(blp)
@blp.arguments(RegionArgsSchema, location="query")
@blp.response(200, RegionCollectionSchema, content_type=GEOJSON)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_regions(args: dict[str, Any]) -> Response:
    """Counts per province or municipality: polygons where boundaries were loaded, else points."""
    return _answer(regions_export(args, current_user()), args)


@blp.route("/maps/locations.png", methods=["GET"])
@requires(blp)
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, BINARY, content_type=PNG)
@blp.alt_response(304, description=NOT_MODIFIED)
def map_png(args: dict[str, Any]) -> Response:
    """A map of the locations coloured by status, for reports (``size`` phone or a4)."""
    return _answer(locations_map(args, current_user()), args)


def _answer(export: Export, args: dict[str, Any]) -> Response:
    def build() -> Response:
        response = Response(export.render(), mimetype=export.media_type)
        stem, _, extension = export.filename.rpartition(".")
        # The default CSV dialect goes unnamed: ``locations_<date>.csv`` is the plain file.
        named = {k: v for k, v in args.items() if (k, v) != ("dialect", CSV_DIALECTS[0])}
        name = download_name(stem, extension, args.get("as_of") or today(), named)
        response.headers["Content-Disposition"] = content_disposition(name, inline=export.inline)
        return response

    return conditional(export.etag, build, weak=export.weak, confidential=export.confidential)
