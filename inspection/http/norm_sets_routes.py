"""Norm sets (read by everyone, loaded by coordinators) and the phone's checklist form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from inspection.errors import NotFound
from inspection.forms import build_form
from inspection.http.security import current_user, requires
from inspection.location_types import location_type_codes
from inspection.norm_sets import all_norm_sets, compiled, get_norm_set, load_norm_set, norm_set_on
from inspection.vocabulary import AMSTERDAM, COORDINATOR
from schemas.common import ErrorSchema
from schemas.norm_sets import (
    FormArgsSchema,
    FormSchema,
    NormSetDocumentSchema,
    NormSetOutSchema,
    NormSetSummarySchema,
)

blp = Blueprint("norm_sets", __name__, url_prefix="/api/v1", description="Norm sets and forms")


@blp.route("/norm-sets", methods=["GET"])
@requires(blp)
@blp.response(200, NormSetSummarySchema(many=True))
def list_norm_sets() -> Any:
    """Every stored norm set version."""
    return all_norm_sets()


@blp.route("/norm-sets/<catalogue>/<version>", methods=["GET"])
@requires(blp)
@blp.response(200, NormSetOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such version")
def get_norm_set_version(catalogue: str, version: str) -> Any:
    """One version with its full document."""
    norm_set = get_norm_set(catalogue, version)
    if norm_set is None:
        raise NotFound(f"No norm set {catalogue} {version}")
    return norm_set


@blp.route("/norm-sets", methods=["POST"])
@requires(blp, COORDINATOR)
@blp.arguments(NormSetDocumentSchema)
@blp.response(201, NormSetOutSchema)
@blp.alt_response(409, schema=ErrorSchema, description="This version (or its start date) exists")
def post_norm_set(document: dict[str, Any]) -> Any:
    """Load a new norm set version (the norm set document of docs/norms.md)."""
    return load_norm_set(document, current_user())


@blp.route("/forms/<location_type>", methods=["GET"])
@requires(blp)
@blp.arguments(FormArgsSchema, location="query")
@blp.response(200, FormSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown type, or no norms in force")
def get_form(args: dict[str, Any], location_type: str) -> dict[str, Any]:
    """The checklist for a location type on a date, grouped by domain, in Dutch or English."""
    codes = location_type_codes()
    if location_type not in codes:
        raise NotFound(f"Unknown location type {location_type}; use {', '.join(codes)}")
    on = args["on"] or datetime.now(AMSTERDAM).date()
    catalogue = current_app.config["NORM_CATALOGUE"]
    norm_set = norm_set_on(catalogue, on)
    if norm_set is None:
        raise NotFound(f"No {catalogue} norm set is in force on {on.isoformat()}")
    return {
        "catalogue": norm_set.catalogue,
        "version": norm_set.version,
        "valid_from": norm_set.valid_from,
        "location_type": location_type,
        "on": on,
        "lang": args["lang"],
        "groups": build_form(compiled(norm_set), location_type, args["lang"]),
    }
