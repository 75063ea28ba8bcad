"""Domain errors: raised by operations, turned into one JSON error shape at the edge."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors an operation reports to its caller (HTTP or CLI)."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        fields: dict[str, list[str]] | None = None,
        *,
        keep_work: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # True when what was done before the error must be stored all the same
        # (a failed login counts towards the rate limit): the caller commits.
        self.keep_work = keep_work

    def describe(self) -> str:
        """For the CLI: one line, or the message followed by one line per field problem."""
        problems = [
            f"{path}: {problem}"
            for path, messages in sorted(self.fields.items())
            for problem in messages
        ]
        if len(problems) == 1:
            return f"{self.message} ({problems[0]})"
        return "\n".join([self.message, *(f"  {problem}" for problem in problems)])


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, retry_after: int, *, keep_work: bool = False) -> None:
        super().__init__(message, keep_work=keep_work)
        self.retry_after = retry_after


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415


def field_paths(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into ``{"answers.children_present": [...]}``.

    List positions become ``[i]``; messages about a whole object (``_schema``)
    go to its own path, or to ``_body`` at the top.
    """
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            key = str(key)
            # Messages about the object itself belong to the object's own path.
            path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else key
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
