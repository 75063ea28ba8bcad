"""Versioned norm sets, stored as the document they were loaded from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, JSONDocument, UTCDateTime, utcnow


class NormSet(Base):
    __tablename__ = "norm_sets"
    __table_args__ = (
        UniqueConstraint("catalogue", "version", name="uq_norm_sets_catalogue_version"),
        # Two versions starting on the same day would make "the version in force" ambiguous.
        UniqueConstraint("catalogue", "valid_from", name="uq_norm_sets_catalogue_valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date]
    # Deferred: choosing the version in force needs only the dates, and the
    # compiled form is cached per process (see norm_sets.compiled).
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument, deferred=True)
    # Identifies the exact document text: an erratum changes it, and compiled caches follow.
    document_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<NormSet {self.catalogue} {self.version}>"
