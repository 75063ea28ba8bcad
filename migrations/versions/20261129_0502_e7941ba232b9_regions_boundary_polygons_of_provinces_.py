"""Regions: boundary polygons of provinces and municipalities (WKB, WGS84, no PostGIS).

Revision ID: e7941ba232b9
Revises: eb391c60bed1
Create Date: 2026-11-29 05:02:54.154885

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7941ba232b9"
down_revision = "eb391c60bed1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        # Polygon or MultiPolygon as WKB in EPSG:4326: a plain binary column on both databases.
        sa.Column("geometry", sa.LargeBinary(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "level IN ('province', 'municipality')", name=op.f("ck_regions_level_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        # Also serves the lookups by level (its first column).
        sa.UniqueConstraint("level", "name", name="uq_regions_level_name"),
    )


def downgrade():
    op.drop_table("regions")
