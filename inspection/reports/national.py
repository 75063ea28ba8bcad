"""What the national report shows on a date, from the read model the exports use.

Every number is taken from ``inspection.picture`` for the same ``as_of`` and
the same reader as the exports (``location_picture`` for the locations,
``region_summary`` for the provinces), so the report and the exports never
disagree. Viewers get confidential locations masked, as in the exports.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from inspection.location_types import location_types
from inspection.models import User
from inspection.norm_sets import all_norm_sets, compiled
from inspection.picture import location_picture, region_summary, scoped_picture
from inspection.reports import charts
from inspection.reports.counted import children_counted, count_columns_shown
from inspection.reports.texts import texts
from inspection.reports.wording import number
from inspection.vocabulary import (
    AMSTERDAM,
    BELOW_STATUSES,
    COORDINATOR,
    CRITICAL,
    VIEWER,
    WORST_FIRST,
)

QUARTERS = 8
TOP_NORMS = 10
# A national letter lists the critical locations with the most children; the export
# (status=critical) lists them all.
CRITICAL_LISTED = 50
# Columns the exports carry once the findings are kept (summed where present).
FINDING_COLUMNS = ("open_findings", "overdue_findings")


def public_reader() -> User:
    """A reader with a viewer's sight: what the published national report may show.

    Never stored: it only tells the read model how much to show.
    """
    return User(role=VIEWER, username="-")


def internal_reader() -> User:
    """A reader with a coordinator's sight (confidential locations named), never stored."""
    return User(role=COORDINATOR, username="-")


def quarter_ends(day: date, count: int = QUARTERS) -> list[date]:
    """The ends of the ``count - 1`` quarters before ``day``'s, then ``day`` itself."""
    ends = [day]
    first_of_quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    while len(ends) < count:
        ends.append(end)
        end = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return list(reversed(ends))


def quarter_label(day: date, lang: str) -> str:
    return f"{day.year} {'K' if lang == 'nl' else 'Q'}{(day.month - 1) // 3 + 1}"


def _children(frame: pd.DataFrame) -> int:
    return int(frame["children_present"].fillna(0).sum())


def national_figures(as_of: date, user: User) -> dict[str, Any]:
    """The numbers of the national report on ``as_of`` as ``user`` may see them."""
    picture = location_picture(as_of, user=user)
    statuses, kinds = picture["status"], picture["type"]
    below = picture[statuses.isin(BELOW_STATUSES)]
    critical = picture[statuses == CRITICAL]
    present = set(kinds)
    known = [t.code for t in location_types()]
    types = [t for t in known if t in present] + sorted(present - set(known))
    by_status = {
        status: {kind: int(((statuses == status) & (kinds == kind)).sum()) for kind in types}
        for status in WORST_FIRST
    }
    per_type = [
        {
            "type": kind,
            "locations": int((kinds == kind).sum()),
            "locations_below": int((below["type"] == kind).sum()),
            "children_below": _children(below[below["type"] == kind]),
            "children_critical": _children(critical[critical["type"] == kind]),
        }
        for kind in types
    ]
    summary = region_summary("province", as_of, user=user)
    provinces = summary.frame
    critical_children = critical.groupby("province")["children_present"].sum()
    per_province = [
        {
            "province": row["name"],
            "locations": int(row["locations"]),
            "below_norm": int(row["below_norm"]),
            "critical": int(row["critical"]),
            "children_below": int(row["children_below_norm"]),
            "children_critical": int(critical_children.get(row["name"], 0) or 0),
        }
        for _, row in provinces.iterrows()
    ]
    return {
        "as_of": as_of,
        "locations": len(picture),
        "locations_below": len(below),
        "locations_critical": len(critical),
        "children_below": _children(below),
        "children_critical": _children(critical),
        "types": types,
        "by_status": by_status,
        "per_type": per_type,
        "per_province": per_province,
        "provinces": summary,
        "top_norms": _top_norms(picture),
        "findings": _findings(picture),
        "critical_locations": _critical_locations(critical),
        "critical_unlisted": max(len(critical) - CRITICAL_LISTED, 0),
        "counted": children_counted(picture, as_of, types),
    }


def _top_norms(picture: pd.DataFrame) -> list[dict[str, Any]]:
    """The norms failed at the most locations, with the children at those locations."""
    failed = picture[["failed_norms", "children_present"]].explode("failed_norms")
    failed = failed[failed["failed_norms"].notna()]
    if failed.empty:
        return []
    grouped = failed.groupby("failed_norms").agg(
        locations=("failed_norms", "size"), children=("children_present", "sum")
    )
    grouped = grouped.reset_index().sort_values(
        ["locations", "children", "failed_norms"], ascending=[False, False, True]
    )
    return [
        {"code": row.failed_norms, "locations": int(row.locations), "children": int(row.children)}
        for row in grouped.head(TOP_NORMS).itertuples()
    ]


def _findings(picture: pd.DataFrame) -> dict[str, int] | None:
    if not all(column in picture.columns for column in FINDING_COLUMNS):
        return None
    return {column: int(picture[column].fillna(0).sum()) for column in FINDING_COLUMNS}


def _critical_locations(critical: pd.DataFrame) -> list[dict[str, Any]]:
    """The critical locations with the most children (``CRITICAL_LISTED``), by province."""
    most = critical.assign(children=critical["children_present"].fillna(0)).sort_values(
        ["children", "code"], ascending=[False, True], kind="stable"
    )
    rows = most.head(CRITICAL_LISTED).sort_values(["province", "code"], kind="stable")
    return [
        {
            "code": row.code,
            "name": row.name,
            "type": row.type,
            "municipality": row.municipality,
            "province": row.province,
            "observed_at": row.observed_at,
            "children": None if pd.isna(row.children_present) else int(row.children_present),
            "critical_norms": list(row.critical_norms or ()),
        }
        for row in rows.itertuples()
    ]


def trend(as_of: date, user: User) -> list[dict[str, Any]]:
    """Locations and children below the norms at the end of each of the last 8 quarters."""
    points = []
    for end in quarter_ends(as_of):
        # Counts only: the scoped picture has the same rows, statuses and children as
        # the one the exports show, without placing confidential locations anew.
        picture = scoped_picture(end, user=user)
        below = picture[picture["status"].isin(BELOW_STATUSES)]
        points.append(
            {"end": end, "locations_below": len(below), "children_below": _children(below)}
        )
    return points


def type_names(lang: str) -> dict[str, str]:
    """Each location type's name in ``lang`` (a type without a row shows its code)."""
    return {t.code: getattr(t, f"name_{lang}") for t in location_types()}


def norm_titles(lang: str) -> dict[str, str]:
    """Each norm code's title in ``lang``, from the newest version that has it."""
    titles: dict[str, str] = {}
    for norm_set in sorted(all_norm_sets(), key=lambda n: n.valid_from):
        for norm in compiled(norm_set).norms:
            titles[norm.code] = getattr(norm.title, lang)
    return titles


def national_document(as_of: date, user: User, lang: str = "nl") -> dict[str, Any]:
    """The template context of the national report on ``as_of`` for ``user``, in ``lang``."""
    figures = national_figures(as_of, user)
    words = texts(lang)
    t = words["t"]

    def fmt(value: float) -> str:
        return _thousands(value, lang)

    summary = figures["provinces"]
    map_svg = None
    if summary.polygons:
        frame = summary.frame
        map_svg = charts.data_uri(
            charts.choropleth(
                frame,
                [float(v) for v in frame["children_below_norm"]],
                title=t["children_below_short"],
                legend_none=t["legend_none"],
                credit=summary.credit,
                number=fmt,
            )
        )
    points = trend(as_of, user)
    labels = [quarter_label(p["end"], lang) for p in points]
    trend_svgs = [
        charts.data_uri(
            charts.trend_chart(labels, [(t[name], [p[key] for p in points], colour)], number=fmt)
        )
        for name, key, colour in (
            ("locations_below_short", "locations_below", "#f07d19"),
            ("children_below_short", "children_below", "#b2182b"),
        )
    ]
    return {
        **words,
        **figures,
        "titles": norm_titles(lang),
        "type_names": type_names(lang),
        "count_columns": count_columns_shown(figures["counted"], lang),
        "map_svg": map_svg,
        "trend": points,
        "trend_labels": labels,
        "trend_svgs": trend_svgs,
        "fmt": fmt,
        "concept": False,
        "generated_at": datetime.now(AMSTERDAM),
        "masked_reader": user.role == VIEWER,
    }


def _thousands(value: float, lang: str) -> str:
    text = f"{int(round(value)):,}" if float(value).is_integer() else number(value, lang)
    return text.replace(",", ".") if lang == "nl" else text
