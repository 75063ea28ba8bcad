"""HTTP Basic authentication as ODK Collect does it, counted by the login rate limits.

Collect first sends a request without credentials, expects a 401 with a
``WWW-Authenticate: Basic`` challenge, and then repeats the request with the
account's username and password. It only does so over HTTPS: production runs
behind TLS.
"""

from __future__ import annotations

import base64
import binascii

from inspection.errors import Unauthorized
from inspection.login import authenticate
from inspection.models import User

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
    """The active user with this username and password: ``inspection.login.authenticate``.

    The same check, limits and answers as ``POST /auth/tokens``: raises
    ``TooManyRequests`` while the limits refuse a check and ``Unauthorized``
    (the failure recorded, to be committed by the caller) otherwise.
    """
    return authenticate(username, password, address)
