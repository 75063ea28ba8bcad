"""Reception locations: the places that get inspected."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, UTCDateTime, utcnow


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        # Today's GeoJSON walks the locations in the order of their codes and compares each
        # one's ``updated_at`` with that its stored feature was made for: with both in the
        # index, the walk does not visit the table (``inspection.picture.as_stored``).
        Index("ix_locations_code_updated_at", "code", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # One of the location types kept as data (``location_types``).
    type: Mapped[str] = mapped_column(String(32), ForeignKey("location_types.code"), index=True)
    operator: Mapped[str | None] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    province: Mapped[str] = mapped_column(String(100), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    capacity: Mapped[int | None]
    # Protected shelters whose address is secret: only coordinators see the real point.
    confidential: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed: the data's fingerprint (``picture.data_version``) reads its maximum.
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    def __repr__(self) -> str:
        return f"<Location {self.code}>"
