"""Routes of the pages, their security headers, the service worker and the Leaflet files."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from urllib.parse import urlsplit

import xstatic.pkg.leaflet
from flask import Blueprint, Response, current_app, render_template, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from inspection import location_types
from inspection.vocabulary import served
from inspection.web.status import status_css, statuses

HERE = os.path.dirname(__file__)
LEAFLET_DIR = xstatic.pkg.leaflet.BASE_DIR

STATIC_DIR = os.path.join(HERE, "static")
# Codings a compressed file's ETag may carry (flask-compress appends them).
CODINGS = ("br", "gzip")

pages = Blueprint("pages", __name__, template_folder="templates")

# What the phone form needs offline; the service worker stores these on install.
SHELL_FILES = (
    "css/app.css",
    "js/common.js",
    "js/api-errors.js",
    "js/store.js",
    "js/queue.js",
    "js/outbox-state.js",
    "js/form.js",
    "js/form-texts.js",
    "js/form-outbox.js",
    "js/form-view.js",
    "js/form-findings.js",
    "js/sizes.js",
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


@pages.get("/static/web/<path:filename>", endpoint="static")
def static_file(filename: str) -> Response:
    """The pages' scripts, styles and images, compressed: a phone on a weak connection
    downloads the form's files in about a third of their size."""
    return compressible_file(STATIC_DIR, filename)


@pages.get("/static/leaflet/<path:filename>")
def leaflet(filename: str) -> Response:
    """Leaflet from the installed xstatic package: the map needs no CDN."""
    return compressible_file(LEAFLET_DIR, filename)


def compressible_file(directory: str, filename: str) -> Response:
    """A file sent from memory rather than streamed, so that the compression of the
    app's responses applies to it, with a content ETag and 304 when it matches."""
    path = safe_join(directory, filename)
    if path is None or not os.path.isfile(path):
        raise NotFound()
    with open(path, "rb") as file:
        data = file.read()
    etag = hashlib.sha256(data).hexdigest()[:20]
    for tag in (etag, *(f"{etag}:{coding}" for coding in CODINGS)):
        if request.if_none_match.contains(tag):
            matched = Response(status=304)
            matched.set_etag(tag)
            matched.headers["Cache-Control"] = "no-cache"
            return matched
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = Response(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


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
        with open(os.path.join(STATIC_DIR, name), "rb") as file:
            digest.update(file.read())
    for name in ("base.html", "form.html"):
        with open(os.path.join(HERE, "templates", "web", name), "rb") as file:
            digest.update(file.read())
    # The phone keeps these until the version changes: what the page is made from counts too.
    made_from = [statuses(), served(), current_app.config["PHOTO_MAX_BYTES"], status_css()]
    digest.update(json.dumps(made_from, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:12]
