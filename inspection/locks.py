"""Transaction-long locks, so that a check and the write it allows happen as one step.

Counting rows and then inserting one races when two requests (in two app
processes, perhaps) do it at once: both count the same rows. Whoever holds the
lock named for what they count goes alone; the lock ends with the transaction,
at its commit or rollback.
"""

from __future__ import annotations

import hashlib

from inspection.db import db


def hold_exclusively(name: str) -> None:
    """Hold the lock called ``name`` until this transaction ends, waiting for it if taken.

    PostgreSQL: a transaction-level advisory lock on a 64-bit key made from
    the name. SQLite has one lock, the database's write lock (``begin_writing``).
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_key(name),))
    else:
        begin_writing()


def begin_writing() -> None:
    """Make this transaction a writer now, on SQLite: take the database's write lock.

    SQLite lets one transaction write at a time. Taking the lock before
    reading (``BEGIN IMMEDIATE``) means the reads see every transaction
    committed before and no other can commit until this one ends; a reader
    that starts writing later fails instead when another wrote meanwhile.
    PostgreSQL needs nothing: readers and writers do not block each other.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    # pysqlite starts a transaction only at the first write: none yet means no
    # write lock yet. The connection's own method skips the session's autoflush,
    # which would start that transaction first.
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
