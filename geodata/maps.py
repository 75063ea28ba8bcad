"""The map for reports: locations coloured by status, as a PNG made with matplotlib.

Drawn with the Agg backend on a ``Figure`` of its own (no pyplot state, safe
in threads), without network access or basemap tiles: the province
boundaries (imported, or those shipped with the service) give the land, the
provinces and the outline of the Netherlands; without any, a light grid over
the service area frames the points. The regions are filled in blues by the
share of their locations below the norms; the dots that need action are
large and warm, the others small and muted (``geodata.colours``).
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import geopandas
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import PercentFormatter

from geodata.colours import (
    BOUNDARY_COLOUR,
    COUNTRY_COLOUR,
    GRID_COLOUR,
    LAND_COLOUR,
    MARKER_SCALE,
    NO_LOCATIONS_COLOUR,
    SHARE_COLOURMAP,
    SHARE_COLOURMAP_RANGE,
    STATUS_COLOURS,
    WATER_COLOUR,
    edge_colour,
)
from geodata.picture import CRS


@dataclass(frozen=True)
class MapSize:
    width_px: int
    height_px: int
    dpi: int


SIZES = {
    # A phone screen in portrait (Instagram-like 4:5), readable without zooming.
    "phone": MapSize(1080, 1350, 200),
    # A4 portrait at 150 dpi: 8.27 x 11.69 inch.
    "a4": MapSize(1240, 1754, 150),
}
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
TITLE = "Opvanglocaties en de normen voor kinderen"
TEXT_COLOUR = "#222222"


def dutch_date(day: date) -> str:
    """``29 november 2026``."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def render_locations_map(
    locations: geopandas.GeoDataFrame,
    *,
    size: str,
    day: date,
    extent: Sequence[float],
    statuses: Mapping[str, str],
    filters_text: str = "",
    regions: geopandas.GeoDataFrame | None = None,
    outline: geopandas.GeoDataFrame | None = None,
    credit: str | None = None,
) -> bytes:
    """A PNG of ``locations`` coloured by status.

    Parameters
    ----------
    locations : geopandas.GeoDataFrame
        A picture as its reader may see it (generalised), EPSG:4326, with a
        ``status`` column; rows without geometry count in the legend only.
    size : {"phone", "a4"}
    day : date
        The date of the picture, shown under the title.
    extent : sequence of float
        ``(min_lon, min_lat, max_lon, max_lat)`` shown when no outline is given.
    statuses : mapping
        Every status to draw with its legend label, in drawing order: the last
        is drawn on top and listed first. Each needs a colour in
        ``geodata.colours.STATUS_COLOURS``.
    filters_text : str
        A line saying which locations are shown.
    regions : geopandas.GeoDataFrame, optional
        Region polygons with ``locations`` and ``share_below`` (0-1, NaN where
        there are no locations) for the choropleth.
    outline : geopandas.GeoDataFrame, optional
        Province polygons whose union is the outline of the country.
    credit : str, optional
        The source of the boundaries, printed in a corner (CC BY asks for it).

    Returns
    -------
    bytes
        The PNG image.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    for name, frame in (("locations", locations), ("regions", regions), ("outline", outline)):
        if frame is not None and (frame.crs is None or not frame.crs.equals(CRS)):
            raise ValueError(f"{name} must be in {CRS}, got {frame.crs}")
    spec = SIZES[size]
    figure = Figure(figsize=(spec.width_px / spec.dpi, spec.height_px / spec.dpi), dpi=spec.dpi)
    FigureCanvasAgg(figure)
    figure.patch.set_facecolor("white")
    bottom = 0.27 if regions is not None else 0.2
    axes = figure.add_axes((0.04, bottom, 0.92, 0.87 - bottom))

    bounds = _bounds(extent, regions, outline)
    if outline is not None:
        _draw_polygons(axes, outline.geometry, facecolor=LAND_COLOUR, edgecolor="none")
    if regions is not None:
        _draw_choropleth(figure, axes, regions)
    if outline is not None:
        _draw_outline(axes, outline)
    else:
        axes.grid(True, color=GRID_COLOUR, linewidth=0.6)
        axes.set_axisbelow(True)
        axes.tick_params(labelsize=7, colors="#666666", length=0)
        for spine in axes.spines.values():
            spine.set_color(GRID_COLOUR)
    if outline is not None:
        # The sea and the large lakes are what the land polygons leave out.
        axes.set_facecolor(WATER_COLOUR)
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_color("#c8d3da")
    counts = _draw_points(axes, locations, list(statuses))

    axes.set_xlim(bounds[0], bounds[2])
    axes.set_ylim(bounds[1], bounds[3])
    # Degrees of longitude are shorter than of latitude: without this the country looks wide.
    axes.set_aspect(1 / math.cos(math.radians((bounds[1] + bounds[3]) / 2)), adjustable="box")
    axes.set_anchor("N")

    figure.text(0.04, 0.965, TITLE, fontsize=13, weight="bold", color=TEXT_COLOUR, va="top")
    subtitle = f"Stand op {dutch_date(day)}"
    if filters_text:
        subtitle += f" · {filters_text}"
    figure.text(0.04, 0.925, subtitle, fontsize=8.5, color="#444444", va="top", wrap=True)
    _legend(figure, counts, locations, statuses)
    if credit:
        # Under the map's lower right corner, clear of the land.
        axes.text(
            1.0, -0.008, credit, transform=axes.transAxes, ha="right", va="top",
            fontsize=6, color="#555555",
        )  # fmt: skip

    out = io.BytesIO()
    with warnings.catch_warnings():
        # A filter value or name in a script the font lacks is drawn as a box, not an error.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        figure.savefig(out, format="png", dpi=spec.dpi, metadata={"Software": None})
    return out.getvalue()


def _bounds(
    extent: Sequence[float],
    regions: geopandas.GeoDataFrame | None,
    outline: geopandas.GeoDataFrame | None,
) -> tuple[float, float, float, float]:
    shown = outline if outline is not None else regions
    min_x, min_y, max_x, max_y = shown.total_bounds if shown is not None else extent
    margin_x, margin_y = (max_x - min_x) * 0.03, (max_y - min_y) * 0.03
    return (min_x - margin_x, min_y - margin_y, max_x + margin_x, max_y + margin_y)


def _paths(geometries: geopandas.GeoSeries) -> list[Path]:
    """One matplotlib path per polygon (holes included), multipolygons split."""
    polygons = shapely.get_parts(np.asarray(geometries.array, dtype=object))
    paths = []
    for polygon in polygons:
        if polygon is None or polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(Path.make_compound_path(*(Path(np.asarray(r.coords)[:, :2]) for r in rings)))
    return paths


def _draw_polygons(axes, geometries, **style) -> PatchCollection:  # type: ignore[no-untyped-def]
    collection = PatchCollection([PathPatch(p) for p in _paths(geometries)], **style)
    axes.add_collection(collection)
    return collection


def _draw_choropleth(figure: Figure, axes, regions: geopandas.GeoDataFrame) -> None:  # type: ignore[no-untyped-def]
    norm = Normalize(vmin=0, vmax=1)
    mappable = ScalarMappable(norm=norm, cmap=share_colourmap())
    empty = regions["share_below"].isna().to_numpy()
    if empty.any():
        _draw_polygons(
            axes,
            regions.geometry[empty],
            facecolor=NO_LOCATIONS_COLOUR,
            edgecolor=BOUNDARY_COLOUR,
            linewidth=0.3,
        )
    filled = regions[~empty]
    for geometry, share in zip(filled.geometry, filled["share_below"], strict=True):
        _draw_polygons(
            axes,
            geopandas.GeoSeries([geometry]),
            facecolor=mappable.to_rgba(share),
            edgecolor=BOUNDARY_COLOUR,
            linewidth=0.3,
            alpha=0.85,
        )
    bar_axes = figure.add_axes((0.25, 0.205, 0.5, 0.015))
    bar = figure.colorbar(mappable, cax=bar_axes, orientation="horizontal")
    bar.ax.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    bar.ax.tick_params(labelsize=7)
    bar.set_label("Aandeel locaties onder de norm per regio (grijs: geen locaties)", fontsize=7.5)


def _draw_outline(axes, outline: geopandas.GeoDataFrame) -> None:  # type: ignore[no-untyped-def]
    _draw_polygons(
        axes, outline.geometry, facecolor="none", edgecolor=BOUNDARY_COLOUR, linewidth=0.5
    )
    country = shapely.union_all(np.asarray(outline.geometry.array, dtype=object))
    _draw_polygons(
        axes,
        geopandas.GeoSeries([country]),
        facecolor="none",
        edgecolor=COUNTRY_COLOUR,
        linewidth=0.9,
    )


def share_colourmap() -> ListedColormap:
    """The light part of the blues: dark fills would hide the dots."""
    low, high = SHARE_COLOURMAP_RANGE
    base = matplotlib.colormaps[SHARE_COLOURMAP]
    return ListedColormap(base(np.linspace(low, high, 256)), name="share_below")


def _marker_area(count: int) -> float:
    """Marker area in points²: large for a few locations, small for thousands."""
    return float(np.clip(60 * math.sqrt(100 / max(count, 1)), 4, 60))


def _draw_points(  # type: ignore[no-untyped-def]
    axes, locations: geopandas.GeoDataFrame, order: list[str]
) -> dict[str, int]:
    geometry = locations.geometry
    shown = (geometry.notna() & ~geometry.is_empty).to_numpy()
    area = _marker_area(int(shown.sum()))
    status = locations["status"].to_numpy()
    counts = {}
    for layer, code in enumerate(order):
        rows = status == code
        counts[code] = int(rows.sum())
        points = geometry[rows & shown]
        if points.empty:
            continue
        axes.scatter(
            points.x,
            points.y,
            s=area * MARKER_SCALE[code],
            c=STATUS_COLOURS[code],
            edgecolors=edge_colour(code),
            linewidths=0.5,
            zorder=3 + layer,
        )
    return counts


def _legend(
    figure: Figure,
    counts: dict[str, int],
    locations: geopandas.GeoDataFrame,
    statuses: Mapping[str, str],
) -> None:
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=8 * math.sqrt(MARKER_SCALE[code]),
            markerfacecolor=STATUS_COLOURS[code],
            markeredgecolor=edge_colour(code),
            label=f"{label} ({_thousands(counts[code])})",
        )
        for code, label in reversed(statuses.items())
    ]
    figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.04, 0.035),
        ncol=2,
        fontsize=8,
        frameon=False,
        title=f"Laatste inspectie ({_thousands(len(locations))} locaties)",
        title_fontsize=8.5,
        alignment="left",
    )
    geometry = locations.geometry
    hidden = int((geometry.isna() | geometry.is_empty).sum())
    note = "Vertrouwelijke locaties staan op het gemiddelde punt van hun gemeente"
    if hidden:
        note += f"; {hidden} zonder getoonde positie (wel meegeteld)"
    if hidden or ("masked" in locations and locations["masked"].any()):
        figure.text(0.04, 0.008, note + ".", fontsize=6.5, color="#666666", va="bottom", wrap=True)


def _thousands(number: int) -> str:
    """``10.000``: Dutch digit grouping."""
    return f"{number:,}".replace(",", ".")
