"""The service's settings: their defaults, and how a deployment sets each without code.

Every setting can come from the environment under its own name with the
prefix ``INSPECTION_`` (``INSPECTION_TOKEN_TTL_SECONDS=28800``), read by
Flask's ``from_prefixed_env``: the value is parsed as JSON, so numbers,
``true``/``false``, lists and objects arrive as such, and anything that is no
JSON as text. The settings older than the prefix keep their plain names as
well (``DATABASE_URL``, ``SECRET_KEY``, ``SERVICE_AREA``, ...); the prefixed
name wins when both are set. A value of the wrong kind, or a prefixed name
that is no setting (a typo would otherwise be ignored), stops the start with
a ``SettingError`` naming the variable, instead of failing in some request
later.
"""

from __future__ import annotations

import copy
import difflib
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask

PREFIX = "INSPECTION"

# The Netherlands, with a margin for the coast and border towns:
# (min_longitude, min_latitude, max_longitude, max_latitude).
NETHERLANDS = (3.2, 50.7, 7.3, 53.6)

# Settings of Flask's extensions that may be given with the prefix too (their own names).
EXTENSION_PREFIXES = ("SQLALCHEMY_", "COMPRESS_", "API_", "OPENAPI_")


class SettingError(ValueError):
    """A setting with a value the service cannot run with; the message names its variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    check: Callable[[Any], Any]  # the value to use, or ValueError saying what it must be
    plain: str | None = None  # the name without prefix that is read too
    # Text taken as written: JSON would make a number of a key or a caption of digits.
    verbatim: bool = False


def whole(least: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"must be a whole number of {least} or more")
        return value

    return check


def textual(name: str, default: str | None, *, empty: bool, plain: str | None = None) -> Setting:
    """A text setting, taken as written (also from the prefixed name)."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise ValueError("must be text" if empty else "must be a non-empty text")
        return value

    return Setting(name, default, check, plain, verbatim=True)


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def area(value: Any) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` as text or as a JSON list, in WGS84."""
    parts = value.split(",") if isinstance(value, str) else value
    must = ValueError(
        "must be min_longitude,min_latitude,max_longitude,max_latitude in degrees, "
        "for instance 3.2,50.7,7.3,53.6"
    )
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise must
    try:
        west, south, east, north = (float(part) for part in parts)
    except (TypeError, ValueError):
        raise must from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise must
    return (west, south, east, north)


def origins(value: Any) -> str | list[str]:
    """Comma-separated text or a list of texts; each origin is checked by the CORS setup."""
    if isinstance(value, str) or (
        isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    ):
        return value
    raise ValueError("must be origins separated by commas, or a JSON list of them")


HASH_COSTS = ("time_cost", "memory_cost", "parallelism")


def hash_cost(value: Any) -> dict[str, int]:
    """Argon2id's costs, for instance ``{"time_cost": 3, "memory_cost": 65536}`` (empty: its
    own defaults)."""
    if isinstance(value, Mapping) and all(
        key in HASH_COSTS and isinstance(cost, int) and not isinstance(cost, bool) and cost > 0
        for key, cost in value.items()
    ):
        return dict(value)
    raise ValueError(f"must be a JSON object of whole numbers above 0 for {', '.join(HASH_COSTS)}")


def _sqlite_file(app: Flask) -> str:
    return f"sqlite:///{os.path.join(app.instance_path, 'inspection.sqlite3')}"


SETTINGS = (
    textual("SQLALCHEMY_DATABASE_URI", None, empty=False, plain="DATABASE_URL"),
    textual("SECRET_KEY", None, empty=False, plain="SECRET_KEY"),
    # How many reverse proxies (load balancers) in front of the app append to
    # X-Forwarded-For; the client address is read that many hops from the end.
    Setting("TRUSTED_PROXIES", 0, whole(0), plain="TRUSTED_PROXIES"),
    Setting("SERVICE_AREA", NETHERLANDS, area, plain="SERVICE_AREA"),
    Setting("CORS_ORIGINS", "", origins, plain="CORS_ORIGINS"),
    textual("MAP_TILE_URL", "", empty=True, plain="MAP_TILE_URL"),
    textual("MAP_TILE_ATTRIBUTION", "", empty=True, plain="MAP_TILE_ATTRIBUTION"),
    textual("NORM_CATALOGUE", "nl-children", empty=False),
    Setting("JSON_MAX_BYTES", 1024 * 1024, whole(1)),
    Setting("PHOTO_MAX_BYTES", 8 * 1024 * 1024, whole(1)),
    Setting("PHOTOS_PER_INSPECTION", 20, whole(1)),
    Setting("OPENROSA_XML_MAX_BYTES", 1024 * 1024, whole(1)),
    Setting("TOKEN_TTL_SECONDS", 24 * 3600, whole(1)),
    Setting("LOGIN_WINDOW_SECONDS", 15 * 60, whole(1)),
    Setting("LOGIN_FAILURES_PER_USERNAME", 5, whole(1)),
    Setting("LOGIN_FAILURES_PER_ADDRESS", 20, whole(1)),
    Setting("HEARING_DAYS", 14, whole(1)),
    # What a 503 during a database outage asks clients to wait before trying again.
    Setting("DATABASE_RETRY_AFTER_SECONDS", 30, whole(1)),
    Setting("DEFAULT_BOUNDARIES", True, flag),
    Setting("PASSWORD_HASH_COST", {}, hash_cost),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def configure(app: Flask, config: Mapping[str, Any]) -> None:
    """Defaults, then the plain names, then the prefixed ones, then ``config`` (tests);
    every setting checked, naming where a bad value came from."""
    # Copies: a prefixed ``NAME__key`` writes into a default dict, which other apps share.
    defaults = {setting.name: copy.deepcopy(setting.default) for setting in SETTINGS}
    defaults["SQLALCHEMY_DATABASE_URI"] = _sqlite_file(app)
    # Without a key from outside every process makes its own: tokens and sessions stay
    # valid in one worker only, which `flask check production` refuses.
    defaults["SECRET_KEY"] = secrets.token_hex(32)
    app.config.update(defaults)
    source = {name: name for name in defaults}
    for setting in SETTINGS:
        if setting.plain and os.environ.get(setting.plain):
            app.config[setting.name] = os.environ[setting.plain]
            source[setting.name] = setting.plain
    prefixed = {key[len(PREFIX) + 1 :] for key in os.environ if key.startswith(f"{PREFIX}_")}
    _refuse_unknown(prefixed, known=set(app.config))
    app.config.from_prefixed_env(PREFIX)
    for name in prefixed:
        source[name.split("__")[0]] = f"{PREFIX}_{name}"
        if name in BY_NAME and BY_NAME[name].verbatim:
            app.config[name] = os.environ[f"{PREFIX}_{name}"]
    app.config.update(config)
    for setting in SETTINGS:
        try:
            app.config[setting.name] = setting.check(app.config[setting.name])
        except ValueError as exc:
            given = app.config[setting.name]
            raise SettingError(f"{source[setting.name]} {exc}, not {given!r}") from None


def from_environment(name: str) -> str | None:
    """The value a setting was given in the environment (prefixed or plain), if any."""
    setting = BY_NAME[name]
    return os.environ.get(f"{PREFIX}_{name}") or (
        os.environ.get(setting.plain) if setting.plain else None
    )


def _refuse_unknown(names: set[str], known: set[str]) -> None:
    """A prefixed name that is no setting of the service, Flask or its extensions is a typo."""
    for name in sorted(names):
        base = name.split("__")[0]
        if base in known or base.startswith(EXTENSION_PREFIXES):
            continue
        close = difflib.get_close_matches(base, BY_NAME, n=1)
        hint = f"; did you mean {PREFIX}_{close[0]}?" if close else ""
        raise SettingError(f"{PREFIX}_{name} is not a setting of the service{hint}")
