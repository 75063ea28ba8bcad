"""Initial schema: locations, norm sets, inspections, photos, users, tokens, logins, audit log.

Revision ID: eb391c60bed1
Revises:
Create Date: 2026-11-29 04:37:06.926099

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Plain JSON text on SQLite, JSONB on PostgreSQL (as inspection.db.JSONDocument).
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# revision identifiers, used by Alembic.
revision = "eb391c60bed1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("municipality", sa.String(length=100), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "type IN ('azc', 'noodopvang', 'crisisnoodopvang')",
            name=op.f("ck_locations_type_known"),
        ),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity >= 0", name=op.f("ck_locations_capacity_positive")
        ),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name=op.f("ck_locations_latitude_range")),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_locations_longitude_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("code", name=op.f("uq_locations_code")),
    )
    op.create_index("ix_locations_municipality", "locations", ["municipality"])
    op.create_index("ix_locations_province", "locations", ["province"])
    op.create_index("ix_locations_type", "locations", ["type"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('inspector', 'manager', 'coordinator', 'viewer')",
            name=op.f("ck_users_role_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("details", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])

    op.create_table(
        "norm_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("document", JSON_DOCUMENT, nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"], ["users.id"], name=op.f("fk_norm_sets_loaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_norm_sets")),
        sa.UniqueConstraint("catalogue", "valid_from", name="uq_norm_sets_catalogue_valid_from"),
        sa.UniqueConstraint("catalogue", "version", name="uq_norm_sets_catalogue_version"),
    )
    op.create_index("ix_norm_sets_catalogue", "norm_sets", ["catalogue"])

    op.create_table(
        "user_locations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_user_locations_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_locations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "location_id", name=op.f("pk_user_locations")),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", JSON_DOCUMENT, nullable=False),
        sa.Column("notes", JSON_DOCUMENT, nullable=False),
        sa.Column("position_latitude", sa.Double(), nullable=True),
        sa.Column("position_longitude", sa.Double(), nullable=True),
        sa.Column("position_accuracy_m", sa.Double(), nullable=True),
        sa.Column("norm_set_id", sa.Integer(), nullable=False),
        sa.Column("overall", sa.Double(), nullable=True),
        sa.Column("coverage", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("domain_scores", JSON_DOCUMENT, nullable=False),
        sa.Column("results", JSON_DOCUMENT, nullable=False),
        sa.CheckConstraint(
            "status IN ('critical', 'below_norm', 'incomplete', 'meets_norms')",
            name=op.f("ck_inspections_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_inspections_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["norm_set_id"], ["norm_sets.id"], name=op.f("fk_inspections_norm_set_id_norm_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    op.create_index("ix_inspections_inspector_id", "inspections", ["inspector_id"])
    op.create_index(
        "ix_inspections_location_observed", "inspections", ["location_id", "observed_at"]
    )
    op.create_index("ix_inspections_norm_set_id", "inspections", ["norm_set_id"])
    op.create_index("ix_inspections_observed_at", "inspections", ["observed_at"])
    op.create_index("ix_inspections_status", "inspections", ["status"])

    op.create_table(
        "photos",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("norm", sa.String(length=32), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_photos_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_photos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index("ix_photos_inspection_id", "photos", ["inspection_id"])
    op.create_table(
        "failed_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_logins")),
    )
    op.create_index(
        "ix_failed_logins_address_attempted", "failed_logins", ["address", "attempted_at"]
    )
    op.create_index(
        "ix_failed_logins_username_attempted", "failed_logins", ["username", "attempted_at"]
    )
    _make_audit_log_append_only()


def _make_audit_log_append_only():
    """The audit log is evidence: the database itself refuses to change or delete it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            """
            CREATE TRIGGER audit_events_append_only
            BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
            """
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"""
                CREATE TRIGGER audit_events_no_{event.lower()}
                BEFORE {event} ON audit_events
                BEGIN
                    SELECT RAISE(ABORT, 'audit_events is append-only');
                END
                """
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_table("failed_logins")
    op.drop_table("photos")
    op.drop_index("ix_inspections_status", table_name="inspections")
    op.drop_index("ix_inspections_observed_at", table_name="inspections")
    op.drop_index("ix_inspections_norm_set_id", table_name="inspections")
    op.drop_index("ix_inspections_location_observed", table_name="inspections")
    op.drop_index("ix_inspections_inspector_id", table_name="inspections")

    op.drop_table("inspections")
    op.drop_table("user_locations")
    op.drop_index("ix_norm_sets_catalogue", table_name="norm_sets")

    op.drop_table("norm_sets")
    op.drop_index("ix_audit_events_occurred_at", table_name="audit_events")
    op.drop_index("ix_audit_events_action", table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_index("ix_locations_type", table_name="locations")
    op.drop_index("ix_locations_province", table_name="locations")
    op.drop_index("ix_locations_municipality", table_name="locations")

    op.drop_table("locations")
