"""Bearer tokens: issuing them for a password, resolving and revoking them.

Tokens are random and only their SHA-256 digest is stored, so a copy of the
database gives no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspection import audit
from inspection.db import db, utcnow
from inspection.login import authenticate
from inspection.models import ApiToken, User


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(username: str, password: str, address: str) -> IssuedToken:
    """Exchange a username and password for a new bearer token.

    The credentials are checked by ``inspection.login.authenticate``, with its
    limits and its errors (``TooManyRequests``, ``Unauthorized``).
    """
    user = authenticate(username, password, address)
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(seconds=current_app.config["TOKEN_TTL_SECONDS"])
    db.session.add(ApiToken(user=user, token_hash=token_digest(token), expires_at=expires_at))
    audit.record("auth.token_issued", "user", user.username, user, address=address)
    return IssuedToken(token=token, expires_at=expires_at, user=user)


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    """The active user of a valid (known, unexpired, unrevoked) token, or None."""
    row = db.session.scalars(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row.user, row


def revoke_token(api_token: ApiToken) -> None:
    api_token.revoked_at = utcnow()
    audit.record("auth.token_revoked", "user", api_token.user.username, api_token.user)
