"""What the service keeps of the locations' visits, as rows to compare: a write must leave
what remaking every location from its stored visits leaves."""

from __future__ import annotations

from sqlalchemy import select

from inspection.db import db
from inspection.models import Finding, LocationNorm, LocationPicture, LocationPictureDay

# Per table, the columns that order its rows, and those that differ between equal states
# (a finding's id, the day a picture was made).
_TABLES = (
    (LocationPictureDay, ("location_id", "valid_from"), ()),
    (LocationPicture, ("location_id",), ("day",)),
    (LocationNorm, ("location_id", "norm"), ()),
    (Finding, ("location_id", "norm", "opened_at"), ("id",)),
)


def kept_state() -> list[list[tuple]]:
    """The days, pictures, per-norm rows and findings as stored."""
    db.session.expire_all()
    kept = []
    for model, order, skipped in _TABLES:
        table = model.__table__
        columns = [c for c in table.columns if c.name not in skipped]
        rows = db.session.execute(select(*columns).order_by(*(table.c[n] for n in order))).all()
        kept.append([tuple(row) for row in rows])
    return kept
