"""The web pages: the phone form, the manager's view and the map (blueprint ``pages``).

The pages are static HTML and small scripts; all data comes from the JSON API
with the bearer token the scripts keep in localStorage. No cookie is ever
used for authentication, so the pages need no CSRF protection.
"""

from __future__ import annotations

from flask import Flask

from inspection.web import reports_pages  # noqa: F401  (adds the report pages to ``pages``)
from inspection.web.pages import pages


def init_web(app: Flask) -> None:
    """Register the pages (the map's tile layer comes from ``MAP_TILE_URL``)."""
    app.register_blueprint(pages)


__all__ = ["init_web", "pages"]
