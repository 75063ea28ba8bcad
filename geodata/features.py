"""One location as a GeoJSON feature, byte for byte what ``exports.to_geojson`` writes for it.

``to_geojson`` writes a whole picture at once. The service also keeps each
location's feature serialised at write time, so that an export only
concatenates them (``collection``); these functions make such a feature from
plain values, and patch one for a reader who may not see it as it is
(``masked``). Tests hold them to ``to_geojson``'s bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

import numpy as np
import orjson

from geodata.exports import DECIMALS, PROPERTIES

_HEAD = b'{"type":"FeatureCollection","features":['
_TAIL = b"]}"
# Features per part of a collection's bytes (``collection_parts``): some 60 KB.
PER_PART = 100
# The properties that come from the location, and those of its picture, in PROPERTIES order.
# The last, ``masked``, says whether code, name and point were replaced for the reader:
# false in a feature as made, true once ``masked`` has patched it.
LOCATION_PROPERTIES = ("code", "name", "type", "municipality", "province", "capacity")
PICTURE_PROPERTIES = tuple(p for p in PROPERTIES if p not in (*LOCATION_PROPERTIES, "masked"))


def rounded(value: float) -> float:
    """A coordinate as the exports write it: numpy's rounding, which ``to_geojson`` uses."""
    return float(np.round(np.float64(value), DECIMALS))


def iso_time(moment: datetime | None, zone: tzinfo) -> str | None:
    """``moment`` in ``zone`` to the second (``2026-11-20T10:15:00+01:00``), as ``iso_times``."""
    if moment is None:
        return None
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def feature(
    point: tuple[float, float] | None,
    location: Mapping[str, Any],
    picture: Mapping[str, Any],
) -> bytes:
    """A location's feature as it is: ``point`` (longitude, latitude; None: no geometry).

    ``location`` holds ``LOCATION_PROPERTIES`` and ``picture`` the
    ``PICTURE_PROPERTIES`` as JSON values (times already as text,
    ``iso_time``); ``masked`` is false.
    """
    geometry = None
    if point is not None:
        geometry = {"type": "Point", "coordinates": [rounded(point[0]), rounded(point[1])]}
    properties = {name: location[name] for name in LOCATION_PROPERTIES}
    properties.update((name, picture[name]) for name in PICTURE_PROPERTIES)
    properties["masked"] = False
    if tuple(properties) != PROPERTIES:
        raise ValueError(f"feature properties out of order: {tuple(properties)}")
    return orjson.dumps({"type": "Feature", "geometry": geometry, "properties": properties})


def masked(stored: bytes, code: str, name: str, point: tuple[float, float] | None) -> bytes:
    """A stored feature with another code, name and point (None: no geometry), marked masked.

    All else is kept: orjson reads and writes every other value unchanged.
    """
    data = orjson.loads(stored)
    data["properties"]["code"] = code
    data["properties"]["name"] = name
    data["properties"]["masked"] = True
    data["geometry"] = (
        None
        if point is None
        else {"type": "Point", "coordinates": [rounded(point[0]), rounded(point[1])]}
    )
    return orjson.dumps(data)


def collection_parts(features: Sequence[bytes]) -> list[bytes]:
    """A FeatureCollection of serialised features, as ``to_geojson`` writes it, in parts.

    Joined, the parts are the collection's bytes. A server sends them one
    after the other: a body of megabytes in one piece would be fresh memory
    on every request (the system hands out and zeroes every page of it
    again), while parts of some 60 KB reuse the memory of earlier ones.
    """
    return finished(
        [
            collection_part(features[start : start + PER_PART], first=start == 0)
            for start in range(0, len(features), PER_PART)
        ]
    )


def collection_part(features: Sequence[bytes], *, first: bool) -> bytes:
    """Up to ``PER_PART`` features of a collection, after its head or after a comma.

    A part depends on its features and whether it is the first, not on the
    parts around it: a part made for one collection may serve in another.
    """
    return (_HEAD if first else b",") + b",".join(features)


def joined(features: Sequence[bytes]) -> bytes:
    """Features as a run of a collection: each after a comma (``collection_of`` takes them)."""
    return b"".join(b"," + body for body in features)


def collection_of(runs: Sequence[bytes]) -> list[bytes]:
    """A FeatureCollection, in parts, of runs of features (``joined``) in order.

    The same bytes as ``collection_parts`` of all their features; an empty
    run is left out, and no run but the first is copied.
    """
    parts = [run for run in runs if run]
    if not parts:
        return finished([])
    return finished([_HEAD + parts[0][1:], *parts[1:]])


def finished(parts: list[bytes]) -> list[bytes]:
    """The parts of a collection (``collection_part``, in order) with its end."""
    if not parts:
        return [_HEAD + _TAIL]
    return [*parts[:-1], parts[-1] + _TAIL]
