"""One JSON error shape for the whole application."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from inspection.errors import DomainError, TooManyRequests

# webargs nests messages under the part of the request they came from.
# SQLite's errors that mean "not now" (a file it cannot open or that another
# process holds), as opposed to a wrong query.
_SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "database is locked",
    "disk I/O error",
    "database or disk is full",
)
_LOCATIONS = {"json", "query", "form", "files", "form_and_files", "view_args", "headers", "path"}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def field_paths(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into ``{"answers.children_present": [...]}``."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in _LOCATIONS:
                path = ""
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else key
            for sub, problems in field_paths(value, path).items():
                flat.setdefault(sub or "_body", []).extend(problems)
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix: list(messages)}
    if isinstance(messages, list):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(field_paths(value, f"{prefix}[{index}]"))
        return flat
    return {prefix: [str(messages)]}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):  # type: ignore[no-untyped-def]
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


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached now, rather than that a query is wrong.

    Lost or refused connections, a server shutting down or a busy SQLite file
    pass; clients should try again later. Errors in queries do not.
    """
    if isinstance(exc, DisconnectionError | PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("psycopg"):
        # psycopg's OperationalError: connection failures, shutdowns, cancelled or
        # deadlocked statements; its errors in queries are of other classes.
        return True
    return any(reason in str(exc.orig) for reason in _SQLITE_UNAVAILABLE)


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
