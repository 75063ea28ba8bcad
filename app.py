"""The application factory: ``flask --app app ...`` finds ``create_app`` here."""

from __future__ import annotations

import os
import secrets
from typing import Any

import orjson
from flask import Flask

from inspection.http.json import OrjsonProvider

# The Netherlands, with a margin for the coast and border towns:
# (min_longitude, min_latitude, max_longitude, max_latitude).
NETHERLANDS = (3.2, 50.7, 7.3, 53.6)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests)."""
    app = Flask("inspection", instance_path=_instance_path(), instance_relative_config=True)
    _configure_settings(app, config or {})
    _configure_proxies(app)
    app.json = OrjsonProvider(app)
    _configure_caches(app)
    _configure_db(app)
    _configure_errors(app)
    _configure_api(app)
    _configure_http(app)
    _configure_web(app)
    _configure_openrosa(app)
    _configure_cli(app)
    return app


def json_dumps(value: Any) -> str:
    """JSON for the database: orjson, several times faster than json on result lists."""
    return orjson.dumps(value).decode()


def _instance_path() -> str:
    return os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(__file__), "instance")


def _configure_settings(app: Flask, config: dict[str, Any]) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    sqlite_file = os.path.join(app.instance_path, "inspection.sqlite3")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{sqlite_file}",
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True,
            "json_serializer": json_dumps,
            "json_deserializer": orjson.loads,
        },
        SECRET_KEY=secrets.token_hex(32),
        JSON_MAX_BYTES=1024 * 1024,
        PHOTO_MAX_BYTES=8 * 1024 * 1024,
        PHOTOS_PER_INSPECTION=20,
        OPENROSA_XML_MAX_BYTES=1024 * 1024,
        TOKEN_TTL_SECONDS=24 * 3600,
        LOGIN_WINDOW_SECONDS=15 * 60,
        LOGIN_FAILURES_PER_USERNAME=5,
        LOGIN_FAILURES_PER_ADDRESS=20,
        # How many reverse proxies (load balancers) in front of the app append to
        # X-Forwarded-For; the client address is read that many hops from the end.
        TRUSTED_PROXIES=0,
        NORM_CATALOGUE="nl-children",
        SERVICE_AREA=NETHERLANDS,
        # What a 503 during a database outage asks clients to wait before trying again.
        DATABASE_RETRY_AFTER_SECONDS=30,
        # Processes that score batches during a rescoring; None: one per CPU (1: no others).
        RESCORE_PROCESSES=None,
    )
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("SERVICE_AREA"):
        app.config["SERVICE_AREA"] = tuple(
            float(part) for part in os.environ["SERVICE_AREA"].split(",")
        )
    if os.environ.get("TRUSTED_PROXIES"):
        app.config["TRUSTED_PROXIES"] = _count("TRUSTED_PROXIES", os.environ["TRUSTED_PROXIES"])
    if os.environ.get("RESCORE_PROCESSES"):
        app.config["RESCORE_PROCESSES"] = _count(
            "RESCORE_PROCESSES", os.environ["RESCORE_PROCESSES"]
        )
    app.config.update(config)


def _count(name: str, value: str) -> int:
    if not value.strip().isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def _configure_proxies(app: Flask) -> None:
    """Trust X-Forwarded-For and -Proto only as far as ``TRUSTED_PROXIES`` proxies add them.

    Without proxies (the default) the headers are ignored: a client could
    write any address there and so escape the login limits.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _configure_caches(app: Flask) -> None:
    from inspection.cache import init_caches

    init_caches(app)


def _configure_db(app: Flask) -> None:
    from flask_migrate import Migrate

    from inspection import models  # noqa: F401  (registers the tables for Alembic)
    from inspection.db import db, register_unit_of_work

    db.init_app(app)
    register_unit_of_work(app)
    Migrate(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))


def _configure_errors(app: Flask) -> None:
    from inspection.http.errors import register_error_handlers

    register_error_handlers(app)


def _configure_api(app: Flask) -> None:
    from inspection.http.api import init_api

    init_api(app)


def _configure_http(app: Flask) -> None:
    from inspection.http.headers import init_http

    init_http(app)


def _configure_web(app: Flask) -> None:
    from inspection.web import init_web

    init_web(app)


def _configure_openrosa(app: Flask) -> None:
    from inspection.openrosa.routes import init_openrosa

    init_openrosa(app)


def _configure_cli(app: Flask) -> None:
    from inspection.cli import register_commands

    register_commands(app)
