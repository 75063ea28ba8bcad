"""Users: creating them and checking their passwords."""

from __future__ import annotations

import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from inspection import audit
from inspection.db import db
from inspection.errors import Conflict, ValidationFailed
from inspection.models import Location, User
from inspection.vocabulary import MANAGER, ROLES

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (``PASSWORD_HASH_COST``; argon2's defaults if unset)."""
    cost = current_app.config.get("PASSWORD_HASH_COST") or {}
    return PasswordHasher(**cost)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check a password; rehash transparently when the cost parameters were changed."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def user_by_username(username: str) -> User | None:
    return db.session.scalars(select(User).where(User.username == username)).first()


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
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["password"] = [f"must be at least {MIN_PASSWORD_LENGTH} characters"]
    locations: list[Location] = []
    if location_codes and role != MANAGER:
        problems["locations"] = ["only managers are scoped to locations"]
    elif location_codes:
        found = {
            loc.code: loc
            for loc in db.session.scalars(
                select(Location).where(Location.code.in_(list(location_codes)))
            )
        }
        missing = [code for code in location_codes if code not in found]
        if missing:
            problems["locations"] = [f"unknown location {code}" for code in missing]
        locations = [found[code] for code in dict.fromkeys(location_codes) if code in found]
    if problems:
        raise ValidationFailed("The user cannot be created", problems)
    if user_by_username(username) is not None:
        raise Conflict(f"User {username} already exists")
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
