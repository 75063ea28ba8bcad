"""Location types: the kinds of reception the system knows, kept as data."""

from __future__ import annotations

from datetime import datetime

from flask import g
from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, UTCDateTime, db, utcnow
from inspection.vocabulary import LOCATION_TYPE_KINDS, RESPONSIBLE_PARTIES

_KINDS_SQL = ", ".join(f"'{k}'" for k in LOCATION_TYPE_KINDS)
_PARTIES_SQL = ", ".join(f"'{p}'" for p in RESPONSIBLE_PARTIES)


class LocationType(Base):
    __tablename__ = "location_types"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind_known"),
        CheckConstraint(f"responsible IN ({_PARTIES_SQL})", name="responsible_known"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    # Who answers for reception of this type: COA, the municipality or Nidos.
    responsible: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LocationType {self.code}>"


def location_type_codes() -> tuple[str, ...]:
    """The codes of every location type, grouped by kind; read once per app context.

    Forms, filters and the compiled norm sets ask often within one request;
    adding a type forgets the list (``forget_location_type_codes``).
    """
    codes = g.get("location_type_codes")
    if codes is None:
        rows = db.session.execute(select(LocationType.code, LocationType.kind)).all()
        rows.sort(key=lambda row: (LOCATION_TYPE_KINDS.index(row.kind), row.code))
        codes = g.location_type_codes = tuple(row.code for row in rows)
    return codes


def forget_location_type_codes() -> None:
    g.pop("location_type_codes", None)
