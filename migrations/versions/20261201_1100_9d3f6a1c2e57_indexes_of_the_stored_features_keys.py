"""Indexes from which today's GeoJSON reads the keys of the stored features, in code order.

Today's ``locations.geojson`` walks the locations in the order of their
codes and, for each, reads the key of its stored feature: the digest, and
the location's ``updated_at`` the feature was made for (served only if the
location has not changed since). With the code's unique index and the
primary key of ``location_pictures`` alone, each step read the location's
row and the picture's row, which carries the feature and more (17 MB for
10,000 locations); two indexes now hold all the walk reads, the status it
may be filtered by included. A third finds the features it reads by their
digest.

Revision ID: 9d3f6a1c2e57
Revises: 5e2b7c4d9a10
Create Date: 2026-12-01 11:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9d3f6a1c2e57"
down_revision = "5e2b7c4d9a10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_locations_code_updated_at", "locations", ["code", "updated_at"])
    op.create_index(
        "ix_location_pictures_feature_key",
        "location_pictures",
        ["location_id", "location_updated_at", "feature_digest", "status"],
    )
    op.create_index(
        "ix_location_pictures_feature_digest", "location_pictures", ["feature_digest"]
    )


def downgrade():
    op.drop_index("ix_location_pictures_feature_digest", table_name="location_pictures")
    op.drop_index("ix_location_pictures_feature_key", table_name="location_pictures")
    op.drop_index("ix_locations_code_updated_at", table_name="locations")
