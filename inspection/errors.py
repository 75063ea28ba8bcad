"""Domain errors: raised by operations, turned into one JSON error shape at the edge."""

from __future__ import annotations


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
        """The message followed by one line per field problem, for the CLI."""
        lines = [self.message]
        for path, problems in sorted(self.fields.items()):
            lines.extend(f"  {path}: {problem}" for problem in problems)
        return "\n".join(lines)


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
