"""Exports and maps: the national picture as GeoJSON, GeoPackage, CSV, region counts and a PNG.

Every role may export; managers get their own locations, and every role but
coordinator gets confidential locations generalised (``geodata.picture``).
Responses carry an ETag and answer 304 to a matching If-None-Match.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint

from geodata.aggregation import (
    boundaries_version,
    region_summary,
    regions_to_geojson,
    share_below_by_region,
    shipped_credit,
    stored_regions,
)
from geodata.colours import STATUS_LABELS_NL
from geodata.exports import CSV_DIALECTS, to_csv, to_geojson, to_geopackage
from geodata.filters import (
    BINARY,
    TEXT,
    CsvArgsSchema,
    ExportArgsSchema,
    LocationCollectionSchema,
    MapArgsSchema,
    RegionArgsSchema,
    RegionCollectionSchema,
)
from geodata.maps import render_locations_map
from geodata.picture import BELOW, PictureFilter, data_version, known_domains, location_picture
from inspection.engine import AMSTERDAM
from inspection.errors import ValidationFailed
from inspection.http.downloads import content_disposition, download_name
from inspection.http.headers import matching_etag
from inspection.http.security import current_user, requires

blp = Blueprint("exports", __name__, url_prefix="/api/v1", description="Exports and maps")

GEOJSON = "application/geo+json"
GEOPACKAGE = "application/geopackage+sqlite3"
CSV = "text/csv"
PNG = "image/png"
# Part of the ETags made from inputs rather than bytes: bump it when a writer changes.
WRITERS_VERSION = b"2"
NOT_MODIFIED = "Not modified: the If-None-Match ETag still holds"
# Rendered GeoJSON/CSV bodies kept per process (a 10,000-location GeoJSON is ~6 MB).
RENDERED_EXPORTS = 6


@blp.route("/exports/locations.geojson", methods=["GET"])
@requires(blp)
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, LocationCollectionSchema, content_type=GEOJSON)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_geojson(args: dict[str, Any]) -> Response:
    """The locations as an RFC 7946 FeatureCollection with the status of their latest inspection."""
    body, etag = _rendered("geojson", args, to_geojson)
    return _conditional(etag, False, lambda: _download(body, GEOJSON, "locations", "geojson", args))


@blp.route("/exports/locations.gpkg", methods=["GET"])
@requires(blp)
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, BINARY, content_type=GEOPACKAGE)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_geopackage(args: dict[str, Any]) -> Response:
    """The locations as a GeoPackage (layer ``locations``; lists comma-separated)."""
    etag = _digest(b"gpkg", WRITERS_VERSION, _picture_etag(args).encode())
    return _conditional(
        etag,
        True,
        lambda: _download(to_geopackage(_picture(args)), GEOPACKAGE, "locations", "gpkg", args),
    )


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
    """
    body, etag = _rendered("csv", args, lambda picture: to_csv(picture, args["dialect"]))
    # The default dialect goes unnamed: ``locations_<date>.csv`` is the plain file.
    named = {k: v for k, v in args.items() if (k, v) != ("dialect", CSV_DIALECTS[0])}
    return _conditional(etag, False, lambda: _download(body, CSV, "locations", "csv", named))


@blp.route("/exports/regions.geojson", methods=["GET"])
@requires(blp)
@blp.arguments(RegionArgsSchema, location="query")
@blp.response(200, RegionCollectionSchema, content_type=GEOJSON)
@blp.alt_response(304, description=NOT_MODIFIED)
def export_regions(args: dict[str, Any]) -> Response:
    """Counts per province or municipality: polygons where boundaries were loaded, else points."""
    summary = region_summary(args["level"], args.get("as_of"), user=current_user())
    body = regions_to_geojson(summary)
    return _conditional(
        _digest(body), False, lambda: _download(body, GEOJSON, "regions", "geojson", args)
    )


@blp.route("/maps/locations.png", methods=["GET"])
@requires(blp)
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, BINARY, content_type=PNG)
@blp.alt_response(304, description=NOT_MODIFIED)
def map_png(args: dict[str, Any]) -> Response:
    """A map of the locations coloured by status, for reports (``size`` phone or a4)."""
    day = args.get("as_of") or today()
    filters_text = _filters_text(args)
    regions = share_below_by_region(
        args.get("as_of"), user=current_user(), filters=PictureFilter.from_args(args)
    )
    outline = stored_regions("province")
    etag = _digest(
        b"png",
        WRITERS_VERSION,
        args["size"].encode(),
        day.isoformat().encode(),
        filters_text.encode(),
        repr(current_app.config["SERVICE_AREA"]).encode(),
        _picture_etag(args).encode(),
        repr(boundaries_version()).encode(),
        b"" if regions is None else regions.drop(columns="geometry").to_json().encode(),
    )
    return _conditional(
        etag,
        True,
        lambda: _download(
            render_locations_map(
                _picture(args),
                size=args["size"],
                day=day,
                extent=current_app.config["SERVICE_AREA"],
                filters_text=filters_text,
                regions=regions,
                outline=outline,
                credit=shipped_credit("province"),
            ),
            PNG,
            "locations-map",
            "png",
            args,
            inline=True,
        ),
    )


def _picture(args: dict[str, Any]) -> Any:
    filters = PictureFilter.from_args(args)
    if filters.domain and filters.domain not in known_domains():
        raise ValidationFailed(
            "The request has invalid fields",
            {"domain": [f"Unknown domain; known: {', '.join(known_domains()) or 'none'}"]},
        )
    return location_picture(args.get("as_of"), user=current_user(), filters=filters)


def _rendered(kind: str, args: dict[str, Any], render: Callable[[Any], bytes]) -> tuple[bytes, str]:
    """An export's bytes and ETag, kept per process until the data change.

    The key holds everything the bytes depend on: the data fingerprint, the
    filters, and what the caller may see (role; a manager's locations).
    """
    user = current_user()
    scope = tuple(sorted(loc.id for loc in user.locations)) if user.role == "manager" else ()
    filters = tuple(sorted((k, str(v)) for k, v in args.items()))
    key = (
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        kind,
        data_version(),
        user.role,
        scope,
        filters,
        today() if args.get("as_of") is None else None,
    )
    cache: OrderedDict[tuple[Any, ...], tuple[bytes, str]] = current_app.extensions.setdefault(
        "rendered_exports", OrderedDict()
    )
    found = cache.get(key)
    if found is None:
        body = render(_picture(args))
        found = (body, _digest(body))
        cache[key] = found
        while len(cache) > RENDERED_EXPORTS:
            cache.popitem(last=False)
    return found


def _picture_etag(args: dict[str, Any]) -> str:
    """The ETag of the GeoJSON of the same picture: what every other format is made from."""
    _, etag = _rendered("geojson", {k: v for k, v in args.items() if k != "size"}, to_geojson)
    return etag


def _download(
    body: bytes,
    mimetype: str,
    export: str,
    extension: str,
    args: dict[str, Any],
    inline: bool = False,
) -> Response:
    """A response whose file name says what it holds: export, date and filters."""
    response = Response(body, mimetype=mimetype)
    name = download_name(export, extension, args.get("as_of") or today(), args)
    response.headers["Content-Disposition"] = content_disposition(name, inline=inline)
    return response


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:40]


def _conditional(etag: str, weak: bool, build: Callable[[], Response]) -> Response:
    """304 when the caller has this ETag already, else the response ``build`` makes.

    Weak ETags are for bodies made from the same inputs whose bytes may
    differ (a GeoPackage records when it was written). A compressed body's
    ETag carries its coding (``headers.matching_etag``).
    """
    matched = matching_etag(etag)
    response = Response(status=304) if matched else build()
    response.set_etag(matched or etag, weak=weak)
    # Per user (roles see different things) and always revalidated: the data change any time.
    # The real positions of confidential locations are kept out of every cache.
    sees_secrets = current_user().role == "coordinator"
    response.headers["Cache-Control"] = "no-store" if sees_secrets else "private, no-cache"
    response.vary.add("Authorization")
    return response


def _filters_text(args: dict[str, Any]) -> str:
    """The filters in Dutch, for under the map's title."""
    labels = {**STATUS_LABELS_NL, BELOW: "onder de norm of kritiek"}
    parts = []
    if args.get("status"):
        parts.append("status: " + ", ".join(labels[s].lower() for s in args["status"]))
    if args.get("type"):
        parts.append(f"type: {args['type']}")
    if args.get("province"):
        parts.append(f"provincie: {args['province']}")
    if args.get("domain"):
        parts.append(f"domein: {args['domain']}")
    return " · ".join(parts)


def today() -> date:
    """Today in the Netherlands: the date of a picture without ``as_of``."""
    return datetime.now(AMSTERDAM).date()
