"""The schema comes from the migrations, and the stores keep what they promise."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from inspection import audit, rescoring, stored_results
from inspection.db import db
from inspection.engine import score_answers
from inspection.models import Location, User
from inspection.norm_sets import compiled


def test_the_migrations_build_exactly_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_the_migrations_go_down_to_nothing_and_up_again(app, create_location):
    create_location(code="BEFORE")
    db.session.remove()

    downgrade(revision="base")
    db.engine.dispose()
    left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    upgrade()
    db.engine.dispose()

    assert left == set()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
    # The rebuilt database works: the append-only audit log included.
    audit.record("test.event", "test", "1")
    db.session.add(new_location("AFTER"))
    db.session.commit()
    assert stored_codes() == ["AFTER"]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()


def test_an_upgrade_keeps_a_database_with_data_that_refers_to_its_locations(
    app, create_location, create_user
):
    """Rows that refer to locations (a manager's scope) survive the migrations that rebuild
    the locations table (SQLite copies a table to alter it, dropping the old one)."""
    create_location(code="KEPT")
    create_user("manager", locations=("KEPT",), username="beheerder-kept")
    db.session.remove()

    downgrade(revision="25d34bf87777")
    upgrade()
    db.engine.dispose()

    assert stored_codes() == ["KEPT"]
    scoped = (
        db.session.execute(
            text(
                "SELECT l.code FROM user_locations AS ul"
                " JOIN locations AS l ON l.id = ul.location_id"
            )
        )
        .scalars()
        .all()
    )
    assert scoped == ["KEPT"]
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(app, create_user):
    user = create_user()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO user_locations (user_id, location_id) VALUES (:u, 999)"),
            {"u": user.id},
        )


def test_the_audit_log_is_append_only(app):
    audit.record("test.event", "test", "1", note="first")
    db.session.commit()

    for statement in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()

    assert db.session.execute(text("SELECT action FROM audit_events")).scalars().all() == [
        "test.event"
    ]


def test_times_come_back_aware_in_utc(app, create_location):
    location = create_location()
    location_id = location.id
    db.session.expire_all()

    stored = db.session.get(Location, location_id)

    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_naive_times_are_refused(app, create_location):
    location = create_location()
    location.updated_at = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_an_offset_time_is_stored_as_the_same_instant(app, create_location):
    location = create_location()
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2)))
    location.created_at = moment
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Location, location.id).created_at == moment


def test_unknown_roles_and_location_types_are_refused_by_the_database(app, create_location):
    db.session.add(User(username="x1", password_hash="h", role="admin"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        create_location(type="sporthal")


def new_location(code: str) -> Location:
    return Location(
        code=code,
        name=code,
        type="azc",
        municipality="Westerwolde",
        province="Groningen",
        latitude=53.0,
        longitude=7.0,
    )


def stored_codes() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(db.select(Location.code).order_by(Location.code)).all()


def test_work_in_a_savepoint_is_undone_with_the_transaction_around_it(app):
    """On SQLite too: a savepoint opened before any write does not commit when released."""
    with db.session.begin_nested():
        db.session.add(new_location("IN-SAVEPOINT"))
    db.session.rollback()

    assert stored_codes() == []


def test_a_savepoint_rolled_back_keeps_the_work_before_it(app):
    db.session.add(new_location("EARLIER"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(new_location("EARLIER"))
    db.session.add(new_location("LATER"))
    db.session.commit()

    assert stored_codes() == ["EARLIER", "LATER"]


def test_results_are_stored_as_arrays_and_read_as_objects_before_and_after_the_upgrade(
    client, norm_set, create_location, headers_for, make_submission
):
    """A visit's per-norm results are kept as one array per norm; the API shows the objects
    it showed before, and the upgrade converts the results stored as objects."""
    create_location(code="TER-APEL", type="azc")
    inspector = headers_for("inspector")
    body = make_submission(answers={**make_submission()["answers"], "toilets_working": 15})
    shown = client.post("/api/v1/inspections", json=body, headers=inspector).get_json()["results"]
    url = f"/api/v1/inspections/{body['id']}"
    score = score_answers(body["answers"], compiled(norm_set), "azc")

    def raw_results() -> str:
        db.session.remove()
        return db.session.execute(text("SELECT CAST(results AS TEXT) FROM inspections")).scalar()

    fields = ("norm", "domain", "outcome", "severity", "value", "threshold", "critical")
    as_arrays = [[result[name] for name in fields] for result in shown]
    assert json.loads(raw_results()) == as_arrays
    if db.engine.dialect.name == "sqlite":
        # SQLite keeps the text as written: a rescoring finds an unchanged visit by comparing
        # it with the text it makes, without decoding either.
        assert raw_results() == stored_results.stored_text(score.results)
    assert {
        "norm": "HYG-01",
        "outcome": "fail",
        "threshold": {"max": 10, "critical_max": 50},
    }.items() <= next(r for r in shown if r["norm"] == "HYG-01").items()

    downgrade(revision="b4e8f2a6c1d3")
    written_as_objects = raw_results()
    # A row still holding objects (written by a process not yet upgraded) reads the same.
    assert client.get(url, headers=inspector).get_json()["results"] == shown
    # A rescoring rewrites such a row as arrays, with no verdict changed.
    assert rescoring.rescore("nl-children", "2023.1").changed == 0
    db.session.commit()
    assert json.loads(raw_results()) == as_arrays
    # No connection checked out across the engine's disposal (it would be left open).
    db.session.remove()
    upgrade()
    db.engine.dispose()

    assert json.loads(written_as_objects) == shown
    assert json.loads(raw_results()) == as_arrays
    # The field names were more than half of the text.
    assert len(raw_results()) < 0.5 * len(written_as_objects)
    assert client.get(url, headers=inspector).get_json()["results"] == shown
