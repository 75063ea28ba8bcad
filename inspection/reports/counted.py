"""The national report's "Children counted": the count items summed, per type and per province.

The values per location are those the CSV export carries for the same day
(``inspection.picture.with_child_counts``), joined to the same picture the
rest of the report counts (scope and masking included), so every total here
is a sum over the CSV's rows: the children present for scale, and per count
item the children counted. A group where the version in force asks an item at
none of its locations shows it as not asked (None), not as 0.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from inspection.picture import (
    child_counts,
    count_columns,
    first_version_asking,
    with_child_counts,
)
from inspection.reports.texts import COUNT_HEADINGS


def children_counted(picture: pd.DataFrame, day: date, types: list[str]) -> dict[str, Any] | None:
    """The figures of the table on ``day``; None while no stored version asks count items.

    ``types`` orders the rows per type (the report's order).
    """
    if not count_columns():
        return None
    counts = child_counts(day)
    if not counts.items:
        later = first_version_asking(day)
        return {
            "asked": False,
            "version": counts.version,
            "first_version": later.version if later is not None else None,
            "first_day": later.valid_from if later is not None else None,
        }
    codes = [item.code for item in counts.items]
    counted, _ = with_child_counts(picture, day)
    asked = pd.DataFrame(
        {code: counted["id"].isin(counts.asked.index[counts.asked[code]]) for code in codes}
    )
    children = counted["children_present"].fillna(0)
    # A row's 0 may mean that none of its locations answered yet: the row says how many did.
    answered = counted[codes].notna().any(axis=1).to_numpy()

    def row(rows: pd.Series) -> dict[str, Any]:
        keep = rows.to_numpy(dtype=bool)
        return {
            "locations": int(keep.sum()),
            "answered": int((keep & answered).sum()),
            "children": int(children[keep].sum()),
            "values": {
                code: int(counted[code][keep].fillna(0).sum()) if asked[code][keep].any() else None
                for code in codes
            },
        }

    provinces = sorted(set(counted["province"]))
    return {
        "asked": True,
        "version": counts.version,
        "items": [
            {
                "item": item,
                "locations_asked": int(asked[item.code].sum()),
                "locations_counted": int((asked[item.code] & counted[item.code].notna()).sum()),
            }
            for item in counts.items
        ],
        "per_type": [{"type": kind, **row(counted["type"] == kind)} for kind in types],
        "per_province": [
            {"province": name, **row(counted["province"] == name)} for name in provinces
        ],
        "total": row(pd.Series(True, index=counted.index)),
    }


def count_columns_shown(counted: dict[str, Any] | None, lang: str) -> list[dict[str, Any]]:
    """The count items of "Children counted" in ``lang``: heading, question, norm, answers."""
    if not counted or not counted["asked"]:
        return []
    headings = COUNT_HEADINGS[lang]
    return [
        {
            "code": entry["item"].code,
            # The catalogue's labels are whole questions: too long for a column.
            "heading": headings.get(entry["item"].code, getattr(entry["item"].label, lang)),
            "label": getattr(entry["item"].label, lang),
            "asked_with": entry["item"].asked_with,
            "locations_counted": entry["locations_counted"],
            "locations_asked": entry["locations_asked"],
        }
        for entry in counted["items"]
    ]
