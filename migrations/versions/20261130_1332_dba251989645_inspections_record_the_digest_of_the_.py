"""Inspections record the digest of the norm set document that scored them.

Revision ID: dba251989645
Revises: e7941ba232b9
Create Date: 2026-11-30 13:32:10.512297

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dba251989645"
down_revision = "e7941ba232b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.add_column(sa.Column("norm_set_sha256", sa.String(length=64), nullable=True))
    # Stored scores were computed with the document their version holds now.
    op.execute(
        "UPDATE inspections SET norm_set_sha256 = "
        "(SELECT document_sha256 FROM norm_sets WHERE norm_sets.id = inspections.norm_set_id)"
    )
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.alter_column(
            "norm_set_sha256", existing_type=sa.String(length=64), nullable=False
        )


def downgrade():
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_column("norm_set_sha256")
