"""Status colours and labels of the maps: the one place the PNG map and the web map take them from.

A diverging red-green scheme (ColorBrewer RdYlGn-like, colour-blind safer
than pure red/green because lightness differs too), worst status darkest red.
"""

from __future__ import annotations

# Drawing order: the worst last, so that it lies on top where points overlap.
STATUS_ORDER = ("not_inspected", "meets_norms", "incomplete", "below_norm", "critical")

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

# Legend labels of the maps, in Dutch: the readers of the reports.
STATUS_LABELS_NL: dict[str, str] = {
    "critical": "Kritiek",
    "below_norm": "Onder de norm",
    "incomplete": "Onvolledig ingevuld",
    "meets_norms": "Voldoet aan de normen",
    "not_inspected": "Nog niet geïnspecteerd",
}

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
