"""Findings: failures followed until a visit sees them repaired, with the manager's responses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.db import Base, UTCDateTime, utcnow
from inspection.models.inspection import Inspection
from inspection.models.location import Location
from inspection.models.user import User
from inspection.vocabulary import FINDING_RECORD_STATES, SEVERITIES

_STATES_SQL = ", ".join(f"'{s}'" for s in FINDING_RECORD_STATES)
_SEVERITIES_SQL = ", ".join(f"'{s}'" for s in SEVERITIES)

# The failing visits that opened and confirmed a finding.
finding_inspections = Table(
    "finding_inspections",
    Base.metadata,
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "inspection_id",
        ForeignKey("inspections.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Finding(Base):
    """One run of failures of a norm at a location (``inspection.engine.findings``).

    Derived from the visits and kept in step with them when a visit arrives or
    is rescored; the id stays while the run it stands for does, so that the
    responses stay with it. ``withdrawn``: a rescoring showed the failures
    were none, but the finding had responses, which are kept.
    """

    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES_SQL})", name="state_known"),
        CheckConstraint(f"severity IN ({_SEVERITIES_SQL})", name="severity_known"),
        Index("ix_findings_location_norm", "location_id", "norm"),
        # Open and overdue: the questions every list asks first.
        Index("ix_findings_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    norm: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[date] = mapped_column(Date)
    follow_up_days: Mapped[int]
    repeats: Mapped[int]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspections.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    location: Mapped[Location] = relationship()
    inspections: Mapped[list[Inspection]] = relationship(
        secondary=finding_inspections, order_by=(Inspection.observed_at, Inspection.id)
    )
    responses: Mapped[list[FindingResponse]] = relationship(
        back_populates="finding",
        order_by="FindingResponse.created_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.norm} {self.state}>"


class FindingResponse(Base):
    """What the location did or plans about a finding; it never closes the finding."""

    __tablename__ = "finding_responses"

    # Made by the client when it wants a resend to be safe, else by the service.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    planned_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="responses")
    author: Mapped[User] = relationship()
    photos: Mapped[list[FindingPhoto]] = relationship(
        order_by="FindingPhoto.uploaded_at", passive_deletes=True
    )


class FindingPhoto(Base):
    """A photo as evidence for a response, stored without metadata like an inspection's."""

    __tablename__ = "finding_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("finding_responses.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
