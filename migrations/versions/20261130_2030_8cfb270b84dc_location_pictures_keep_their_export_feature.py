"""Location pictures keep the location's GeoJSON feature, serialised at write time.

Revision ID: 8cfb270b84dc
Revises: 89da9fc56a86
Create Date: 2026-11-30 20:30:00.000000

"""

import json
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8cfb270b84dc"
down_revision = "89da9fc56a86"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade():
    with op.batch_alter_table("location_pictures") as batch_op:
        batch_op.add_column(sa.Column("feature", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("feature_digest", sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("location_updated_at", sa.DateTime(timezone=True), nullable=True)
        )
    _fill()


def _fill():
    """The feature of every stored picture, as ``inspection.location_features`` makes it."""
    from inspection.location_features import digest, location_feature

    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE location_pictures SET location_updated_at = "
            "(SELECT updated_at FROM locations WHERE locations.id = location_pictures.location_id)"
        )
    )
    rows = bind.execute(
        sa.text(
            "SELECT l.id, l.code, l.name, l.type, l.municipality, l.province, l.capacity, "
            "l.latitude, l.longitude, p.status, p.overall, p.coverage, p.latest_observed_at, "
            "p.children_present, CAST(p.failed_norms AS TEXT), CAST(p.critical_norms AS TEXT), "
            "p.failing_since, n.catalogue, n.version "
            "FROM location_pictures p JOIN locations l ON l.id = p.location_id "
            "JOIN norm_sets n ON n.id = p.norm_set_id"
        )
    ).all()
    pictures = sa.table(
        "location_pictures",
        sa.column("location_id", sa.Integer),
        sa.column("feature", sa.LargeBinary),
        sa.column("feature_digest", sa.LargeBinary),
    )
    statement = (
        pictures.update()
        .where(pictures.c.location_id == sa.bindparam("key"))
        .values(feature=sa.bindparam("body"), feature_digest=sa.bindparam("kept"))
    )
    batch = []
    for row in rows:
        (key, code, name, kind, municipality, province, capacity, latitude, longitude) = row[:9]
        location = SimpleNamespace(
            code=code,
            name=name,
            type=kind,
            municipality=municipality,
            province=province,
            capacity=capacity,
            latitude=latitude,
            longitude=longitude,
        )
        status, overall, coverage, observed, children, failed, critical, since = row[9:17]
        picture = {
            "status": status,
            "overall": overall,
            "coverage": coverage,
            "latest_observed_at": _moment(observed),
            "children_present": children,
            "failed_norms": json.loads(failed),
            "critical_norms": json.loads(critical),
            "failing_since": _moment(since),
        }
        body = location_feature(location, picture, f"{row[17]}/{row[18]}")
        batch.append({"key": key, "body": body, "kept": digest(body)})
        if len(batch) == _BATCH:
            bind.execute(statement, batch)
            batch = []
    if batch:
        bind.execute(statement, batch)


def _moment(value):
    """A stored time, aware in UTC (SQLite gives text without an offset)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value


def downgrade():
    with op.batch_alter_table("location_pictures") as batch_op:
        batch_op.drop_column("location_updated_at")
        batch_op.drop_column("feature_digest")
        batch_op.drop_column("feature")
