"""The credential check of every way of logging in, with limits on guessing.

Failed logins are counted per (username, address) and per address, in the
database so that every app process counts the same:

- a username that failed ``LOGIN_FAILURES_PER_USERNAME`` times from an
  address within the window is not checked from that address any more (even
  the right password waits: otherwise guessing could go on), while the same
  user logs in from anywhere else;
- an address with ``LOGIN_FAILURES_PER_ADDRESS`` failures within the window
  gets no further check for any username that already failed from it; a
  username without failures from there (a colleague behind the same office
  address) is still checked, so nobody is locked out by others' failures.

The address is the client's own as the WSGI server reports it, after the
configured number of trusted proxies (``TRUSTED_PROXIES``) has been
accounted for by werkzeug's ProxyFix.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from inspection import audit
from inspection.db import db, utcnow
from inspection.errors import TooManyRequests, Unauthorized
from inspection.locks import hold_exclusively
from inspection.models import FailedLogin, User
from inspection.passwords import verify_password
from inspection.users import user_by_username

REFUSED = "Unknown user or wrong password"
# What the failure table keeps of a name or an address (its column width).
_KEPT = 64


def authenticate(username: str, password: str, address: str) -> User:
    """The active user whose password this is, checked within the limits above.

    Raises ``TooManyRequests`` (with ``retry_after``) while the limits refuse
    a check, and ``Unauthorized`` for a wrong password, an unknown and a
    deactivated user alike: the same answer after the same work, an Argon2
    verification of the configured cost. A failure is recorded (and audited)
    in the current transaction, which the caller must commit also when it
    answers with the error.
    """
    name, address = _kept(username), _kept(address)
    now = utcnow()
    # A first look without the lock spares the hashing when the answer is already no.
    _check_limits(name, address, now)
    user = user_by_username(username)
    valid = verify_password(user, password) and user is not None and user.active
    # Counting and recording happen under the address's lock, so that parallel
    # attempts cannot all pass the same count.
    hold_exclusively(f"login:{address}")
    _check_limits(name, address, now)
    if not valid:
        window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
        # Failures older than the window no longer count: drop them as new ones arrive.
        db.session.execute(delete(FailedLogin).where(FailedLogin.attempted_at < now - window))
        db.session.add(FailedLogin(username=name, address=address, attempted_at=now))
        audit.record("auth.login_failed", "user", name, None, address=address)
        db.session.flush()
        raise Unauthorized(REFUSED, keep_work=True)
    assert user is not None
    # The right password ends this username's run of failures from this address.
    db.session.execute(
        delete(FailedLogin).where(FailedLogin.username == name, FailedLogin.address == address)
    )
    return user


def _kept(text: str) -> str:
    """The text as stored: at most the column's width, a lone surrogate made visible."""
    return text[:_KEPT].encode("utf-8", "backslashreplace").decode("utf-8")


def _check_limits(name: str, address: str, now: datetime) -> None:
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    pair_limit = config["LOGIN_FAILURES_PER_USERNAME"]
    since = now - window
    pair = _recent(since, pair_limit, FailedLogin.username == name, FailedLogin.address == address)
    if len(pair) >= pair_limit:
        # Free again once the oldest of the last ``pair_limit`` failures leaves the window.
        _refuse(pair[-1] + window, now)
    if not pair:
        return
    address_limit = config["LOGIN_FAILURES_PER_ADDRESS"]
    at_address = _recent(since, address_limit, FailedLogin.address == address)
    if len(at_address) >= address_limit:
        # Free again when the address falls below its limit or this username's failures expire.
        _refuse(min(at_address[-1], pair[0]) + window, now)


def _recent(since: datetime, limit: int, *where: object) -> list[datetime]:
    """The times of the newest ``limit`` failures matching ``where`` since ``since``."""
    return list(
        db.session.scalars(
            select(FailedLogin.attempted_at)
            .where(FailedLogin.attempted_at > since, *where)
            .order_by(FailedLogin.attempted_at.desc())
            .limit(limit)
        )
    )


def _refuse(free_at: datetime, now: datetime) -> None:
    retry_after = max(1, math.ceil((free_at - now).total_seconds()))
    raise TooManyRequests("Too many failed logins; try again later", retry_after=retry_after)
