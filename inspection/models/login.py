"""Failed logins, the evidence for rate limiting across all app processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, UTCDateTime, utcnow


class FailedLogin(Base):
    __tablename__ = "failed_logins"
    __table_args__ = (
        Index("ix_failed_logins_username_attempted", "username", "attempted_at"),
        Index("ix_failed_logins_address_attempted", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
