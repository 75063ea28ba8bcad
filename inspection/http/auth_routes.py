"""POST /auth/tokens (log in) and DELETE /auth/tokens/current (log out)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from inspection.auth import issue_token, revoke_token
from inspection.db import db
from inspection.errors import Unauthorized
from inspection.http.security import current_token, requires
from schemas.auth import LoginSchema, TokenSchema
from schemas.common import ErrorSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Logging in and out")


@blp.route("/tokens", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Unknown user or wrong password")
@blp.alt_response(429, schema=ErrorSchema, description="Too many failed logins (Retry-After)")
def create_token(credentials: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    try:
        issued = issue_token(
            credentials["username"], credentials["password"], request.remote_addr or "unknown"
        )
    except Unauthorized:
        db.session.commit()  # the failure counts towards the rate limit and stays in the audit log
        raise
    return {
        "token": issued.token,
        "expires_at": issued.expires_at,
        "user": {
            "username": issued.user.username,
            "role": issued.user.role,
            "locations": [loc.code for loc in issued.user.locations],
        },
    }


@blp.route("/tokens/current", methods=["DELETE"])
@requires(blp)
@blp.response(204)
def delete_token() -> None:
    """Revoke the token this request was made with."""
    revoke_token(current_token())
