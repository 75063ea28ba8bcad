"""Routes of the pages, their security headers, the service worker and the Leaflet files."""

from __future__ import annotations

import hashlib
import os
from urllib.parse import urlsplit

import xstatic.pkg.leaflet
from flask import Blueprint, Response, current_app, render_template, send_from_directory

from inspection import location_types
from inspection.vocabulary import served
from inspection.web.status import status_css, statuses

HERE = os.path.dirname(__file__)
LEAFLET_DIR = xstatic.pkg.leaflet.BASE_DIR

pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/web",
)

# What the phone form needs offline; the service worker stores these on install.
SHELL_FILES = (
    "css/app.css",
    "js/common.js",
    "js/store.js",
    "js/queue.js",
    "js/form.js",
    "js/form-texts.js",
    "js/form-outbox.js",
    "js/form-view.js",
)


@pages.get("/")
def overview() -> str:
    """The locations of the logged-in user with their status (the manager's view)."""
    return render_template("web/overview.html", page="overview")


@pages.get("/locations/<code>")
def location(code: str) -> str:
    """One location: latest failed norms, score history and the visits."""
    return render_template("web/location.html", page="location", code=code)


@pages.get("/form")
def form() -> str:
    """The inspector's checklist on the phone; works offline."""
    return render_template(
        "web/form.html",
        page="form",
        photo_max_bytes=current_app.config["PHOTO_MAX_BYTES"],
    )


@pages.get("/form/sw.js")
def service_worker() -> Response:
    """The service worker of the form, with the list of files to keep offline."""
    urls = ["/form", *(f"/static/web/{name}" for name in SHELL_FILES), "/styles/status.css"]
    script = render_template("web/sw.js", shell=urls, version=_shell_version())
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/form"
    response.headers["Cache-Control"] = "no-cache"
    return response


@pages.get("/map")
def map_page() -> str:
    """The locations on a Leaflet map, coloured by status."""
    return render_template(
        "web/map.html",
        page="map",
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@pages.get("/styles/status.css")
def status_styles() -> Response:
    """Badge and legend colours, made from the same colours as the PNG map."""
    response = Response(status_css(), mimetype="text/css")
    response.headers["Cache-Control"] = "no-cache"
    return response


@pages.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for by default (the pages also link an SVG one)."""
    return send_from_directory(os.path.join(HERE, "static", "img"), "favicon.ico")


@pages.get("/static/leaflet/<path:filename>")
def leaflet(filename: str) -> Response:
    """Leaflet from the installed xstatic package: the map needs no CDN."""
    return send_from_directory(LEAFLET_DIR, filename)


@pages.context_processor
def _page_globals() -> dict[str, object]:
    return {"statuses": statuses(), "vocabulary": {**served(), **location_types.served()}}


@pages.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "geolocation=(self), camera=(self), microphone=()"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-cache"
    return response


def content_security_policy() -> str:
    """The policy of every page: only this origin, plus the tile server's images if set."""
    images = ["'self'", "data:", "blob:"]
    tile_source = tile_host(current_app.config.get("MAP_TILE_URL", ""))
    if tile_source:
        images.append(tile_source)
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tile_host(url: str) -> str | None:
    """The CSP source of a tile URL template: ``https://{s}.tile.example.org/...`` gives
    ``https://*.tile.example.org``; None when there is no (usable) URL."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "tiles-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.replace("tiles-subdomain", "*")
    if "{" in host or "}" in host or "@" in host:
        return None
    return f"{parts.scheme}://{host}"


def _shell_version() -> str:
    """A digest of the offline files: a new release gives a new service worker, a fresh cache."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        with open(os.path.join(HERE, "static", name), "rb") as file:
            digest.update(file.read())
    for name in ("base.html", "form.html"):
        with open(os.path.join(HERE, "templates", "web", name), "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()[:12]
