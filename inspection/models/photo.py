"""Photos taken during an inspection, stored without their metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, UTCDateTime, utcnow


class Photo(Base):
    __tablename__ = "photos"

    # Made on the phone, like an inspection's id, so that a resend never duplicates.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    norm: Mapped[str | None] = mapped_column(String(32))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Kept in the database so that every app process sees it and backups include it.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
