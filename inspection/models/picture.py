"""A location's current picture, kept at write time: per norm, and summed up per location.

Both are derived from the stored inspections (``inspection.location_state``
rewrites them in the transaction that changes a location's visits) so that
lists, exports and maps read them instead of every visit's results.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, JSONDocument, UTCDateTime


class LocationNorm(Base):
    """What the visits of a location say about one norm: the latest assessment and its run.

    Independent of the day: whether it is stale, and whether the norm belongs
    to the version in force, is decided when a picture is made from it.
    """

    __tablename__ = "location_norms"

    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    norm: Mapped[str] = mapped_column(String(32), primary_key=True)
    # pass, fail or not_applicable: an unanswered norm has no row.
    outcome: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    # ``{"value", "threshold"}`` of that visit's result: one document, since a bare JSON
    # number or boolean does not come back as such from SQLite.
    found: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    critical: Mapped[bool]
    last_assessed: Mapped[datetime] = mapped_column(UTCDateTime)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def value(self) -> Any:
        return self.found.get("value")

    @property
    def threshold(self) -> dict[str, Any] | None:
        return self.found.get("threshold")


class LocationPicture(Base):
    """A location's picture on ``day``, by the norm set version in force that day.

    A location without any visit has no row (it is ``not_inspected``). The
    row holds until ``stale_on`` (an outcome goes stale then), until another
    version comes into force or the location's type changes; a reader that
    finds any of these remakes the picture from ``location_norms``.
    """

    __tablename__ = "location_pictures"
    __table_args__ = (
        Index("ix_location_pictures_status", "status"),
        # The reader that finds pictures the date has overtaken (``stale_on`` passed, another
        # version in force) searches this index instead of the table with its features.
        Index("ix_location_pictures_norm_set_id_stale_on", "norm_set_id", "stale_on"),
        # Today's GeoJSON reads each location's key of its stored feature from here: the
        # id and digest, and the ``updated_at`` it was made for; and the status it may be
        # filtered by (``picture.as_stored``).
        Index(
            "ix_location_pictures_feature_key",
            "location_id",
            "location_updated_at",
            "feature_digest",
            "status",
        ),
        # Where it reads the features it has not kept, by their digest.
        Index("ix_location_pictures_feature_digest", "feature_digest"),
    )

    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date]
    norm_set_id: Mapped[int] = mapped_column(ForeignKey("norm_sets.id"))
    location_type: Mapped[str] = mapped_column(String(32))
    stale_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))
    overall: Mapped[float | None]
    coverage: Mapped[float | None]
    domain_scores: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    failed_norms: Mapped[list[str]] = mapped_column(JSONDocument)
    critical_norms: Mapped[list[str]] = mapped_column(JSONDocument)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest visit (by observed_at, then id): its own summary stays the visit's.
    latest_inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"))
    latest_observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The children counted by the latest visit that counted them.
    children_present: Mapped[int | None]
    # The location with this picture as its GeoJSON feature, serialised when either is
    # written (``inspection.location_features``), so that an export only concatenates;
    # with a digest of it for the export's ETag, and the location's ``updated_at`` it was
    # made with (a feature older than its location is made again when read).
    feature: Mapped[bytes | None] = mapped_column(LargeBinary)
    feature_digest: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    location_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LocationPictureDay(Base):
    """A location's picture from ``valid_from`` until the next row's day: its history by day.

    The picture of a past day is that of the row with the latest
    ``valid_from`` on or before it (none: not inspected yet). Rows are
    written with the location's picture (``inspection.picture_days``): on
    every day with a visit, on the days outcomes go stale and on the days
    another norm set version comes into force; the last row holds from then
    on.
    """

    __tablename__ = "location_picture_days"

    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    valid_from: Mapped[date] = mapped_column(primary_key=True)
    norm_set_id: Mapped[int] = mapped_column(ForeignKey("norm_sets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    overall: Mapped[float | None]
    coverage: Mapped[float | None]
    failed_norms: Mapped[list[str]] = mapped_column(JSONDocument)
    critical_norms: Mapped[list[str]] = mapped_column(JSONDocument)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest visit observed by the end of ``valid_from``, and the children counted by
    # the latest visit by then that counted them.
    latest_inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"))
    latest_observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    children_present: Mapped[int | None]


class FeaturePart(Base):
    """The stored features of every location, in the order of their codes, joined in parts.

    A part holds the locations whose code is ``first_code`` or after it and
    before the next part's (the first part's is ``""``): ``body`` is their
    features, each after a comma (``geodata.features.joined``); NULL for a
    part never joined. A part is as its locations were when it was joined:
    a change since is named in ``feature_part_changes`` until the part is
    joined again (``inspection.feature_parts``).
    """

    __tablename__ = "feature_parts"

    first_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    features: Mapped[int] = mapped_column(default=0)


class FeaturePartChange(Base):
    """The code of a location whose feature may have changed since its part was joined.

    Written by database triggers of ``locations`` and ``location_pictures``
    in the statement that changes either, whoever runs it; removed by the
    transaction that joins the part again. Rows are only ever added and
    removed: writers never wait for one another on them.
    """

    __tablename__ = "feature_part_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
