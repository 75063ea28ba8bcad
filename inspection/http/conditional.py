"""Conditional GET: answer 304 to a matching If-None-Match before the body is made."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request


def conditional(etag: str, build: Callable[[], Response], *, weak: bool = False) -> Response:
    """304 when the caller has this ETag already, else the response ``build`` makes.

    ``build`` runs only without a match, so the expensive work goes in it.
    Weak ETags are for bodies made from the same inputs whose bytes may
    differ (a GeoPackage records when it was written). The answer is private
    to the caller (roles see different things) and always revalidated: the
    data may change at any time.
    """
    response = Response(status=304) if request.if_none_match.contains_weak(etag) else build()
    response.set_etag(etag, weak=weak)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    return response
