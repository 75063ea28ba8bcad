"""Bearer tokens: issuing them for a password, resolving and revoking them.

Tokens are random and only their SHA-256 digest is stored, so a copy of the
database gives no usable token. Failed logins are kept per username and per
address, in the database so that every app process counts the same.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from inspection import audit
from inspection.db import db, utcnow
from inspection.errors import TooManyRequests, Unauthorized
from inspection.models import ApiToken, FailedLogin, User
from inspection.users import user_by_username, verify_password


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(username: str, password: str, address: str) -> IssuedToken:
    """Exchange a username and password for a new bearer token.

    Raises ``TooManyRequests`` while the username or the address has too many
    recent failures, and ``Unauthorized`` (after recording the failure) for a
    wrong password, an unknown or a deactivated user alike.
    """
    now = utcnow()
    _check_rate_limits(username, address, now)
    user = user_by_username(username)
    if user is None or not user.active or not verify_password(user, password):
        # Failures older than the window no longer count: drop them as new ones arrive.
        window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
        db.session.execute(delete(FailedLogin).where(FailedLogin.attempted_at < now - window))
        db.session.add(FailedLogin(username=username[:64], address=address[:64], attempted_at=now))
        audit.record("auth.login_failed", "user", username[:64], None, address=address)
        # The failure counts towards the rate limit and stays in the audit log.
        raise Unauthorized("Unknown user or wrong password", keep_work=True)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=current_app.config["TOKEN_TTL_SECONDS"])
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


def _check_rate_limits(username: str, address: str, now: datetime) -> None:
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    since = now - window
    for column, value, limit in (
        (FailedLogin.username, username[:64], config["LOGIN_FAILURES_PER_USERNAME"]),
        (FailedLogin.address, address[:64], config["LOGIN_FAILURES_PER_ADDRESS"]),
    ):
        count, oldest = db.session.execute(
            select(func.count(), func.min(FailedLogin.attempted_at)).where(
                column == value, FailedLogin.attempted_at > since
            )
        ).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            retry_after = max(1, math.ceil((oldest + window - now).total_seconds()))
            raise TooManyRequests(
                "Too many failed logins; try again later", retry_after=retry_after, keep_work=True
            )
