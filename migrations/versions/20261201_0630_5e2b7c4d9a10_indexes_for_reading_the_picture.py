"""Indexes that spare the reader of today's picture two scans.

The first reader after a change asks which pictures the date has overtaken
(``stale_on`` passed, another norm set version in force): that is a scan of
``location_pictures``, whose rows carry each location's feature (17 MB for
10,000 locations), now of an index of the two columns, which replaces the
one of ``norm_set_id`` alone. The data's fingerprint reads the latest
``locations.updated_at``: now a look-up in an index instead of a scan.

Revision ID: 5e2b7c4d9a10
Revises: c6e046f03eb6
Create Date: 2026-12-01 06:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5e2b7c4d9a10"
down_revision = "c6e046f03eb6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_location_pictures_norm_set_id_stale_on",
        "location_pictures",
        ["norm_set_id", "stale_on"],
    )
    op.drop_index("ix_location_pictures_norm_set_id", table_name="location_pictures")
    op.create_index("ix_locations_updated_at", "locations", ["updated_at"])


def downgrade():
    op.drop_index("ix_locations_updated_at", table_name="locations")
    op.create_index("ix_location_pictures_norm_set_id", "location_pictures", ["norm_set_id"])
    op.drop_index("ix_location_pictures_norm_set_id_stale_on", table_name="location_pictures")
