"""The score history of a location as a small SVG chart, made on the server.

What it plots is the location's picture over time (``docs/norms.md``, "The
current picture of a location"): after each visit, the location's score and
status as they stood at the end of that visit's local day. A follow-up visit
that checked three norms scores 100 on its own while the location still
fails the norms it did not check; plotting the visits' own scores would show
a recovery that did not happen. The picture holds until the next visit, so
it is drawn as steps; each visit's own score is a small hollow diamond,
named as the visit's own in the legend and in its tooltip.

No JavaScript and no chart library: the page shows it as an image, with the
same figures as a table beside it. Every visit is one ``<circle
class="point">`` coloured by the picture's status; a picture without a
score (nothing assessed) sits on the baseline, hollow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from inspection.vocabulary import STATUS_LABELS
from inspection.web.colours import DEFAULT_EDGE, EDGE_COLOURS, STATUS_COLOURS

WIDTH, HEIGHT = 400, 262
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 56, 32
MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
MAX_TICKS = 4
INSET = 12
TEXT = "#333333"
GRID = "#d0d0d0"
LINE = "#4a4a4a"
VISIT_MARK = "#555555"
FONT_SIZE = 14

TEXTS = {
    "nl": {
        "legend_picture": "Stand van de locatie",
        "legend_visit": "Score van het bezoek zelf",
        "empty": "Nog geen inspecties",
        "no_score": "geen score",
        "location": "locatie",
        "visit": "dit bezoek zelf",
        "visits": ("bezoek", "bezoeken"),
        "after_latest": "Stand van de locatie na het laatste bezoek",
        "latest_own": "Dat bezoek zelf",
        "none_yet": "Nog geen inspecties.",
    },
    "en": {
        "legend_picture": "The location's picture",
        "legend_visit": "The visit's own score",
        "empty": "No inspections yet",
        "no_score": "no score",
        "location": "location",
        "visit": "this visit's own",
        "visits": ("visit", "visits"),
        "after_latest": "The location's picture after the latest visit",
        "latest_own": "That visit's own",
        "none_yet": "No inspections yet.",
    },
}


@dataclass(frozen=True)
class ChartPoint:
    """One visit on the chart.

    ``overall`` and ``status`` are the location's picture at the end of the
    visit's local day; ``visit_overall`` and ``visit_status`` the visit's own
    score and status (no diamond without them). ``inspection`` names the
    visit (``data-inspection``), None where the reader may not know it.
    """

    inspection: str | None
    observed_at: datetime
    overall: float | None
    status: str
    visit_overall: float | None = None
    visit_status: str | None = None


def score_chart_svg(points: Sequence[ChartPoint], title: str, lang: str = "nl") -> str:
    """An SVG document of ``points`` (any order), 0-100 on the vertical axis, in ``lang``."""
    lang = lang if lang in TEXTS else "nl"
    words = TEXTS[lang]
    points = sorted(points, key=lambda p: p.observed_at)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SIZE}" lang="{lang}">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_description(points, lang))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        *_legend(words),
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
            f'fill="{TEXT}">{escape(words["empty"])}</text>'
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

    right_of_last_label = float("-inf")
    for tick, label in _ticks(points[0].observed_at, points[-1].observed_at, lang):
        if span and not start <= tick.timestamp() <= end:
            continue
        x = x_of(tick) if span else LEFT + plot_w / 2
        # Labels at the ends of the axis are aligned inwards so that they are not cut off;
        # one that would run into the previous one is left out.
        anchor = "start" if x < LEFT + 40 else "end" if x > WIDTH - RIGHT - 40 else "middle"
        width = len(label) * FONT_SIZE * 0.6
        left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        if left < right_of_last_label + 8:
            continue
        right_of_last_label = left + width
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP + plot_h}" x2="{x:.1f}" y2="{TOP + plot_h + 5}" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 20}" text-anchor="{anchor}" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )

    path = _steps(
        [(x_of(p.observed_at), None if p.overall is None else y_of(p.overall)) for p in points]
    )
    if path:
        parts.append(
            f'<path class="score-line" d="{path}" fill="none" stroke="{LINE}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    for point in points:
        if point.visit_status is not None:
            parts.append(
                _visit_mark(point, x_of(point.observed_at), y_of(point.visit_overall or 0), lang)
            )
    for point in points:
        parts.append(_point(point, x_of(point.observed_at), y_of(point.overall or 0), lang))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(words: dict[str, object]) -> list[str]:
    # One entry a line: side by side they do not fit when a phone scales the chart down.
    first, second = 18, 40
    return [
        f'<g class="legend" fill="{TEXT}">',
        f'<line x1="{LEFT - 20}" y1="{first}" x2="{LEFT + 4}" y2="{first}" stroke="{LINE}" '
        'stroke-width="2"/>',
        f'<circle cx="{LEFT - 8}" cy="{first}" r="5" fill="{STATUS_COLOURS["below_norm"]}" '
        f'stroke="{DEFAULT_EDGE}" stroke-width="1.5"/>',
        f'<text x="{LEFT + 10}" y="{first + 5}">{escape(str(words["legend_picture"]))}</text>',
        _diamond(LEFT - 8, second),
        f'<text x="{LEFT + 10}" y="{second + 5}">{escape(str(words["legend_visit"]))}</text>',
        "</g>",
    ]


def _steps(coordinates: list[tuple[float, float | None]]) -> str:
    """A path that holds each picture until the next visit; a gap where a picture has no score."""
    commands: list[str] = []
    previous: float | None = None
    for x, y in coordinates:
        if y is None:
            previous = None
            continue
        if previous is None:
            commands.append(f"M{x:.1f},{y:.1f}")
        else:
            commands.append(f"H{x:.1f}V{y:.1f}")
        previous = y
    drawn = [c for c in commands if c.startswith("H")]
    return " ".join(commands) if drawn else ""


def _diamond(x: float, y: float, attributes: str = "", title: str = "") -> str:
    size = 5.5
    inner = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<path {attributes} d="M{x:.1f},{y - size:.1f} L{x + size:.1f},{y:.1f} '
        f'L{x:.1f},{y + size:.1f} L{x - size:.1f},{y:.1f} Z" fill="#ffffff" '
        f'stroke="{VISIT_MARK}" stroke-width="1.5">{inner}</path>'
    )


def _visit_mark(point: ChartPoint, x: float, y: float, lang: str) -> str:
    words = TEXTS[lang]
    label = STATUS_LABELS[lang].get(point.visit_status or "", point.visit_status or "")
    text = (
        f"{_day(point.observed_at.date(), lang)}: {words['visit']} "
        f"{_score(point.visit_overall, lang)} ({label})"
    )
    attributes = (
        f'class="visit-score"{_visit_id(point)} data-status={quoteattr(point.visit_status or "")}'
    )
    return _diamond(x, y, attributes, text)


def _visit_id(point: ChartPoint) -> str:
    """`` data-inspection="..."``, or nothing where the reader may not know the visit."""
    return "" if point.inspection is None else f" data-inspection={quoteattr(point.inspection)}"


def _point(point: ChartPoint, x: float, y: float, lang: str) -> str:
    words = TEXTS[lang]
    label = STATUS_LABELS[lang].get(point.status, point.status)
    day = _day(point.observed_at.date(), lang)
    text = f"{day}: {words['location']} {_score(point.overall, lang)} ({label})"
    if point.visit_status is not None:
        visit_label = STATUS_LABELS[lang].get(point.visit_status, point.visit_status)
        text += f"; {words['visit']} {_score(point.visit_overall, lang)} ({visit_label})"
    fill = "#ffffff" if point.overall is None else STATUS_COLOURS.get(point.status, "#999999")
    edge = EDGE_COLOURS.get(point.status, DEFAULT_EDGE)
    return (
        f'<circle class="point"{_visit_id(point)} '
        f'data-status={quoteattr(point.status)} cx="{x:.1f}" cy="{y:.1f}" r="6" '
        f'fill="{fill}" stroke="{edge}" stroke-width="1.5"><title>{escape(text)}</title></circle>'
    )


def _description(points: Sequence[ChartPoint], lang: str) -> str:
    words = TEXTS[lang]
    if not points:
        return str(words["none_yet"])
    last = points[-1]
    one, many = words["visits"]
    text = (
        f"{len(points)} {one if len(points) == 1 else many}. "
        f"{words['after_latest']} ({_day(last.observed_at.date(), lang)}): "
        f"score {_score(last.overall, lang)}, {STATUS_LABELS[lang].get(last.status, last.status)}."
    )
    if last.visit_status is not None:
        text += (
            f" {words['latest_own']}: score {_score(last.visit_overall, lang)}, "
            f"{STATUS_LABELS[lang].get(last.visit_status, last.visit_status)}."
        )
    return text


def _ticks(first: datetime, last: datetime, lang: str) -> list[tuple[datetime, str]]:
    """Labelled moments on the time axis: days for a short span, else months or years."""
    if (last - first).days < 62:
        ends = [(first, _day(first.date(), lang))]
        return ends + ([(last, _day(last.date(), lang))] if last.date() != first.date() else [])
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
        (datetime(y, m, 1, tzinfo=first.tzinfo), f"{MONTHS[lang][m - 1]} {y}")
        for y, m in months[::step]
    ]


def _day(day: date, lang: str = "nl") -> str:
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def _score(value: float | None, lang: str) -> str:
    if value is None:
        return str(TEXTS[lang]["no_score"])
    number = f"{value:.1f}"
    return number.replace(".", ",") if lang == "nl" else number
