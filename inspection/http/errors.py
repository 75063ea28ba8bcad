"""One JSON error shape for the whole application."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from inspection.db import database_unavailable, keep_work_on_error
from inspection.errors import DomainError, TooManyRequests, field_paths

# webargs nests messages under the part of the request they came from.
_LOCATIONS = {"json", "query", "form", "files", "form_and_files", "view_args", "headers", "path"}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def request_field_paths(messages: Any) -> dict[str, list[str]]:
    """``field_paths`` of webargs' messages, which come nested under the part of the
    request (``json``, ``query``, ...) they were found in: paths start below it."""
    if not isinstance(messages, dict):
        return field_paths(messages)
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        found = field_paths(value) if key in _LOCATIONS else field_paths({key: value})
        for path, problems in found.items():
            flat.setdefault(path or "_body", []).extend(problems)
    return flat


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):  # type: ignore[no-untyped-def]
        if exc.keep_work:
            keep_work_on_error()
        response = jsonify(error_body(exc.code, exc.message, exc.fields))
        response.status_code = exc.status
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        if isinstance(exc, HTTPException):
            return exc
        if database_unavailable(exc):
            return _unavailable(exc)
        if current_app.testing and not current_app.config.get("TESTING_CATCH_ERRORS"):
            raise exc  # a bug must fail the test, not hide behind a 500
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _internal_error()

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):  # type: ignore[no-untyped-def]
        # Errors outside the view (the commit after it) arrive here, wrapped.
        if database_unavailable(error.original_exception):
            return _unavailable(error.original_exception)
        return _internal_error()


def _unavailable(exc: BaseException | None) -> Response:
    current_app.logger.warning(
        "Database unavailable on %s %s: %s", request.method, request.path, exc
    )
    response = jsonify(
        error_body(
            "service_unavailable", "The database cannot be reached at the moment; try again shortly"
        )
    )
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    return response


def _internal_error() -> Response:
    response = jsonify(error_body("internal_server_error", "Something went wrong on our side"))
    response.status_code = 500
    return response
