"""The picture of the locations a user may see, as they may see it, kept until the data change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas
import pandas as pd

from geodata.picture import picture_frame
from inspection.cache import app_cache
from inspection.confidentiality import picture_as_seen_by
from inspection.location_state import today
from inspection.models import User
from inspection.picture.query import data_version, picture_rows
from inspection.scope import scoped_location_ids
from inspection.vocabulary import AMSTERDAM, BELOW, BELOW_STATUSES

# Pictures kept per process: one per date and domain asked for recently.
CACHED_PICTURES = 8


@dataclass(frozen=True)
class PictureFilter:
    """Which locations a picture holds; every part optional.

    ``statuses`` may hold any location status and ``below`` (below_norm and
    critical); ``domain`` keeps locations whose latest inspection failed a
    norm of that domain.
    """

    statuses: tuple[str, ...] = ()
    type: str | None = None
    province: str | None = None
    domain: str | None = None

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> PictureFilter:
        """From the parsed query arguments of an export (``schemas.exports``)."""
        return cls(
            statuses=tuple(args.get("status") or ()),
            type=args.get("type"),
            province=args.get("province"),
            domain=args.get("domain"),
        )

    def status_set(self) -> set[str]:
        """The statuses asked for, ``below`` expanded."""
        return {s for w in self.statuses for s in (BELOW_STATUSES if w == BELOW else (w,))}


def location_picture(
    as_of: date | None = None, *, user: User, filters: PictureFilter | None = None
) -> geopandas.GeoDataFrame:
    """The locations ``user`` may see, with their latest status, as ``user`` may see them.

    Parameters
    ----------
    as_of : date, optional
        The picture at the end of this Europe/Amsterdam day; now when omitted.
    user : User
        Managers get their own locations only; every role but coordinator
        gets confidential locations generalised
        (``inspection.confidentiality.picture_as_seen_by``).
    filters : PictureFilter, optional
        Status, type, province and domain filters.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location in EPSG:4326, sorted by the shown code, with
        the columns of ``geodata.picture.COLUMNS``; ``status`` is
        ``not_inspected`` where no inspection was observed by ``as_of``.
    """
    return picture_as_seen_by(user, scoped_picture(as_of, user=user, filters=filters))


def scoped_picture(
    as_of: date | None = None, *, user: User, filters: PictureFilter | None = None
) -> geopandas.GeoDataFrame:
    """The locations ``user`` may see with their REAL points and identities.

    Only for what never leaves the server as is (which region a confidential
    location lies in), and for coordinators. Filters as ``location_picture``.
    """
    filters = filters or PictureFilter()
    frame = real_picture(as_of, domain=filters.domain)
    keep = pd.Series(True, index=frame.index)
    scope = scoped_location_ids(user)
    if scope is not None:
        keep &= frame["id"].isin(scope)
    if filters.type:
        keep &= frame["type"] == filters.type
    if filters.province:
        keep &= frame["province"] == filters.province
    if filters.statuses:
        keep &= frame["status"].isin(filters.status_set())
    return frame[keep.to_numpy()].reset_index(drop=True)


def real_picture(as_of: date | None = None, *, domain: str | None = None) -> geopandas.GeoDataFrame:
    """Every location with its latest inspection as of ``as_of`` (real points: internal).

    ``domain`` keeps only the locations whose latest inspection failed a norm
    of that domain. The query is the expensive part, so the frame is kept
    per process until ``data_version`` changes; it must be treated as
    read-only (pandas copy-on-write keeps derived frames from writing through).
    """
    # The fingerprint is read before the rows: a picture is never older than its key, and
    # a change committed in between gives the next request another key.
    # Today's date too: a picture changes when an outcome in it goes stale.
    key = (data_version(), as_of, domain, today())

    def build() -> geopandas.GeoDataFrame:
        frame = picture_frame(picture_rows(as_of, domain), AMSTERDAM)
        # Sorted here, by code point: database collations disagree about hyphens.
        return frame.sort_values("code", kind="stable", ignore_index=True)

    return app_cache("pictures", CACHED_PICTURES).get_or_make(key, build)
