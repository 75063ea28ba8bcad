"""How the pages show a status: its label in plain Dutch (or English), colour and text colour."""

from __future__ import annotations

from typing import Any

from inspection.vocabulary import STATUS_LABELS, WORST_FIRST
from inspection.web.colours import DEFAULT_EDGE, EDGE_COLOURS, STATUS_COLOURS

BLACK, WHITE = "#000000", "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return max((BLACK, WHITE), key=lambda text: contrast_ratio(text, background))


def statuses() -> list[dict[str, Any]]:
    """Every status with its labels and colours, worst first (for the pages' scripts)."""
    return [
        {
            "code": code,
            "label": {lang: labels[code] for lang, labels in STATUS_LABELS.items()},
            "colour": STATUS_COLOURS[code],
            "edge": EDGE_COLOURS.get(code, DEFAULT_EDGE),
            "text": text_colour(STATUS_COLOURS[code]),
        }
        for code in WORST_FIRST
    ]


def status_css() -> str:
    """CSS classes ``status-<code>`` for badges and legend swatches, made from the colours."""
    rules = []
    for status in statuses():
        code = status["code"]
        rules.append(
            f".status-{code}{{background:{status['colour']};color:{status['text']};"
            f"border-color:{status['edge']}}}\n"
            f".swatch-{code}{{background:{status['colour']};border-color:{status['edge']}}}\n"
        )
    return "".join(rules)
