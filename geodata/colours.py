"""Status colours and labels of the maps: the one place the PNG map and the web map take them from.

The statuses that need action are saturated warm colours (critical dark
red, below the norms orange) and drawn larger; the others are muted and
small, so that on a national map the locations below the norms stand out.
Lightness differs as well as hue, which keeps them apart for colour-blind
readers. Regions are shaded in blues, a family no status dot uses.
"""

from __future__ import annotations

# Drawing order: the worst last, so that it lies on top where points overlap.
STATUS_ORDER = ("not_inspected", "meets_norms", "incomplete", "below_norm", "critical")

STATUS_COLOURS: dict[str, str] = {
    "critical": "#b2182b",
    "below_norm": "#f07d19",
    "incomplete": "#f6e08e",
    "meets_norms": "#a3bf9a",
    "not_inspected": "#dcdcdc",
}
# Light fills get a darker edge of their own hue so that they stay visible on a light map.
EDGE_COLOURS: dict[str, str] = {
    "incomplete": "#8c6d0a",
    "meets_norms": "#5f7f56",
    "not_inspected": "#7a7a7a",
}
DEFAULT_EDGE = "#333333"
# Relative marker sizes: the statuses that need action are the ones to see first.
MARKER_SCALE: dict[str, float] = {
    "critical": 1.0,
    "below_norm": 1.0,
    "incomplete": 0.75,
    "meets_norms": 0.6,
    "not_inspected": 0.6,
}

# Legend labels of the maps, in Dutch: the readers of the reports.
STATUS_LABELS_NL: dict[str, str] = {
    "critical": "Kritiek",
    "below_norm": "Onder de norm",
    "incomplete": "Onvolledig ingevuld",
    "meets_norms": "Voldoet aan de normen",
    "not_inspected": "Nog niet geïnspecteerd",
}

# The choropleth of the share of locations below the norms (0 to 1): light to mid blue,
# a part of matplotlib's "Blues" that stays light enough for the dots on top.
SHARE_COLOURMAP = "Blues"
SHARE_COLOURMAP_RANGE = (0.08, 0.6)
NO_LOCATIONS_COLOUR = "#f4f4f1"
BOUNDARY_COLOUR = "#8a8a8a"
LAND_COLOUR = "#fbfbf8"
WATER_COLOUR = "#e4edf3"
COUNTRY_COLOUR = "#555555"
GRID_COLOUR = "#dddddd"


def edge_colour(status: str) -> str:
    """The edge colour of a marker of ``status``."""
    if status not in STATUS_COLOURS:
        raise ValueError(f"unknown status {status!r}")
    return EDGE_COLOURS.get(status, DEFAULT_EDGE)
