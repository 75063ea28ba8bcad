"""Passwords: hashing and checking them, and refusing weak ones.

Hashes are Argon2id at the configured cost. A login for an unknown or
deactivated user verifies the password against a stand-in hash of the same
cost, so that the answer's timing does not tell which usernames exist.
"""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from inspection.models import User

MIN_PASSWORD_LENGTH = 12
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from an offline
# slow-hash scenario"; below that are dictionary words, keyboard walks, repeats.
MIN_STRENGTH = 3
# zxcvbn refuses longer input; the first 72 characters decide the strength.
_STRENGTH_PREFIX = 72

_stand_in_hashes: dict[tuple[tuple[str, object], ...], str] = {}
# zxcvbn keeps the user inputs of a call in module state: one call at a time.
_estimator_lock = threading.Lock()


def _cost() -> dict[str, object]:
    """``PASSWORD_HASH_COST`` (argon2's own defaults when unset)."""
    return dict(current_app.config.get("PASSWORD_HASH_COST") or {})


def _hasher() -> PasswordHasher:
    return PasswordHasher(**_cost())  # type: ignore[arg-type]


def _encoded(password: str) -> bytes:
    # A lone surrogate cannot be UTF-8; kept as its code point it still only matches itself.
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    return _hasher().hash(_encoded(password))


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; with no user, the same work and False.

    Rehashes transparently when the cost parameters were changed.
    """
    hasher = _hasher()
    stored = user.password_hash if user is not None else _stand_in_hash(hasher)
    try:
        hasher.verify(stored, _encoded(password))
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(_encoded(password))
    return True


def _stand_in_hash(hasher: PasswordHasher) -> str:
    """A hash of a random secret at the current cost, made once per process and cost."""
    key = tuple(sorted(_cost().items()))
    if key not in _stand_in_hashes:
        _stand_in_hashes[key] = hasher.hash(secrets.token_urlsafe(32))
    return _stand_in_hashes[key]


def password_problems(password: str, related: tuple[str, ...] = ()) -> list[str]:
    """Why a new password is refused (an empty list when it is fine).

    Length is checked here; weakness by zxcvbn, a maintained estimator of how
    many guesses a password takes (dictionaries, names, keyboard patterns,
    repeats, dates), which also knows ``related`` words such as the username.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"must be at least {MIN_PASSWORD_LENGTH} characters"]
    with _estimator_lock:
        estimate = zxcvbn(password[:_STRENGTH_PREFIX], user_inputs=list(related))
    if estimate["score"] >= MIN_STRENGTH:
        return []
    feedback = estimate["feedback"]
    reasons = [feedback["warning"], *feedback["suggestions"]]
    detail = " ".join(reason for reason in reasons if reason)
    return [f"too easy to guess{': ' + detail if detail else ''}"]
