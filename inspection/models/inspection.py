"""Inspections: a submitted checklist with the score it got."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import CheckConstraint, Dialect, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from inspection import stored_results
from inspection.db import Base, JSONDocument, UTCDateTime, utcnow
from inspection.models.location import Location
from inspection.models.norm_set import NormSet
from inspection.models.user import User
from inspection.vocabulary import INSPECTION_STATUSES

_STATUSES_SQL = ", ".join(f"'{s}'" for s in INSPECTION_STATUSES)


class ResultsDocument(TypeDecorator):
    """Per-norm results, kept as one array per norm (``stored_results``) and read as objects."""

    impl = JSONDocument
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else stored_results.stored(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else stored_results.expanded(value)


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES_SQL})", name="status_known"),
        # The latest inspection per location is the most frequent question asked.
        Index("ix_inspections_location_observed", "location_id", "observed_at"),
    )

    # The id the phone made: the idempotency key of a submission.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The offset the phone reported, so the local time of the visit can be shown as it was.
    observed_utc_offset_minutes: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    notes: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)
    position_latitude: Mapped[float | None]
    position_longitude: Mapped[float | None]
    position_accuracy_m: Mapped[float | None]
    norm_set_id: Mapped[int] = mapped_column(ForeignKey("norm_sets.id"), index=True)
    # The digest of the norm set document the score was computed with: after an
    # erratum, rows that still carry the old one are the ones left to rescore.
    norm_set_sha256: Mapped[str] = mapped_column(String(64))
    overall: Mapped[float | None]
    coverage: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), index=True)
    domain_scores: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    results: Mapped[list[dict[str, Any]]] = mapped_column(ResultsDocument)
    # The outcomes of ``results`` as one letter per norm (engine.outcome_letters), so that
    # a picture of a past day reads short text rather than every result document.
    outcomes: Mapped[str | None] = mapped_column(Text)

    location: Mapped[Location] = relationship()
    inspector: Mapped[User] = relationship()
    norm_set: Mapped[NormSet] = relationship()

    @property
    def observed_at_local(self) -> datetime:
        """observed_at in the offset the phone reported it with."""
        offset = timezone(timedelta(minutes=self.observed_utc_offset_minutes))
        return self.observed_at.astimezone(offset)

    @property
    def score(self) -> dict[str, Any]:
        """The score summary as the API shows it."""
        return {
            "overall": self.overall,
            "status": self.status,
            "coverage": self.coverage,
            "domains": self.domain_scores,
        }

    @property
    def position(self) -> dict[str, float | None] | None:
        if self.position_latitude is None or self.position_longitude is None:
            return None
        return {
            "latitude": self.position_latitude,
            "longitude": self.position_longitude,
            "accuracy_m": self.position_accuracy_m,
        }

    def __repr__(self) -> str:
        return f"<Inspection {self.id} {self.status}>"
