"""Reports keep what their document shows from adoption on (``reports.content``).

An adopted report must not change when the data behind it do (a rescoring, a
late visit, a renamed location). Reports adopted before this column existed
get their content the first time their document is read.

Revision ID: 3b8d2f6c9e14
Revises: 8cfb270b84dc
Create Date: 2026-11-30 21:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "3b8d2f6c9e14"
down_revision = "8cfb270b84dc"
branch_labels = None
depends_on = None

# Plain JSON text on SQLite, JSONB on PostgreSQL (as inspection.db.JSONDocument).
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", JSON_DOCUMENT, nullable=True))


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("content")
