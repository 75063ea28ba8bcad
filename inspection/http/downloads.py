"""Names of downloaded files: the export, its filters and its date, in a Content-Disposition.

A file saved from ``/exports/locations.csv?status=below&province=Fryslân``
is called ``locations_2026-11-29_status-below_province-Fryslân.csv`` rather
than ``locations.csv`` ten times over in a downloads folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

# The filters that name a file, in this order; anything else (such as ``as_of``,
# which is the date) stays out.
NAMED_FILTERS = ("level", "status", "type", "province", "domain", "dialect", "size")
_UNSAFE = re.compile(r"[^\w.]+|_+")


def download_name(export: str, extension: str, day: date, args: Mapping[str, Any]) -> str:
    """``<export>_<day>[_<filter>-<value>...].<extension>``, safe in every file system.

    Parameters
    ----------
    export : str
        What the file holds (``locations``, ``regions``, ``locations-map``).
    extension : str
        Without the dot.
    day : date
        The date of the picture (``as_of``, or today).
    args : mapping
        The parsed query; the values of ``NAMED_FILTERS`` that are set are named.
    """
    parts = [_safe(export), day.isoformat()]
    for name in NAMED_FILTERS:
        value = args.get(name)
        if value is None or value == "" or value == []:
            continue
        values: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
        parts.append(f"{name}-{'-'.join(_safe(str(v)) for v in values)}")
    return f"{'_'.join(parts)}.{extension}"


def content_disposition(filename: str, inline: bool = False) -> str:
    """An RFC 6266 header value: an ASCII ``filename`` and the UTF-8 ``filename*``."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode().replace('"', "")
    )
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def _safe(text: str) -> str:
    """Letters (any script), digits, dots and underscores kept; any other run becomes ``-``."""
    return _UNSAFE.sub("-", text).strip("-._") or "x"
