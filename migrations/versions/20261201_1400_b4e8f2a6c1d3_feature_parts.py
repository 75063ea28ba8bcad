"""The stored features of every location joined in parts, in code order (``feature_parts``).

Today's GeoJSON of every location reads some hundred parts instead of a
feature per location. Triggers mark a part as changed (its ``body`` NULL)
in the statement that changes a picture or a location in it, whatever code
writes them; the service joins changed parts again before it commits, and a
reader joins one it finds NULL itself. The one part made here holds every
location and is NULL: the service's first write of a picture joins it and
splits it into parts of about a hundred.

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

# The part a code falls in, and its body set to NULL (unless it is already).
_SQLITE_MARK = """
    UPDATE feature_parts SET body = NULL
    WHERE body IS NOT NULL AND first_code = (
        SELECT first_code FROM feature_parts WHERE first_code <= {code}
        ORDER BY first_code DESC LIMIT 1
    );
"""
_SQLITE_TRIGGERS = {
    "feature_parts_picture_inserted": (
        "AFTER INSERT ON location_pictures",
        ["(SELECT code FROM locations WHERE id = NEW.location_id)"],
    ),
    "feature_parts_picture_updated": (
        "AFTER UPDATE ON location_pictures",
        ["(SELECT code FROM locations WHERE id = NEW.location_id)"],
    ),
    "feature_parts_picture_deleted": (
        "AFTER DELETE ON location_pictures",
        ["(SELECT code FROM locations WHERE id = OLD.location_id)"],
    ),
    "feature_parts_location_inserted": ("AFTER INSERT ON locations", ["NEW.code"]),
    "feature_parts_location_updated": ("AFTER UPDATE ON locations", ["OLD.code", "NEW.code"]),
    "feature_parts_location_deleted": ("AFTER DELETE ON locations", ["OLD.code"]),
}

_POSTGRESQL = """
CREATE FUNCTION feature_parts_mark(location_code text) RETURNS void LANGUAGE sql AS $$
    UPDATE feature_parts SET body = NULL
    WHERE body IS NOT NULL AND first_code = (
        SELECT first_code FROM feature_parts
        WHERE first_code COLLATE "C" <= location_code COLLATE "C"
        ORDER BY first_code COLLATE "C" DESC LIMIT 1
    )
$$;

CREATE FUNCTION feature_parts_picture_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM feature_parts_mark(code) FROM locations WHERE id = OLD.location_id;
    ELSE
        PERFORM feature_parts_mark(code) FROM locations WHERE id = NEW.location_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION feature_parts_location_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM feature_parts_mark(OLD.code);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM feature_parts_mark(NEW.code);
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
    op.execute("INSERT INTO feature_parts (first_code, body, features) VALUES ('', NULL, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL)
        return
    for name, (event, codes) in _SQLITE_TRIGGERS.items():
        marks = "".join(_SQLITE_MARK.format(code=code) for code in codes)
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {marks} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER feature_parts_location_changed ON locations")
        op.execute("DROP TRIGGER feature_parts_picture_changed ON location_pictures")
        op.execute("DROP FUNCTION feature_parts_location_changed()")
        op.execute("DROP FUNCTION feature_parts_picture_changed()")
        op.execute("DROP FUNCTION feature_parts_mark(text)")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("feature_parts")
