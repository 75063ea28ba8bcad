"""Locations keep their picture by day (``location_picture_days``): a past day is read, not made.

Revision ID: a7c4d2e9f013
Revises: 3b8d2f6c9e14
Create Date: 2026-12-01 03:00:00.000000

"""

import json
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app
from sqlalchemy.dialects import postgresql

# Plain JSON text on SQLite, JSONB on PostgreSQL (as inspection.db.JSONDocument).
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)

# revision identifiers, used by Alembic.
revision = "a7c4d2e9f013"
down_revision = "3b8d2f6c9e14"
branch_labels = None
depends_on = None

# Locations filled per round: bounds the visits held in memory at once.
_LOCATIONS = 500


def upgrade():
    op.create_table(
        "location_picture_days",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("norm_set_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("overall", sa.Double(), nullable=True),
        sa.Column("coverage", sa.Double(), nullable=True),
        sa.Column("failed_norms", JSON_DOCUMENT, nullable=False),
        sa.Column("critical_norms", JSON_DOCUMENT, nullable=False),
        sa.Column("failing_since", MOMENT, nullable=True),
        sa.Column("latest_inspection_id", sa.String(length=36), nullable=False),
        sa.Column("latest_observed_at", MOMENT, nullable=False),
        sa.Column("children_present", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["latest_inspection_id"],
            ["inspections.id"],
            name=op.f("fk_location_picture_days_latest_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_picture_days_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["norm_set_id"],
            ["norm_sets.id"],
            name=op.f("fk_location_picture_days_norm_set_id_norm_sets"),
        ),
        sa.PrimaryKeyConstraint(
            "location_id", "valid_from", name=op.f("pk_location_picture_days")
        ),
    )
    with op.batch_alter_table("location_picture_days") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_location_picture_days_norm_set_id"), ["norm_set_id"], unique=False
        )
    _fill()


def _fill():
    """Every visited location's days, as ``inspection.day_rows`` makes them."""
    from inspection.day_rows import DayVisit, Versions, day_rows
    from inspection.engine import outcome_letters, parse_norm_set

    bind = op.get_bind()
    catalogue = current_app.config["NORM_CATALOGUE"]
    types = [row[0] for row in bind.execute(sa.text("SELECT code FROM location_types"))]
    stored = bind.execute(
        sa.text(
            "SELECT id, valid_from, CAST(document AS TEXT) FROM norm_sets "
            "WHERE catalogue = :catalogue ORDER BY valid_from"
        ),
        {"catalogue": catalogue},
    ).all()
    if not stored:
        return
    known = Versions(
        [(_day(valid), key, parse_norm_set(json.loads(text), types)) for key, valid, text in stored]
    )
    codes = {
        key: tuple(norm.code for norm in parse_norm_set(json.loads(text), types).norms)
        for key, text in bind.execute(sa.text("SELECT id, CAST(document AS TEXT) FROM norm_sets"))
    }
    located = bind.execute(
        sa.text(
            "SELECT DISTINCT l.id, l.type FROM locations l "
            "JOIN inspections i ON i.location_id = l.id ORDER BY l.id"
        )
    ).all()
    days = sa.table(
        "location_picture_days",
        *(
            sa.column(c)
            for c in (
                "location_id", "valid_from", "norm_set_id", "status", "overall", "coverage",
                "latest_inspection_id", "children_present",
            )
        ),  # fmt: skip
        sa.column("failed_norms", JSON_DOCUMENT),
        sa.column("critical_norms", JSON_DOCUMENT),
        sa.column("failing_since", MOMENT),
        sa.column("latest_observed_at", MOMENT),
    )
    for start in range(0, len(located), _LOCATIONS):
        chunk = located[start : start + _LOCATIONS]
        visits = defaultdict(list)
        for key, location_id, observed_at, norm_set_id, letters, results, answers in bind.execute(
            sa.text(
                "SELECT id, location_id, observed_at, norm_set_id, outcomes, "
                "CASE WHEN outcomes IS NULL THEN CAST(results AS TEXT) END, "
                "CAST(answers AS TEXT) FROM inspections WHERE location_id IN :ids "
                "ORDER BY location_id, observed_at, id"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": [location_id for location_id, _ in chunk]},
        ):
            if letters is None:
                letters = outcome_letters(json.loads(results))
            children = json.loads(answers).get("children_present")
            counted = int(children) if children is not None else None
            visits[location_id].append(
                DayVisit(key, _moment(observed_at), norm_set_id, letters, counted)
            )
        rows = []
        for location_id, location_type in chunk:
            rows.extend(
                day_rows(location_id, location_type, visits[location_id], codes.get, known)
            )
        if rows:
            bind.execute(days.insert(), rows)


def _day(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _moment(value):
    """A stored time, aware in UTC (SQLite gives text without an offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value


def downgrade():
    with op.batch_alter_table("location_picture_days") as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_picture_days_norm_set_id"))
    op.drop_table("location_picture_days")
