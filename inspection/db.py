"""Database foundations: the declarative base, column types, the session and its unit of work.

Exactly one place commits or rolls back: the end of a request
(``register_unit_of_work``) or of a CLI command (``unit_of_work``).
Operations only flush; one that must undo part of its own work uses a
savepoint (``db.session.begin_nested()``), never the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, MetaData, Select, Table, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that Alembic revisions can refer to them on both
# SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (called per row, never at import)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC.

    SQLite keeps no offset, so every value is normalised to UTC on the way in
    and comes back aware; naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are not stored; give a UTC offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


# --- the unit of work ---------------------------------------------------------------------


def keep_work_on_error() -> None:
    """Commit this request's work although it answers with an error (a failed login counts)."""
    g.keep_work_on_error = True


def register_unit_of_work(app: Flask) -> None:
    """The one commit point of a request: its work is stored only when it answers with success.

    An error answer rolls back, unless the code that raised it asked to keep
    the work (``keep_work_on_error``; a ``DomainError`` with ``keep_work``).
    """

    @app.after_request
    def _commit_or_rollback(response: Response) -> Response:
        if response.status_code < 400 or g.pop("keep_work_on_error", False):
            db.session.commit()
        else:
            db.session.rollback()
        return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The one commit point of a command: commit when the block ends, roll back when it raises.

    An exception with a true ``keep_work`` attribute commits before it goes on.
    """
    try:
        yield
    except BaseException as exc:
        if getattr(exc, "keep_work", False):
            db.session.commit()
        else:
            db.session.rollback()
        raise
    db.session.commit()


# --- outages -------------------------------------------------------------------------------

# SQLite's errors that mean "not now" (a file it cannot open or that another
# process holds), as opposed to a wrong query.
_SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "database is locked",
    "disk I/O error",
    "database or disk is full",
)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached now, rather than that a query is wrong.

    Lost or refused connections, a server shutting down or a busy SQLite file
    pass; clients should try again later. Errors in queries do not.
    """
    if isinstance(exc, DisconnectionError | PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("psycopg"):
        # psycopg's OperationalError: connection failures, shutdowns, cancelled or
        # deadlocked statements; its errors in queries are of other classes.
        return True
    return any(reason in str(exc.orig) for reason in _SQLITE_UNAVAILABLE)


# --- SQLite -------------------------------------------------------------------------------


def _is_sqlite(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL for concurrent readers during writes; foreign keys are off by default in SQLite."""
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A savepoint keeps a statement journal; in memory it costs no temporary file.
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
    # pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT
    # issued first opens the transaction itself and its RELEASE ends it, committing
    # everything. Its handling is switched off and the transaction begun below, as
    # SQLAlchemy's documentation shows for savepoints on pysqlite.
    dbapi_connection.isolation_level = None


@compiles(Table, "sqlite")
def _table_with_hint(table: Table, compiler: Any, **kw: Any) -> str:
    """A table hint for SQLite (``select.with_hint(Model, "INDEXED BY ix_...", "sqlite")``).

    SQLAlchemy keeps the hints a statement names for SQLite but renders none
    of them; SQLite takes one after the table's name in FROM.
    """
    text: str = compiler.visit_table(table, **kw)
    hints = kw.get("fromhints")
    if kw.get("asfrom") and hints and table in hints:
        text += " " + hints[table]
    return text


@event.listens_for(Engine, "before_cursor_execute")
def _begin_sqlite(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """Begin SQLite's transaction before the first statement that writes (or a SAVEPOINT).

    Not at the first SELECT, as SQLAlchemy's recipe does: in WAL mode a read
    transaction that later writes fails at once ("database is locked") when
    another connection committed in between, while a transaction begun by its
    first write waits its turn (``busy_timeout``). Reads before it see the
    latest committed data, as under pysqlite's own handling.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if (
        _is_sqlite(dbapi_connection)
        and not dbapi_connection.in_transaction
        and conn.in_transaction()
        # A BEGIN of its own (``locks.begin_writing``'s BEGIN IMMEDIATE) needs none before it.
        and not statement.lstrip()[:6].upper().startswith(("SELECT", "PRAGMA", "BEGIN"))
    ):
        cursor.execute("BEGIN")


def driver_rows(query: Select[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A query's column names and rows as the driver gives them (no SQLAlchemy types applied)."""
    connection = db.session.connection()
    # Lists in IN (...) rendered as one parameter each: the driver knows no expanding ones.
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters: Any = {}
    for name, value in compiled.params.items():
        # As SQLAlchemy would bind them (times in UTC, as text on SQLite).
        bind = compiled.binds.get(name)
        processor = bind.type.bind_processor(connection.dialect) if bind is not None else None
        parameters[name] = processor(value) if processor else value
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection.dialect.paramstyle == "qmark":
            parameters = tuple(parameters[name] for name in compiled.positiontup or ())
        cursor.execute(str(compiled), parameters)
        keys = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return keys, rows
