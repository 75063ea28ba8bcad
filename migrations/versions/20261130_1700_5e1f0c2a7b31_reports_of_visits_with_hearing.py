"""Reports of visits (concept, hearing, adopted, published) and the reactions to them.

Revision ID: 5e1f0c2a7b31
Revises: 84972bdb1677
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "5e1f0c2a7b31"
down_revision = "84972bdb1677"
branch_labels = None
depends_on = None

# Plain JSON text on SQLite, JSONB on PostgreSQL (as inspection.db.JSONDocument).
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("reaction_due", sa.Date(), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_by_id", sa.Integer(), nullable=True),
        sa.Column("handling", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('concept', 'hearing', 'adopted', 'published')",
            name=op.f("ck_reports_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_reports_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_reports_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_reports_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_reports_sent_by_id_users")),
        sa.ForeignKeyConstraint(
            ["adopted_by_id"], ["users.id"], name=op.f("fk_reports_adopted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_reports_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_reports_inspection_id")),
    )
    op.create_index("ix_reports_location_state", "reports", ["location_id", "state"], unique=False)
    op.create_table(
        "report_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("corrections", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_reactions_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_report_reactions_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reactions")),
    )
    op.create_index(
        op.f("ix_report_reactions_report_id"), "report_reactions", ["report_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_report_reactions_report_id"), table_name="report_reactions")
    op.drop_table("report_reactions")
    op.drop_index("ix_reports_location_state", table_name="reports")
    op.drop_table("reports")
