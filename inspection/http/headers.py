"""HTTP around the endpoints: compression, caching of personal data, and CORS.

- Responses of text kinds over 1 KB (JSON, GeoJSON, CSV, SVG, the pages'
  HTML) are compressed with Brotli or gzip, whichever the client accepts
  (flask-compress); a strong ETag gets the coding appended (``"abc:br"``),
  as RFC 9110 asks for a different representation.
- API responses say ``Cache-Control: no-store`` unless their endpoint chose
  otherwise: the token, users, inspections (inspectors' names, notes,
  positions) and confidential locations must not stay in a browser's or a
  proxy's cache.
- CORS is off unless ``CORS_ORIGINS`` names the origins (comma-separated)
  whose pages may call the API, such as a dashboard on another host.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress
from flask_cors import CORS

API_PREFIX = "/api/v1"
COMPRESSED_TYPES = [
    "application/json",
    "application/geo+json",
    "text/csv",
    "image/svg+xml",
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/xml",
    "text/xml",
]
# The OpenAPI document and its page are public and change only with a release.
REVALIDATED = (f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs")
# What a page on an allowed origin may send and read.
CORS_ALLOWED_HEADERS = ["Authorization", "Content-Type", "If-None-Match"]
CORS_EXPOSED_HEADERS = ["ETag", "Content-Disposition", "Retry-After", "WWW-Authenticate"]
ETAG_CODINGS = ("br", "gzip")


def init_http(app: Flask) -> None:
    """Compression, the API's Cache-Control default and CORS, from the settings."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Files sent from disk (scripts, styles, Leaflet) stream: compressing them chunk by chunk
    # would drop their Content-Length and conditional answers. A proxy in front can do it.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)

    @app.after_request
    def _no_store_by_default(response: Response) -> Response:
        if request.path.startswith(API_PREFIX) and "Cache-Control" not in response.headers:
            revalidate = request.path.startswith(REVALIDATED)
            response.headers["Cache-Control"] = "no-cache" if revalidate else "no-store"
        return response

    origins = cors_origins(app.config.get("CORS_ORIGINS", ""))
    app.config["CORS_ORIGINS"] = origins
    if origins:
        CORS(
            app,
            resources={f"{API_PREFIX}/*": {"origins": origins}},
            allow_headers=CORS_ALLOWED_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            supports_credentials=False,  # bearer tokens, never cookies
            max_age=600,
        )


def cors_origins(setting: str | list[str] | tuple[str, ...]) -> list[str]:
    """The origins of ``CORS_ORIGINS``: a comma-separated string or a list; empty means off.

    Raises
    ------
    ValueError
        For an entry that is not ``*`` or ``scheme://host[:port]`` (a path or a
        trailing slash would never match a browser's Origin header).
    """
    entries = setting.split(",") if isinstance(setting, str) else list(setting)
    origins = [entry.strip() for entry in entries if entry.strip()]
    for origin in origins:
        if origin == "*":
            continue
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest:
            raise ValueError(
                f"CORS_ORIGINS: {origin!r} is not an origin such as https://dashboard.example.nl"
            )
    return origins


def matching_etag(etag: str) -> str | None:
    """The tag of If-None-Match that names ``etag``, also as compressed (``"abc:br"``)."""
    candidates = (etag, *(f"{etag}:{coding}" for coding in ETAG_CODINGS))
    return next((tag for tag in candidates if request.if_none_match.contains_weak(tag)), None)
