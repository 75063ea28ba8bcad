"""The score history of a location as a small SVG line chart, made on the server.

No JavaScript and no chart library: the page shows it as an image. Every
inspection is one ``<circle class="point">``, coloured by its status; an
inspection without a score (nothing assessed) sits on the baseline, hollow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from inspection.vocabulary import STATUS_LABELS
from inspection.web.colours import DEFAULT_EDGE, EDGE_COLOURS, STATUS_COLOURS

WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 14, 32
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MAX_TICKS = 4
INSET = 12
TEXT = "#333333"
GRID = "#d0d0d0"
LINE = "#4a4a4a"


@dataclass(frozen=True)
class ChartPoint:
    """One inspection on the chart."""

    inspection: str
    observed_at: datetime
    overall: float | None
    status: str


def score_chart_svg(points: Sequence[ChartPoint], title: str) -> str:
    """An SVG document of ``points`` (any order), 0-100 on the vertical axis."""
    points = sorted(points, key=lambda p: p.observed_at)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_description(points))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]

    def y_of(score: float) -> float:
        return TOP + plot_h * (1 - score / 100)

    for score in (0, 25, 50, 75, 100):
        y = y_of(score)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">{score}</text>'
        )
    if not points:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            f'fill="{TEXT}">Nog geen inspecties</text>'
        )
        parts.append("</svg>")
        return "\n".join(parts)

    start, end = points[0].observed_at.timestamp(), points[-1].observed_at.timestamp()
    span = end - start

    def x_of(moment: datetime) -> float:
        # Points keep clear of the axis labels on both sides.
        if span == 0:
            return LEFT + plot_w / 2
        return LEFT + INSET + (plot_w - 2 * INSET) * (moment.timestamp() - start) / span

    for tick, label in _ticks(points[0].observed_at, points[-1].observed_at):
        if span and not start <= tick.timestamp() <= end:
            continue
        x = x_of(tick) if span else LEFT + plot_w / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP + plot_h}" x2="{x:.1f}" y2="{TOP + plot_h + 5}" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        # Labels at the ends of the axis are aligned inwards so that they are not cut off.
        anchor = "start" if x < LEFT + 40 else "end" if x > WIDTH - RIGHT - 40 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 20}" text-anchor="{anchor}" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )

    scored = [(x_of(p.observed_at), y_of(p.overall)) for p in points if p.overall is not None]
    if len(scored) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in scored)
        parts.append(
            f'<polyline class="score-line" points="{path}" fill="none" stroke="{LINE}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    for point in points:
        parts.append(_point(point, x_of(point.observed_at), y_of(point.overall or 0)))
    parts.append("</svg>")
    return "\n".join(parts)


def _point(point: ChartPoint, x: float, y: float) -> str:
    label = STATUS_LABELS["nl"].get(point.status, point.status)
    day = _day(point.observed_at.date())
    if point.overall is None:
        fill, text = "#ffffff", f"{day}: geen score ({label})"
    else:
        fill = STATUS_COLOURS.get(point.status, "#999999")
        text = f"{day}: score {_number(point.overall)} ({label})"
    edge = EDGE_COLOURS.get(point.status, DEFAULT_EDGE)
    return (
        f'<circle class="point" data-inspection={quoteattr(point.inspection)} '
        f'data-status={quoteattr(point.status)} cx="{x:.1f}" cy="{y:.1f}" r="6" '
        f'fill="{fill}" stroke="{edge}" stroke-width="1.5"><title>{escape(text)}</title></circle>'
    )


def _description(points: Sequence[ChartPoint]) -> str:
    if not points:
        return "Nog geen inspecties."
    last = points[-1]
    score = "geen score" if last.overall is None else f"score {_number(last.overall)}"
    return (
        f"{len(points)} inspectie{'s' if len(points) != 1 else ''}; "
        f"laatste op {_day(last.observed_at.date())}: {score}, "
        f"{STATUS_LABELS['nl'].get(last.status, last.status)}."
    )


def _ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """Labelled moments on the time axis: days for a short span, else months or years."""
    if (last - first).days < 62:
        ends = [(first, _day(first.date()))]
        return ends + ([(last, _day(last.date()))] if last.date() != first.date() else [])
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    months = months[1:] or months  # the first month starts before the first visit
    step = -(-len(months) // MAX_TICKS)
    if step >= 12:
        years = sorted({y for y, _ in months})
        step = -(-len(years) // MAX_TICKS)
        return [
            (datetime(y, 1, 1, tzinfo=first.tzinfo), str(y))
            for y in years[::step]
            if datetime(y, 1, 1, tzinfo=first.tzinfo) >= first
        ]
    return [
        (datetime(y, m, 1, tzinfo=first.tzinfo), f"{MONTHS[m - 1]} {y}") for y, m in months[::step]
    ]


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
