"""Request bodies of the API: their size, their media type and the JSON they may hold.

These are properties of a body as a document, checked before any endpoint
reads it (and before who calls is known, as the size is): whatever an
endpoint then parses is text both databases store, numbers they hold and
nesting that recursive code survives (``inspection.storable``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from flask import Flask, request
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from inspection.errors import ValidationFailed
from inspection.sizes import readable_size
from inspection.storable import OversizedNumber, storage_problems

JSON = "application/json"
MULTIPART = "multipart/form-data"
# orjson reads integers beyond 64 bits as floats; where a body has a run of
# digits that long it is read again, keeping integers whole.
_LONG_DIGITS = re.compile(rb"\d{19,}")
# int() of a longer text raises (CPython's guard against quadratic conversion).
_MAX_DIGITS = 4300


def check_request_body(app: Flask, api: Api) -> None:
    """Refuse an API request whose body is too large, of the wrong type or unstorable JSON.

    413 past ``JSON_MAX_BYTES`` (``PHOTO_MAX_BYTES`` for multipart), also for
    chunked bodies that declare no length; 415 for a body of a media type the
    operation does not document; 400 for malformed JSON; 422 naming the
    field for JSON that cannot be stored (``inspection.storable``).
    """
    accepted = _accepted_media_types(app, api, request.url_rule, request.method)
    if request.mimetype == MULTIPART and MULTIPART in accepted:
        photo_limit = app.config["PHOTO_MAX_BYTES"]
        request.max_content_length = photo_limit + 64 * 1024
        try:
            form = request.form
        except RequestEntityTooLarge:
            # Werkzeug's own words name no limit; what the sender can act on is the photo's.
            raise RequestEntityTooLarge(
                f"A photo may be at most {readable_size(photo_limit)}"
            ) from None
        if any("\x00" in value for value in form.values()):
            raise BadRequest("Form fields may not contain NUL characters")
        return
    limit = app.config["JSON_MAX_BYTES"]
    # One byte more than allowed is read, so that a body without a length that
    # goes on past the limit can be told from one that ends on it.
    request.max_content_length = limit + 1
    if not _has_body():
        return
    media_type = JSON if request.is_json else request.mimetype
    if request.url_rule is not None and media_type not in accepted:
        raise UnsupportedMediaType(f"Send the body as {' or '.join(sorted(accepted))}")
    too_large = f"The body may hold at most {readable_size(limit)}"
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(too_large)
    body = request.get_data()
    if len(body) > limit:  # sent without a length: the stream stopped at limit + 1
        raise RequestEntityTooLarge(too_large)
    if media_type == JSON and body:
        problems = json_body_problems(body)
        if problems:
            raise ValidationFailed("The body holds values that cannot be stored", problems)


def json_body_problems(body: bytes) -> dict[str, list[str]]:
    """What in a JSON body cannot be stored, per field path; raises BadRequest when malformed."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        document = _read_leniently(body)
    else:
        if _LONG_DIGITS.search(body):
            problems = storage_problems(document)
            return problems or storage_problems(_read_leniently(body))
    return storage_problems(document)


def _read_leniently(body: bytes) -> Any:
    """Parse what orjson refused or rounded, keeping what ``storage_problems`` should name."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The body is not UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(
            text,
            parse_int=_integer,
            parse_constant=lambda constant: float(constant),
        )
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ValidationFailed(
            "The body is nested too deeply", {"_body": ["nested more than 1,000 levels deep"]}
        ) from None


def _integer(text: str) -> int | OversizedNumber:
    if len(text) > _MAX_DIGITS:
        return OversizedNumber(text)
    return int(text)


def _has_body() -> bool:
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _accepted_media_types(app: Flask, api: Api, rule: Any, method: str) -> set[str]:
    """The request body types an operation documents; JSON when it documents none."""
    if rule is None:
        return {JSON}
    table = app.extensions.get("api_request_media_types")
    if table is None:
        table = {}
        for path, operations in api.spec.to_dict()["paths"].items():
            for name, operation in operations.items():
                body = operation.get("requestBody") if isinstance(operation, dict) else None
                content = (body or {}).get("content")
                if content:
                    table[(path, name.upper())] = set(content)
        app.extensions["api_request_media_types"] = table
    return table.get((FlaskPlugin.flaskpath2openapi(rule.rule), method), {JSON})
