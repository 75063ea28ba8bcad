"""Finishing touches of the OpenAPI document, so that generated clients read it right.

flask-smorest writes the document from the schemas and decorators; what it
cannot know is filled in here, by the conventions the endpoints follow:

- every operation has an ``operationId``: its view function's name (a
  generated client calls ``create_token``, not ``post_api_v1_auth_tokens``);
- a nullable nested object is ``anyOf: [$ref, null]``, the null written as
  ``{type: object, nullable: true, enum: [null]}``: apispec's own ``anyOf``
  puts a nullable empty object first, which clients pick and so lose every
  field, and ``nullable`` beside ``allOf`` without a ``type`` is invalid;
- the headers the service sends are documented where it sends them: ETag and
  If-None-Match on conditional responses (those that may answer 304),
  Content-Disposition on downloads, Retry-After on 429 and WWW-Authenticate
  on 401.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin

NULL_OBJECT = {"type": "object", "nullable": True}
# Null and nothing else, in OpenAPI 3.0 words (3.0 has no null type; nullable needs a type).
ONLY_NULL = {"type": "object", "nullable": True, "enum": [None]}
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The version of this representation: send it back in If-None-Match",
        "schema": {"type": "string"},
    },
    "ContentDisposition": {
        "description": "attachment (or inline), with a file name that says what the file "
        "holds: the export, the date of its picture and its filters",
        "schema": {"type": "string"},
    },
    "RetryAfter": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    },
    "WWWAuthenticate": {
        "description": "The scheme to authenticate with: Bearer",
        "schema": {"type": "string"},
    },
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag received before: 304 Not Modified while it still holds",
    "schema": {"type": "string"},
}
JSON_TYPES = ("application/json",)


def register_components(spec: APISpec) -> None:
    """The headers and the If-None-Match parameter, emitted only where an operation uses them."""
    for name, header in HEADERS.items():
        spec.components.header(name, header, lazy=True)
    spec.components.parameter("IfNoneMatch", "header", IF_NONE_MATCH, lazy=True)


def nullable_reference(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An apispec attribute function: OpenAPI 3.0 shapes of nullable values that clients read.

    Runs after apispec's own ``field2nullable`` and rewrites what it made:
    ``anyOf: [{type: object, nullable}, {$ref}]`` becomes
    ``anyOf: [{$ref}, ONLY_NULL]``, and a ``nullable`` without a ``type``
    beside an ``anyOf`` of types moves into each of them.
    """
    variants = ret.get("anyOf")
    if not variants:
        return {}
    others = [v for v in variants if v != NULL_OBJECT]
    if len(others) == len(variants) - 1 and len(others) == 1 and "$ref" in others[0]:
        ret.pop("anyOf")
        ret["anyOf"] = [others[0], ONLY_NULL]
    if ret.get("nullable") and "type" not in ret:
        ret.pop("nullable")
        ret["anyOf"] = [{**variant, "nullable": True} for variant in variants]
    return {}


class ConventionsPlugin(BasePlugin):
    """Adds operation ids and the documented headers to each operation as it is registered."""

    def __init__(self) -> None:
        self.operation_ids: dict[str, str] = {}

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:
                self._name(operation, rule.endpoint, method, len(operations or {}), path)
            responses = operation.get("responses", {})
            conditional = any(str(code) == "304" for code in responses)
            if conditional:
                operation.setdefault("parameters", []).append("IfNoneMatch")
            for code, response in responses.items():
                if not isinstance(response, dict):
                    continue
                headers = response.setdefault("headers", {})
                status = str(code)
                if conditional and status in ("200", "304"):
                    headers["ETag"] = "ETag"
                if conditional and status == "200" and _is_download(response):
                    headers["Content-Disposition"] = "ContentDisposition"
                if status == "429":
                    headers["Retry-After"] = "RetryAfter"
                if status == "401":
                    headers["WWW-Authenticate"] = "WWWAuthenticate"
                if not headers:
                    del response["headers"]

    def _name(self, operation: dict[str, Any], endpoint: str, method: str, count: int, path):  # type: ignore[no-untyped-def]
        name = endpoint.rsplit(".", 1)[-1]
        if count > 1:
            name = f"{method}_{name}"
        operation_id = operation.setdefault("operationId", name)
        where = f"{method.upper()} {path}"
        seen = self.operation_ids.setdefault(operation_id, where)
        if seen != where:
            raise ValueError(
                f"operationId {operation_id!r} of {where} is taken by {seen}: rename one view "
                "function or give it blp.doc(operationId=...)"
            )


def _is_download(response: dict[str, Any]) -> bool:
    content = response.get("content") or {}
    return bool(content) and not any(kind in JSON_TYPES for kind in content)
