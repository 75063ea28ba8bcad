"""Status colours of the maps: the one place the PNG map and the web pages take them from.

A diverging red-green scheme (ColorBrewer RdYlGn-like, colour-blind safer
than pure red/green because lightness differs too), worst status darkest red.
Which statuses there are, their order and their labels are the caller's
(``inspection.vocabulary``); this is only their palette.
"""

from __future__ import annotations

STATUS_COLOURS: dict[str, str] = {
    "critical": "#b2182b",
    "below_norm": "#ef8a62",
    "incomplete": "#fddbc7",
    "meets_norms": "#4d9221",
    "not_inspected": "#999999",
}
# Light fills get a dark edge so that they stay visible on a light background.
EDGE_COLOURS: dict[str, str] = {"incomplete": "#8c510a"}
DEFAULT_EDGE = "#333333"

# The choropleth of the share of locations below the norms (0 to 1): light to dark red.
SHARE_COLOURMAP = "Reds"
NO_LOCATIONS_COLOUR = "#f0f0f0"
BOUNDARY_COLOUR = "#6b6b6b"
LAND_COLOUR = "#f7f7f2"
GRID_COLOUR = "#dddddd"


def edge_colour(status: str) -> str:
    """The edge colour of a marker of ``status``."""
    if status not in STATUS_COLOURS:
        raise ValueError(f"unknown status {status!r}")
    return EDGE_COLOURS.get(status, DEFAULT_EDGE)
