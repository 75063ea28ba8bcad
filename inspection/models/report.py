"""Reports of visits and the reactions of locations heard on them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.db import Base, JSONDocument, UTCDateTime, utcnow
from inspection.models.inspection import Inspection
from inspection.models.location import Location
from inspection.models.user import User
from inspection.vocabulary import REPORT_STATES

_STATES_SQL = ", ".join(f"'{s}'" for s in REPORT_STATES)


class Report(Base):
    """The report of one visit, from concept to published.

    Who moved it on and when is kept here for the document; the audit log
    keeps the same as events.
    """

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES_SQL})", name="state_known"),
        Index("ix_reports_location_state", "location_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One report per visit: a second request for it finds this one.
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last day (Europe/Amsterdam) on which the location's manager may react.
    reaction_due: Mapped[date | None] = mapped_column(Date)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # How the reaction was weighed, written by the coordinator who adopted the report.
    handling: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the document shows, per language, as it stood at adoption
    # (``inspection.reports.visit``): an adopted report no longer follows the data.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

    inspection: Mapped[Inspection] = relationship()
    location: Mapped[Location] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    adopted_by: Mapped[User | None] = relationship(foreign_keys=[adopted_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    reactions: Mapped[list[ReportReaction]] = relationship(
        order_by="ReportReaction.submitted_at", back_populates="report"
    )

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.state}>"


class ReportReaction(Base):
    """What the location's manager answered during the hearing: a text and corrections per norm."""

    __tablename__ = "report_reactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    corrections: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    report: Mapped[Report] = relationship(back_populates="reactions")
    author: Mapped[User] = relationship()
