"""Conditional GET: answer 304 to a matching If-None-Match before the body is made."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response

from inspection.http.headers import matching_etag


def conditional(
    etag: str, build: Callable[[], Response], *, weak: bool = False, confidential: bool = False
) -> Response:
    """304 when the caller has this ETag already, else the response ``build`` makes.

    ``build`` runs only without a match, so the expensive work goes in it.
    Weak ETags are for bodies made from the same inputs whose bytes may
    differ (a GeoPackage records when it was written); a compressed body's
    ETag names its coding (``headers.matching_etag``). The answer is private
    to the caller (roles see different things) and always revalidated: the
    data may change at any time. ``confidential`` answers (real positions of
    protected shelters) are kept out of every cache.
    """
    matched = matching_etag(etag)
    response = Response(status=304) if matched else build()
    response.set_etag(matched or etag, weak=weak)
    response.headers["Cache-Control"] = "no-store" if confidential else "private, no-cache"
    response.vary.add("Authorization")
    return response
