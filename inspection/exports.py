"""Exports and maps of the location picture: their ETags, and their bytes made only when needed.

GeoJSON and CSV bodies are kept per process, keyed by everything they depend
on, and their ETag is the digest of their bytes. Today's GeoJSON gets its
ETag from that key instead (the same inputs: the bytes made from them are
the same), so that neither 6 MB nor 10,000 features' digests are hashed and
a matching If-None-Match is answered before anything is read. A GeoPackage
(which records when it was written) and a PNG map (slow to draw) get a weak
ETag made from their inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app

from geodata.aggregation import regions_to_geojson
from geodata.exports import CSV_DIALECTS, to_csv, to_geojson, to_geopackage
from geodata.maps import render_locations_map
from inspection.cache import app_cache
from inspection.confidentiality import shows_real_positions
from inspection.errors import ValidationFailed
from inspection.models import User
from inspection.norm_sets import known_domains
from inspection.picture import (
    PictureFilter,
    boundaries_version,
    count_columns,
    data_version,
    location_picture,
    region_summary,
    share_below_by_region,
    shipped_credit,
    stored_regions,
    with_child_counts,
)
from inspection.picture.features import geojson_of_today
from inspection.scope import scoped_location_ids
from inspection.vocabulary import AMSTERDAM, DRAW_ORDER, STATUS_SHORT_LABELS

GEOJSON = "application/geo+json"
GEOPACKAGE = "application/geopackage+sqlite3"
CSV = "text/csv"
PNG = "image/png"
# Part of the ETags made from inputs rather than bytes: bump it when a writer changes.
WRITERS_VERSION = b"3"
# Rendered GeoJSON/CSV bodies kept per process (a 10,000-location GeoJSON is ~6 MB).
RENDERED_EXPORTS = 6


@dataclass(frozen=True)
class Export:
    """What answers an export request.

    ``weak``: bodies made from the same inputs may differ in their bytes.
    ``filename``: what the file holds and its extension (``locations.csv``); the
    download is named from it, the date and the filters (``inline``: shown, not saved).
    ``render`` makes the bytes, or their parts in order (a body of megabytes is
    sent in parts, ``geodata.features.collection_parts``); call it only when
    the ETag did not match.
    ``confidential``: the bytes hold real positions of confidential locations.
    """

    etag: str
    weak: bool
    media_type: str
    filename: str
    render: Callable[[], bytes | list[bytes]]
    inline: bool = False
    confidential: bool = False


def location_export(kind: str, args: dict[str, Any], user: User) -> Export:
    """The picture ``user`` may see as ``geojson``, ``csv`` or ``gpkg``.

    ``args`` are the parsed query arguments (``schemas.exports.ExportArgsSchema``);
    an unknown ``domain`` raises ``ValidationFailed``.
    """
    check_domain(args)
    secrets = shows_real_positions(user)
    if kind == "gpkg":
        return Export(
            etag=_inputs_etag(b"gpkg", args, user),
            weak=True,
            media_type=GEOPACKAGE,
            filename="locations.gpkg",
            render=lambda: to_geopackage(_picture(args, user)),
            confidential=secrets,
        )
    dialect = args.get("dialect", CSV_DIALECTS[0])
    day = args.get("as_of") or today()

    def csv_with_counts(picture: Any) -> bytes:
        # The count items ride on the CSV only: the GeoJSON of today is made from
        # features stored without them (``inspection.picture.counts``).
        counted, columns = with_child_counts(picture, day)
        return to_csv(counted, dialect, extra=columns)

    writers = {
        "geojson": (to_geojson, GEOJSON, "locations.geojson"),
        "csv": (csv_with_counts, CSV, "locations.csv"),
    }
    if kind not in writers:
        raise ValueError(f"kind must be geojson, csv or gpkg, got {kind!r}")
    write, media_type, filename = writers[kind]
    key = (kind, data_version(), *_reader(user), _filters_key(args), _day_key(args))
    if kind == "csv":
        # Its columns come from the stored norm sets, which the data's fingerprint leaves out.
        key += (count_columns(),)
    rendered = app_cache("rendered_exports", RENDERED_EXPORTS)

    if kind == "geojson" and _shows_today(args):
        # Today's picture: the features kept at write time, in parts. Its ETag is that of
        # the key the body is kept under: what decides that a kept body may be served
        # decides that the caller's copy still holds, with nothing read to say so.
        etag = _digest(WRITERS_VERSION, repr(key).encode())
        filters = PictureFilter.from_args(args)

        def today_in_parts() -> list[bytes]:
            body, _ = rendered.get_or_make(key, lambda: (geojson_of_today(user, filters), etag))
            return body

        return Export(
            etag=etag,
            weak=False,
            media_type=media_type,
            filename=filename,
            render=today_in_parts,
            confidential=secrets,
        )

    def make() -> tuple[bytes, str]:
        body = write(_picture(args, user))
        return body, _digest(body)

    body, etag = rendered.get_or_make(key, make)
    return Export(
        etag=etag,
        weak=False,
        media_type=media_type,
        filename=filename,
        render=lambda: body,
        confidential=secrets,
    )


def regions_export(args: dict[str, Any], user: User) -> Export:
    """Counts per region (``schemas.exports.RegionArgsSchema``) as GeoJSON."""
    body = regions_to_geojson(region_summary(args["level"], args.get("as_of"), user=user))
    return Export(
        etag=_digest(body),
        weak=False,
        media_type=GEOJSON,
        filename="regions.geojson",
        render=lambda: body,
    )


def locations_map(args: dict[str, Any], user: User) -> Export:
    """A PNG map of the picture (``schemas.exports.MapArgsSchema``), drawn only when asked for."""
    check_domain(args)
    day = args.get("as_of") or today()
    extent = current_app.config["SERVICE_AREA"]
    etag = _inputs_etag(
        b"png",
        args,
        user,
        repr(extent).encode(),
        repr(boundaries_version()).encode(),
    )

    def render() -> bytes:
        filters = PictureFilter.from_args(args)
        return render_locations_map(
            location_picture(args.get("as_of"), user=user, filters=filters),
            size=args["size"],
            day=day,
            extent=extent,
            statuses={code: STATUS_SHORT_LABELS["nl"][code] for code in DRAW_ORDER},
            filters_text=filters_text(args),
            regions=share_below_by_region(args.get("as_of"), user=user, filters=filters),
            outline=stored_regions("province"),
            credit=shipped_credit("province"),
        )

    return Export(
        etag=etag,
        weak=True,
        media_type=PNG,
        filename="locations-map.png",
        render=render,
        inline=True,
        confidential=shows_real_positions(user),
    )


def check_domain(args: dict[str, Any]) -> None:
    """Refuse a ``domain`` filter that no stored norm set has."""
    domain = args.get("domain")
    if domain and domain not in known_domains():
        raise ValidationFailed(
            "The request has invalid fields",
            {"domain": [f"Unknown domain; known: {', '.join(known_domains()) or 'none'}"]},
        )


def filters_text(args: dict[str, Any]) -> str:
    """The filters in Dutch, for under the map's title."""
    labels = STATUS_SHORT_LABELS["nl"]
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


def _picture(args: dict[str, Any], user: User) -> Any:
    return location_picture(args.get("as_of"), user=user, filters=PictureFilter.from_args(args))


def _reader(user: User) -> tuple[Any, ...]:
    """What decides how much of the picture a user sees: the role, and a manager's locations."""
    scope = scoped_location_ids(user)
    return user.role, () if scope is None else tuple(sorted(scope))


def _filters_key(args: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in args.items()))


def _shows_today(args: dict[str, Any]) -> bool:
    """Whether the picture asked for is today's: no ``as_of``, or today or a later day."""
    return args.get("as_of") is None or args["as_of"] >= today()


def _day_key(args: dict[str, Any]) -> date | None:
    # Today's picture changes with the date (outcomes go stale, versions come into force).
    return today() if _shows_today(args) else None


def _inputs_etag(kind: bytes, args: dict[str, Any], user: User, *parts: bytes) -> str:
    """An ETag from everything the bytes are made of, read without making them."""
    return _digest(
        kind,
        WRITERS_VERSION,
        repr(data_version()).encode(),
        repr(_reader(user)).encode(),
        repr(_filters_key(args)).encode(),
        repr(_day_key(args)).encode(),
        *parts,
    )


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:40]
