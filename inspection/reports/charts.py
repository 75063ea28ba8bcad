"""The national report's pictures as SVG: a choropleth of the provinces and a quarterly trend.

Drawn by hand rather than with matplotlib: a few dozen paths and bars are
written in milliseconds and stay sharp at any zoom in the PDF.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence
from html import escape

import geopandas
import shapely

from geodata.colours import BOUNDARY_COLOUR, NO_LOCATIONS_COLOUR

# Light to dark red: more children in locations below the norms is worse.
CLASS_COLOURS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
# Generalisation of the boundaries for a map some 12 cm wide (degrees).
SIMPLIFY = 0.004


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def class_breaks(values: Sequence[float], classes: int = len(CLASS_COLOURS)) -> list[float]:
    """Upper bounds of equal-width classes from 0 to the largest value, rounded up."""
    top = max(values, default=0)
    if top <= 0:
        return [0.0]
    step = _nice(top / classes)
    return [step * (i + 1) for i in range(classes)]


def _nice(value: float) -> float:
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def colour_of(value: float, breaks: list[float]) -> str:
    if value <= 0:
        return NO_LOCATIONS_COLOUR
    for colour, bound in zip(CLASS_COLOURS, breaks, strict=False):
        if value <= bound:
            return colour
    return CLASS_COLOURS[-1]


def choropleth(
    regions: geopandas.GeoDataFrame,
    values: Sequence[float],
    *,
    title: str,
    legend_none: str,
    credit: str | None,
    number: Callable[[float], str],
    width: float = 480.0,
) -> str:
    """An SVG map of ``regions`` (name, polygon geometry in EPSG:4326) shaded by ``values``."""
    geometry = shapely.simplify(regions.geometry.array, SIMPLIFY, preserve_topology=True)
    minx, miny, maxx, maxy = shapely.total_bounds(geometry)
    # Equirectangular at the middle latitude: true shapes for a country this small.
    squeeze = math.cos(math.radians((miny + maxy) / 2))
    scale = (width - 150) / ((maxx - minx) * squeeze)
    height = (maxy - miny) * scale + 30

    def xy(x: float, y: float) -> str:
        return f"{(x - minx) * squeeze * scale + 4:.1f},{(maxy - y) * scale + 24:.1f}"

    breaks = class_breaks(values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, sans-serif">',
        f'<text x="4" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
    ]
    labels = []
    for shape, name, value in zip(geometry, regions["name"], values, strict=True):
        rings = []
        for polygon in getattr(shape, "geoms", [shape]):
            if polygon.is_empty:
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                rings.append("M" + " L".join(xy(x, y) for x, y in ring.coords) + " Z")
        parts.append(
            f'<path d="{" ".join(rings)}" fill="{colour_of(value, breaks)}" '
            f'fill-rule="evenodd" stroke="{BOUNDARY_COLOUR}" stroke-width="0.6">'
            f"<title>{escape(str(name))}: {number(value)}</title></path>"
        )
        point = shape.representative_point()
        px, py = xy(point.x, point.y).split(",")
        # A white halo first, then the figure on top of it: readable on every shade.
        for paint in ('fill="#fff" stroke="#fff" stroke-width="2.4"', 'fill="#111"'):
            labels.append(
                f'<text x="{px}" y="{py}" font-size="9" font-weight="bold" '
                f'text-anchor="middle" {paint}>{number(value)}</text>'
            )
    parts.extend(labels)
    parts.append(_legend(breaks, width - 140, 40, legend_none, number))
    if credit:
        parts.append(
            f'<text x="{width - 4:.0f}" y="{height - 4:.0f}" font-size="7" fill="#666" '
            f'text-anchor="end">{escape(credit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(
    breaks: list[float], x: float, y: float, none: str, number: Callable[[float], str]
) -> str:
    rows = [(NO_LOCATIONS_COLOUR, "0" if breaks != [0.0] else none)]
    lower = 0.0
    for colour, bound in zip(CLASS_COLOURS, breaks, strict=False):
        rows.append((colour, f"{number(math.floor(lower) + 1)} – {number(bound)}"))
        lower = bound
    out = []
    for i, (colour, text) in enumerate(rows if breaks != [0.0] else rows[:1]):
        top = y + i * 16
        out.append(
            f'<rect x="{x:.0f}" y="{top:.0f}" width="14" height="11" fill="{colour}" '
            f'stroke="{BOUNDARY_COLOUR}" stroke-width="0.5"/>'
            f'<text x="{x + 20:.0f}" y="{top + 9:.0f}" font-size="9">{escape(text)}</text>'
        )
    return "".join(out)


def trend_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    number: Callable[[float], str],
    width: float = 480.0,
    height: float = 140.0,
) -> str:
    """Grouped bars per quarter, one colour per series (name, values, colour), values on top."""
    left, right, top, bottom = 10.0, 10.0, 26.0, 34.0
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, values, _ in series for v in values), default=0) or 1
    group = plot_w / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, sans-serif">',
        f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{width - right}" y2="{top + plot_h:.1f}" '
        'stroke="#555" stroke-width="0.8"/>',
    ]
    for s, (name, values, colour) in enumerate(series):
        parts.append(
            f'<rect x="{left + s * 150:.0f}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + s * 150 + 14:.0f}" y="13" font-size="9">{escape(name)}</text>'
        )
        for i, value in enumerate(values):
            h = plot_h * value / peak
            x = left + i * group + group * 0.1 + s * bar
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
                f'<text x="{x + bar / 2:.1f}" y="{y - 2:.1f}" font-size="7" '
                f'text-anchor="middle">{number(value)}</text>'
            )
    for i, label in enumerate(labels):
        x = left + i * group + group / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 13:.1f}" font-size="8.5" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
