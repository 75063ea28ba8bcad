"""Locations keep their current picture per norm; inspections their outcomes as letters.

Revision ID: 84972bdb1677
Revises: 25d34bf87777
Create Date: 2026-11-30 16:42:18.571357

"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Plain JSON text on SQLite, JSONB on PostgreSQL (as inspection.db.JSONDocument).
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)

# revision identifiers, used by Alembic.
revision = "84972bdb1677"
down_revision = "25d34bf87777"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "location_norms",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("norm", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("found", JSON_DOCUMENT, nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("last_assessed", MOMENT, nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("failing_since", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_location_norms_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_norms_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("location_id", "norm", name=op.f("pk_location_norms")),
    )
    with op.batch_alter_table("location_norms") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_location_norms_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "location_pictures",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("norm_set_id", sa.Integer(), nullable=False),
        sa.Column("location_type", sa.String(length=32), nullable=False),
        sa.Column("stale_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("overall", sa.Double(), nullable=True),
        sa.Column("coverage", sa.Double(), nullable=True),
        sa.Column("domain_scores", JSON_DOCUMENT, nullable=False),
        sa.Column("failed_norms", JSON_DOCUMENT, nullable=False),
        sa.Column("critical_norms", JSON_DOCUMENT, nullable=False),
        sa.Column("failing_since", MOMENT, nullable=True),
        sa.Column("latest_inspection_id", sa.String(length=36), nullable=False),
        sa.Column("latest_observed_at", MOMENT, nullable=False),
        sa.Column("children_present", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["latest_inspection_id"],
            ["inspections.id"],
            name=op.f("fk_location_pictures_latest_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_pictures_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["norm_set_id"],
            ["norm_sets.id"],
            name=op.f("fk_location_pictures_norm_set_id_norm_sets"),
        ),
        sa.PrimaryKeyConstraint("location_id", name=op.f("pk_location_pictures")),
    )
    with op.batch_alter_table("location_pictures") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_location_pictures_norm_set_id"), ["norm_set_id"], unique=False
        )
        batch_op.create_index("ix_location_pictures_status", ["status"], unique=False)

    with op.batch_alter_table("inspections") as batch_op:
        batch_op.add_column(sa.Column("outcomes", sa.Text(), nullable=True))

    _fill()


def _fill():
    """Outcome letters for every stored inspection, and every location's picture of today."""
    from inspection.engine import outcome_letters, parse_norm_set
    from inspection.location_state import StoredVisit, state_rows

    bind = op.get_bind()
    inspections = sa.table(
        "inspections",
        sa.column("id", sa.String),
        sa.column("outcomes", sa.Text),
    )
    rows = bind.execute(
        sa.text(
            "SELECT i.id, i.location_id, i.observed_at, CAST(i.results AS TEXT), "
            "CAST(i.answers AS TEXT), l.type FROM inspections i "
            "JOIN locations l ON l.id = i.location_id ORDER BY i.location_id, i.observed_at, i.id"
        )
    ).all()
    if not rows:
        return
    letters = []
    visits = {}
    for key, location_id, observed_at, results, answers, location_type in rows:
        results = json.loads(results)
        letters.append({"key": key, "letters": outcome_letters(results)})
        if isinstance(observed_at, str):
            observed_at = datetime.fromisoformat(observed_at)
        if observed_at.tzinfo is None:
            observed_at = observed_at.replace(tzinfo=ZoneInfo("UTC"))
        children = json.loads(answers).get("children_present")
        visits.setdefault((location_id, location_type), []).append(
            StoredVisit(key, observed_at, results, int(children) if children is not None else None)
        )
    bind.execute(
        inspections.update()
        .where(inspections.c.id == sa.bindparam("key"))
        .values(outcomes=sa.bindparam("letters")),
        letters,
    )

    day = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    norm_sets = bind.execute(
        sa.text("SELECT id, valid_from, CAST(document AS TEXT) FROM norm_sets ORDER BY valid_from")
    ).all()
    in_force = [ns for ns in norm_sets if str(ns[1]) <= day.isoformat()] or norm_sets
    norm_set_id, _, document = in_force[-1]
    document = parse_norm_set(json.loads(document))
    norms_table = sa.table(
        "location_norms",
        *(sa.column(c) for c in ("location_id", "norm", "outcome", "severity", "critical")),
        sa.column("found", JSON_DOCUMENT),
        sa.column("last_assessed", MOMENT),
        sa.column("inspection_id"),
        sa.column("failing_since", MOMENT),
    )
    pictures_table = sa.table(
        "location_pictures",
        *(
            sa.column(c)
            for c in (
                "location_id", "day", "norm_set_id", "location_type", "stale_on", "status",
                "overall", "coverage", "latest_inspection_id", "children_present",
            )
        ),  # fmt: skip
        sa.column("domain_scores", JSON_DOCUMENT),
        sa.column("failed_norms", JSON_DOCUMENT),
        sa.column("critical_norms", JSON_DOCUMENT),
        sa.column("failing_since", MOMENT),
        sa.column("latest_observed_at", MOMENT),
    )
    for (location_id, location_type), stored in visits.items():
        norms, picture = state_rows(
            location_id, location_type, stored, document, norm_set_id, day
        )
        if norms:
            bind.execute(norms_table.insert(), norms)
        bind.execute(pictures_table.insert(), [picture])


def downgrade():
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_column("outcomes")
    with op.batch_alter_table("location_pictures") as batch_op:
        batch_op.drop_index("ix_location_pictures_status")
        batch_op.drop_index(batch_op.f("ix_location_pictures_norm_set_id"))
    op.drop_table("location_pictures")
    with op.batch_alter_table("location_norms") as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_norms_inspection_id"))
    op.drop_table("location_norms")
