"""Users: creating and changing accounts, and ending their sessions.

Deactivating a user or changing their password revokes their tokens at once:
a lost phone or a leaked password is dealt with by one command. Every change
is audited (a password only as "changed").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, update

from inspection import audit
from inspection.db import db, utcnow
from inspection.errors import Conflict, NotFound, ValidationFailed
from inspection.models import ApiToken, Location, User
from inspection.passwords import hash_password, password_problems
from inspection.vocabulary import ROLES

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# What a change may touch; the username never changes (the audit log refers to it).
CHANGEABLE = ("role", "locations", "active", "password")


def user_by_username(username: str) -> User | None:
    return db.session.scalars(select(User).where(User.username == username)).first()


def get_user(username: str) -> User:
    """The user with this username, or ``NotFound``."""
    user = user_by_username(username)
    if user is None:
        raise NotFound(f"No user {username}")
    return user


def users_query(role: str | None = None, active: bool | None = None) -> Select[tuple[User]]:
    """Users by username, optionally of one role or activity."""
    query = select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def list_users(role: str | None = None, active: bool | None = None) -> list[User]:
    """Users by username, optionally of one role or activity."""
    return list(db.session.scalars(users_query(role, active)))


def create_user(
    username: str,
    password: str,
    role: str,
    location_codes: Sequence[str] = (),
    actor: User | None = None,
) -> User:
    """Create a user; managers are scoped to the given locations."""
    problems: dict[str, list[str]] = {}
    if not USERNAME_PATTERN.match(username):
        problems["username"] = ["use 2-64 lower-case letters, digits, dots, hyphens or underscores"]
    if role not in ROLES:
        problems["role"] = [f"must be one of {', '.join(ROLES)}"]
    weak = password_problems(password, (username,))
    if weak:
        problems["password"] = weak
    locations = _locations(location_codes, role, problems)
    if problems:
        raise ValidationFailed("The user cannot be created", problems)
    if user_by_username(username) is not None:
        raise Conflict(f"User {username} already exists", {"username": ["already in use"]})
    user = User(
        username=username, password_hash=hash_password(password), role=role, locations=locations
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        "user",
        username,
        actor,
        role=role,
        locations=[loc.code for loc in locations],
    )
    return user


def update_user(user: User, changes: dict[str, Any], actor: User | None = None) -> User:
    """Change a user's role, locations (managers), activity or password.

    Only managers keep locations: a new other role drops them. Deactivating
    and a new password revoke the user's tokens. The last active coordinator
    can neither be deactivated nor given another role, or nobody could manage
    users through the API any more.
    """
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not changeable: {', '.join(sorted(unknown))}")
    role = changes.get("role", user.role)
    problems: dict[str, list[str]] = {}
    if role not in ROLES:
        problems["role"] = [f"must be one of {', '.join(ROLES)}"]
    if "password" in changes:
        weak = password_problems(changes["password"], (user.username,))
        if weak:
            problems["password"] = weak
    if "locations" in changes:
        locations = _locations(changes["locations"], role, problems)
    elif role != "manager":
        locations = []
    else:
        locations = list(user.locations)
    if problems:
        raise ValidationFailed(f"User {user.username} cannot be changed", problems)
    active = changes.get("active", user.active)
    if user.role == "coordinator" and user.active and (role != "coordinator" or not active):
        _keep_a_coordinator(user, "active" if not active else "role")

    before = _described(user)
    user.role = role
    user.locations = locations
    user.active = active
    if "password" in changes:
        user.password_hash = hash_password(changes["password"])
    db.session.flush()
    after = _described(user)
    changed: dict[str, Any] = {
        key: {"before": before[key], "after": after[key]}
        for key in before
        if before[key] != after[key]
    }
    if "password" in changes:
        changed["password"] = {"changed": True}
    if changed:
        audit.record("user.updated", "user", user.username, actor, changes=changed)
    if "password" in changes:
        revoke_tokens(user, actor, reason="password changed")
    elif before["active"] and not active:
        revoke_tokens(user, actor, reason="deactivated")
    return user


def revoke_tokens(user: User, actor: User | None = None, reason: str = "revoked") -> int:
    """Revoke every token of the user that is still valid; returns how many (audited)."""
    now = utcnow()
    result = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        "user.tokens_revoked", "user", user.username, actor, tokens=result.rowcount, reason=reason
    )
    return result.rowcount


def active_tokens(user: User) -> int:
    """How many of the user's tokens are valid now."""
    return db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
    )


def _locations(codes: Sequence[str], role: str, problems: dict[str, list[str]]) -> list[Location]:
    """The locations of ``codes`` for a user of ``role``, problems noted under ``locations``."""
    if codes and role != "manager":
        problems["locations"] = ["only managers are scoped to locations"]
        return []
    if not codes:
        return []
    found = {
        loc.code: loc
        for loc in db.session.scalars(select(Location).where(Location.code.in_(list(codes))))
    }
    missing = [code for code in codes if code not in found]
    if missing:
        problems["locations"] = [f"unknown location {code}" for code in missing]
    return [found[code] for code in dict.fromkeys(codes) if code in found]


def _keep_a_coordinator(user: User, field: str) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "coordinator", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(
            f"{user.username} is the last active coordinator",
            {field: ["make another coordinator first"]},
        )


def _described(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "locations": [loc.code for loc in user.locations],
        "active": user.active,
    }
