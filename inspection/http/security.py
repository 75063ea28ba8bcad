"""Who is calling: bearer-token authentication and role checks for the endpoints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_smorest import Blueprint

from inspection.auth import user_for_token
from inspection.errors import Forbidden, Unauthorized
from inspection.models import ApiToken, User
from inspection.vocabulary import ROLES
from schemas.common import ErrorSchema


def current_user() -> User:
    """The authenticated user of this request (only inside a ``requires`` endpoint)."""
    return g.user


def current_token() -> ApiToken:
    return g.api_token


def _authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Send Authorization: Bearer <token>; get one at POST /api/v1/auth/tokens"
        )
    found = user_for_token(token.strip())
    if found is None:
        raise Unauthorized("The token is unknown, expired or revoked")
    g.user, g.api_token = found
    return g.user


def requires(blp: Blueprint, *roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a bearer token, and one of ``roles`` (all roles when none are given).

    Also documents the security requirement and the 401/403 responses in the
    OpenAPI document, so the check and its documentation cannot drift apart.
    """
    allowed = roles or ROLES

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = _authenticate()
            if user.role not in allowed:
                raise Forbidden(f"The {user.role} role may not do this")
            return view(*args, **kwargs)

        documented = blp.doc(security=[{"bearerAuth": []}], **{"x-roles": list(allowed)})(wrapper)
        documented = blp.alt_response(401, schema=ErrorSchema, description="Not logged in")(
            documented
        )
        if set(allowed) != set(ROLES):
            documented = blp.alt_response(403, schema=ErrorSchema, description="Role not allowed")(
                documented
            )
        return documented

    return decorator
