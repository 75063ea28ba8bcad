"""Status colours of the web pages: the very same as the PNG map's (``geodata/colours.py``)."""

from __future__ import annotations

from geodata.colours import DEFAULT_EDGE, EDGE_COLOURS, STATUS_COLOURS

__all__ = ["DEFAULT_EDGE", "EDGE_COLOURS", "STATUS_COLOURS"]
