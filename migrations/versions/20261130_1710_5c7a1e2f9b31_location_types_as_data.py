"""Location types as data: a location_types table that locations refer to.

The three types that were fixed in the code stay, with the same codes; the
types the Dutch reception system also has are added. Types are added later by
coordinators through the API.

Revision ID: 5c7a1e2f9b31
Revises: 5e1f0c2a7b31
Create Date: 2026-11-30 17:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c7a1e2f9b31"
down_revision = "5e1f0c2a7b31"
branch_labels = None
depends_on = None

KINDS = "'arrival', 'process', 'regular', 'emergency', 'crisis', 'unaccompanied_minors', 'protected'"
PARTIES = "'COA', 'municipality', 'Nidos'"
OLD_TYPES = ("azc", "noodopvang", "crisisnoodopvang")

# code, Dutch name, English name, kind, responsible party
TYPES = [
    ("azc", "Asielzoekerscentrum (azc)", "Asylum seekers' centre (azc)", "regular", "COA"),
    ("noodopvang", "Noodopvang", "Emergency shelter", "emergency", "COA"),
    (
        "crisisnoodopvang",
        "Crisisnoodopvang",
        "Crisis emergency shelter",
        "crisis",
        "municipality",
    ),
    ("aanmeldcentrum", "Aanmeldcentrum", "Arrival centre", "arrival", "COA"),
    (
        "proces-opvanglocatie",
        "Proces-opvanglocatie (pol)",
        "Process reception location",
        "process",
        "COA",
    ),
    (
        "gemeentelijke-noodopvang",
        "Tijdelijke gemeentelijke noodopvang",
        "Municipal emergency reception",
        "emergency",
        "municipality",
    ),
    (
        "nachtopvang",
        "Nachtopvang of wachtkamer",
        "Night shelter or waiting room",
        "crisis",
        "COA",
    ),
    (
        "kleinschalige-amv-opvang",
        "Kleinschalige opvang amv (pol-amv, kwv)",
        "Small-scale housing for unaccompanied minors (POL-amv, KWV)",
        "unaccompanied_minors",
        "COA",
    ),
    (
        "beschermde-opvang",
        "Beschermde opvang",
        "Protected reception (potential victims of trafficking)",
        "protected",
        "Nidos",
    ),
]


def upgrade():
    table = op.create_table(
        "location_types",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_nl", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("responsible", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_location_types_kind_known")),
        sa.CheckConstraint(
            f"responsible IN ({PARTIES})", name=op.f("ck_location_types_responsible_known")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_location_types")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":  # SQLite keeps UTC without an offset
        now = now.replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {"code": c, "name_nl": nl, "name_en": en, "kind": k, "responsible": r, "created_at": now}
            for c, nl, en, k, r in TYPES
        ],
    )
    with op.batch_alter_table("locations") as batch_op:
        batch_op.drop_constraint(op.f("ck_locations_type_known"), type_="check")
        batch_op.create_foreign_key(
            op.f("fk_locations_type_location_types"), "location_types", ["type"], ["code"]
        )


def downgrade():
    old = ", ".join(f"'{t}'" for t in OLD_TYPES)
    with op.batch_alter_table("locations") as batch_op:
        batch_op.drop_constraint(op.f("fk_locations_type_location_types"), type_="foreignkey")
        batch_op.create_check_constraint(op.f("ck_locations_type_known"), f"type IN ({old})")
    op.drop_table("location_types")
