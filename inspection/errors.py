"""Domain errors: raised by operations, turned into one JSON error shape at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors an operation reports to its caller (HTTP or CLI)."""

    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

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

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415
