"""The application factory: ``flask --app app ...`` finds ``create_app`` here."""

from __future__ import annotations

import os
from typing import Any

import orjson
from flask import Flask

from inspection.http.json import OrjsonProvider
from inspection.settings import NETHERLANDS
from inspection.settings import configure as configure_settings
from inspection.stored_results import column_text

__all__ = ["NETHERLANDS", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests).

    What the environment may set, and how, is in ``inspection.settings``.
    """
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
    """JSON for the database: orjson, several times faster than json on result lists.

    ``stored_results.column_text``, which the rescoring also writes its text with: on SQLite
    an unchanged row is found by its text being the same.
    """
    return column_text(value)


def _instance_path() -> str:
    return os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(__file__), "instance")


def _configure_settings(app: Flask, config: dict[str, Any]) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": True,
        "json_serializer": json_dumps,
        "json_deserializer": orjson.loads,
    }
    configure_settings(app, config)


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
