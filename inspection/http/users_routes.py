"""User accounts, for coordinators: list, create, change, and end a user's sessions."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from inspection.http.security import current_user, requires
from inspection.inspections import page_of, paginate
from inspection.users import create_user, get_user, revoke_tokens, update_user, users_query
from schemas.common import ErrorSchema
from schemas.users import (
    UserCreateSchema,
    UserListArgsSchema,
    UserOutSchema,
    UserPageSchema,
    UserUpdateSchema,
)

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts")


@blp.route("", methods=["GET"])
@requires(blp, "coordinator")
@blp.arguments(UserListArgsSchema, location="query")
@blp.response(200, UserPageSchema)
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Every account, by username; filters `role` and `active`."""
    rows, total = paginate(
        users_query(args.get("role"), args.get("active")), args["page"], args["per_page"]
    )
    return page_of([user for (user,) in rows], total, args)


@blp.route("", methods=["POST"])
@requires(blp, "coordinator")
@blp.arguments(UserCreateSchema)
@blp.response(201, UserOutSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The username is taken")
def post_user(data: dict[str, Any]) -> Any:
    """Create an account; managers get the locations they may see."""
    return create_user(
        data["username"],
        data["password"],
        data["role"],
        data.get("locations") or (),
        actor=current_user(),
    )


@blp.route("/<username>", methods=["GET"])
@requires(blp, "coordinator")
@blp.response(200, UserOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such user")
def get_one_user(username: str) -> Any:
    """One account."""
    return get_user(username)


@blp.route("/<username>", methods=["PATCH"])
@requires(blp, "coordinator")
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserOutSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such user")
@blp.alt_response(409, schema=ErrorSchema, description="The last active coordinator")
def patch_user(changes: dict[str, Any], username: str) -> Any:
    """Change role, locations, activity or password.

    Deactivating or a new password ends the user's sessions: their tokens are revoked.
    """
    return update_user(get_user(username), changes, current_user())


@blp.route("/<username>/tokens", methods=["DELETE"])
@requires(blp, "coordinator")
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description="No such user")
def delete_user_tokens(username: str) -> None:
    """Revoke every token of the user (a lost phone): they must log in again."""
    revoke_tokens(get_user(username), current_user())
