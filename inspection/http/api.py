"""The JSON API under /api/v1: flask-smorest, its OpenAPI document, and request rules."""

from __future__ import annotations

import os
from typing import Any

import flask_swagger_ui
from flask import Flask, Response, jsonify, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter

from inspection.http.bodies import check_request_body
from inspection.http.errors import error_body, request_field_paths
from inspection.http.openapi import ConventionsPlugin, nullable_reference, register_components
from schemas.common import ErrorSchema

API_PREFIX = "/api/v1"
SWAGGER_ASSETS = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")


# The largest id an INTEGER column holds on PostgreSQL; SQLite's are wider.
LARGEST_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: an id beyond what a column holds is no such row (404),
    where the database driver would otherwise fail on it (a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ROW_ID)
        super().__init__(map, *args, **kwargs)


class InspectionApi(Api):
    """flask-smorest with the project's error shape: ``{"error": {code, message, fields}}``."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") or data.get("errors")
        code = (error.name or "error").lower().replace(" ", "_")
        message = data.get("message") or error.description or error.name
        fields = None
        if messages:
            fields = request_field_paths(messages)
            if error.code == 422:
                code, message = "validation_error", "The request has invalid fields"
        response = jsonify(error_body(code, message, fields))
        response.status_code = error.code or 500
        # Headers the exception carries (Allow on a 405, for instance).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


def init_api(app: Flask) -> Api:
    # Before any route is added: the pages' and OpenRosa's ids are bounded the same way.
    app.url_map.converters["int"] = RowIdConverter
    app.config.update(
        API_TITLE="Inspections of children in asylum shelters",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Served from the installed package: the docs page works without internet.
        OPENAPI_SWAGGER_UI_URL=f"{API_PREFIX}/docs/assets/",
    )
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update(
        {
            "info": {
                "description": (
                    "Field inspections of reception locations for asylum seekers, scored "
                    "against minimum quality norms for children. Errors are "
                    '`{"error": {"code", "message", "fields"}}`.'
                )
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            # Paths carry /api/v1 themselves: the server is this host's root.
            "servers": [{"url": "/", "description": "This service"}],
        }
    )
    api = InspectionApi(app, spec_kwargs={"extra_plugins": [ConventionsPlugin()]})
    register_components(api.spec)
    api.ma_plugin.converter.add_attribute_function(nullable_reference)
    api.register_converter(
        RowIdConverter, lambda _: {"type": "integer", "minimum": 0, "maximum": LARGEST_ROW_ID}
    )

    @app.route(f"{API_PREFIX}/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Response:
        return send_from_directory(SWAGGER_ASSETS, filename)

    from inspection.http import (
        auth_routes,
        charts_routes,
        exports_routes,
        findings_routes,
        inspections_routes,
        location_types_routes,
        locations_routes,
        norm_sets_routes,
        photos_routes,
        reports_routes,
        users_routes,
    )

    for module in (
        auth_routes,
        locations_routes,
        location_types_routes,
        norm_sets_routes,
        inspections_routes,
        photos_routes,
        findings_routes,
        charts_routes,
        exports_routes,
        reports_routes,
        users_routes,
    ):
        api.register_blueprint(module.blp)
    api.register_blueprint(findings_routes.photos_blp)

    _configure_request_rules(app, api)
    return api


def _configure_request_rules(app: Flask, api: Api) -> None:
    @app.before_request
    def _limit_and_check_bodies() -> None:
        if not request.path.startswith(API_PREFIX):
            return
        # No database keeps NUL in text (PostgreSQL refuses it): refuse it at the door.
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
        ):
            raise BadRequest("The path and query may not contain NUL characters")
        if request.method in ("POST", "PATCH", "PUT"):
            check_request_body(app, api)
