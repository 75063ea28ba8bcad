"""The stored features of every location joined in parts, in code order (``feature_parts``).

Today's GeoJSON of every location reads some hundred parts instead of a
feature per location. Triggers name, in ``feature_part_changes``, the code of
every location changed or whose picture changed, in the statement that
changes it, whatever code writes it; the service joins the parts of those
codes again before it commits, and a reader joins such a part itself until
then. The triggers only add rows: no writer waits for another on them. The
one part made here holds every location and is NULL (never joined): the
service's first write of a picture joins it and splits it into parts of
about a hundred.

A part holds the codes from its ``first_code`` up to the next part's, in
the order of the codes' characters (SQLite's BINARY, PostgreSQL's "C"
collation), whatever the database's default collation.

Revision ID: b4e8f2a6c1d3
Revises: 9d3f6a1c2e57
Create Date: 2026-12-01 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4e8f2a6c1d3"
down_revision = "9d3f6a1c2e57"
branch_labels = None
depends_on = None

_NAME_PICTURE = (
    "INSERT INTO feature_part_changes (code) SELECT code FROM locations WHERE id = {row}.location_id;"
)
_SQLITE_TRIGGERS = {
    "feature_parts_picture_inserted": (
        "AFTER INSERT ON location_pictures",
        _NAME_PICTURE.format(row="NEW"),
    ),
    "feature_parts_picture_updated": (
        "AFTER UPDATE ON location_pictures",
        _NAME_PICTURE.format(row="NEW"),
    ),
    "feature_parts_picture_deleted": (
        "AFTER DELETE ON location_pictures",
        _NAME_PICTURE.format(row="OLD"),
    ),
    "feature_parts_location_inserted": (
        "AFTER INSERT ON locations",
        "INSERT INTO feature_part_changes (code) VALUES (NEW.code);",
    ),
    "feature_parts_location_updated": (
        "AFTER UPDATE ON locations",
        "INSERT INTO feature_part_changes (code) VALUES (OLD.code);"
        " INSERT INTO feature_part_changes (code) SELECT NEW.code WHERE NEW.code <> OLD.code;",
    ),
    "feature_parts_location_deleted": (
        "AFTER DELETE ON locations",
        "INSERT INTO feature_part_changes (code) VALUES (OLD.code);",
    ),
}

_POSTGRESQL = """
CREATE FUNCTION feature_parts_picture_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO feature_part_changes (code) SELECT code FROM locations WHERE id = OLD.location_id;
    ELSE
        INSERT INTO feature_part_changes (code) SELECT code FROM locations WHERE id = NEW.location_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION feature_parts_location_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO feature_part_changes (code) VALUES (OLD.code);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.code IS DISTINCT FROM OLD.code) THEN
        INSERT INTO feature_part_changes (code) VALUES (NEW.code);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER feature_parts_picture_changed
    AFTER INSERT OR UPDATE OR DELETE ON location_pictures
    FOR EACH ROW EXECUTE FUNCTION feature_parts_picture_changed();

CREATE TRIGGER feature_parts_location_changed
    AFTER INSERT OR UPDATE OR DELETE ON locations
    FOR EACH ROW EXECUTE FUNCTION feature_parts_location_changed();
"""


def upgrade():
    op.create_table(
        "feature_parts",
        sa.Column("first_code", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("features", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("first_code", name=op.f("pk_feature_parts")),
    )
    op.create_table(
        "feature_part_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_part_changes")),
    )
    op.execute("INSERT INTO feature_parts (first_code, body, features) VALUES ('', NULL, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL)
        return
    for name, (event, statements) in _SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {statements} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER feature_parts_location_changed ON locations")
        op.execute("DROP TRIGGER feature_parts_picture_changed ON location_pictures")
        op.execute("DROP FUNCTION feature_parts_location_changed()")
        op.execute("DROP FUNCTION feature_parts_picture_changed()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("feature_part_changes")
    op.drop_table("feature_parts")
