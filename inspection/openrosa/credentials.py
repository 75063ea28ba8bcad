"""HTTP Basic authentication as ODK Collect does it, counted by the login rate limits.

Collect first sends a request without credentials, expects a 401 with a
``WWW-Authenticate: Basic`` challenge, and then repeats the request with the
account's username and password. It only does so over HTTPS: production runs
behind TLS.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from inspection import audit
from inspection.auth import _check_rate_limits
from inspection.db import db, utcnow
from inspection.errors import Unauthorized
from inspection.models import FailedLogin, User
from inspection.users import user_by_username, verify_password

CHALLENGE = 'Basic realm="Inspecties", charset="UTF-8"'


class MissingCredentials(Unauthorized):
    """No credentials were sent: the challenge, not a failed login."""


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Username and password of an ``Authorization: Basic ...`` header, or None."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def check_credentials(username: str, password: str, address: str) -> User:
    """The active user with this username and password.

    Raises ``TooManyRequests`` while the username or the address has too many
    recent failures (the same counts as ``POST /auth/tokens``), and
    ``Unauthorized`` after recording the failure otherwise.
    """
    now = utcnow()
    _check_rate_limits(username, address, now)
    user = user_by_username(username)
    if user is None or not user.active or not verify_password(user, password):
        window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
        db.session.execute(delete(FailedLogin).where(FailedLogin.attempted_at < now - window))
        db.session.add(FailedLogin(username=username[:64], address=address[:64], attempted_at=now))
        audit.record("auth.login_failed", "user", username[:64], None, address=address)
        raise Unauthorized("Unknown user or wrong password")
    return user
