"""The location picture: the read model behind the exports, the maps and the region counts.

Every location with its current picture (``docs/norms.md``, "The current picture of a
location"): today's as kept at write time (``inspection.location_state``),
an earlier day's computed from the visits' stored outcomes (``history``);
read by ``query``, turned into a GeoDataFrame
(``geodata.picture``) and kept per process until a fingerprint of the data
changes (``service``). What a user may see is applied last: the scope of their
role (``inspection.scope``), and for every role but coordinator the
generalised position and masked identity of confidential locations
(``inspection.confidentiality``). ``regions`` counts the same per province or
municipality; ``counts`` holds the count items of a day per location, which
only the CSV export and the national report add to the picture.
"""

from inspection.picture.counts import (
    ChildCounts,
    child_counts,
    count_columns,
    first_version_asking,
    with_child_counts,
)
from inspection.picture.query import data_version, end_of_day, picture_query
from inspection.picture.regions import (
    boundaries_version,
    region_summary,
    share_below_by_region,
    shipped_credit,
    stored_regions,
)
from inspection.picture.series import HistoryPoint, score_history
from inspection.picture.service import (
    PictureFilter,
    location_picture,
    real_picture,
    scoped_picture,
)

__all__ = [
    "ChildCounts",
    "HistoryPoint",
    "PictureFilter",
    "boundaries_version",
    "child_counts",
    "count_columns",
    "data_version",
    "end_of_day",
    "first_version_asking",
    "location_picture",
    "picture_query",
    "real_picture",
    "region_summary",
    "score_history",
    "scoped_picture",
    "share_below_by_region",
    "shipped_credit",
    "stored_regions",
    "with_child_counts",
]
