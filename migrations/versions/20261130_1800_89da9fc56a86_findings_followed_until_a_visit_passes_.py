"""Findings followed until a visit passes the norm, with responses and their photos.

Revision ID: 89da9fc56a86
Revises: 5c7a1e2f9b31
Create Date: 2026-11-30 16:39:56.496504

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "89da9fc56a86"
down_revision = "5c7a1e2f9b31"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("norm", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("follow_up_days", sa.Integer(), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "severity IN ('critical', 'major', 'minor')", name=op.f("ck_findings_severity_known")
        ),
        sa.CheckConstraint(
            "state IN ('open', 'resolved', 'lapsed', 'withdrawn')",
            name=op.f("ck_findings_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["inspections.id"],
            name=op.f("fk_findings_closed_by_id_inspections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_findings_location_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_findings_closed_by_id"), ["closed_by_id"], unique=False
        )
        batch_op.create_index("ix_findings_location_norm", ["location_id", "norm"], unique=False)
        batch_op.create_index("ix_findings_state_deadline", ["state", "deadline"], unique=False)

    op.create_table(
        "finding_inspections",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_finding_inspections_finding_id_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_finding_inspections_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("finding_id", "inspection_id", name=op.f("pk_finding_inspections")),
    )
    with op.batch_alter_table("finding_inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_inspections_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "finding_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_finding_responses_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_finding_responses_finding_id_findings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_responses")),
    )
    with op.batch_alter_table("finding_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_responses_finding_id"), ["finding_id"], unique=False
        )

    op.create_table(
        "finding_photos",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["finding_responses.id"],
            name=op.f("fk_finding_photos_response_id_finding_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_finding_photos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_photos")),
    )
    with op.batch_alter_table("finding_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_photos_response_id"), ["response_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("finding_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_photos_response_id"))

    op.drop_table("finding_photos")
    with op.batch_alter_table("finding_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_responses_finding_id"))

    op.drop_table("finding_responses")
    with op.batch_alter_table("finding_inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_inspections_inspection_id"))

    op.drop_table("finding_inspections")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_state_deadline")
        batch_op.drop_index("ix_findings_location_norm")
        batch_op.drop_index(batch_op.f("ix_findings_closed_by_id"))

    op.drop_table("findings")
