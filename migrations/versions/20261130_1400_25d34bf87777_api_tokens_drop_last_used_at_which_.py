"""API tokens: drop last_used_at, which nothing ever wrote.

Revision ID: 25d34bf87777
Revises: dba251989645
Create Date: 2026-11-30 14:00:32.489525

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "25d34bf87777"
down_revision = "dba251989645"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("last_used_at")


def downgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
