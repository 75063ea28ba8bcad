"""Administrative regions (provinces, municipalities) with their boundary polygons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspection.db import Base, UTCDateTime, utcnow

REGION_LEVELS = ("province", "municipality")
_LEVELS_SQL = ", ".join(f"'{level}'" for level in REGION_LEVELS)


class Region(Base):
    """One region's boundary, in WGS84 (EPSG:4326).

    The geometry is stored as WKB in a plain binary column: it works the same
    on SQLite and PostgreSQL without PostGIS, and shapely reads a whole
    column of it at once (``shapely.from_wkb``).
    """

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint(f"level IN ({_LEVELS_SQL})", name="level_known"),
        UniqueConstraint("level", "name", name="uq_regions_level_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    # Polygon or MultiPolygon, WKB, longitude/latitude (EPSG:4326).
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Region {self.level} {self.name}>"
