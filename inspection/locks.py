"""Transaction-long locks, so that a check and the write it allows happen as one step.

Counting rows and then inserting one races when two requests (in two app
processes, perhaps) do it at once: both count the same rows. Whoever holds the
lock named for what they count goes alone; the lock ends with the transaction,
at its commit or rollback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy.exc import OperationalError

from inspection.db import db


def hold_exclusively(name: str) -> None:
    """Hold the lock called ``name`` until this transaction ends, waiting for it if taken.

    PostgreSQL: a transaction-level advisory lock on a 64-bit key made from
    the name. SQLite has one lock, the database's write lock (``begin_writing``).
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (lock_key(name),))
    else:
        begin_writing()


def hold_if_free(name: str) -> bool:
    """Hold the lock called ``name`` until this transaction ends if no other holds it now.

    Never waits: whether this transaction holds it. On SQLite, where one
    transaction writes at a time, it holds every such lock once it is the
    writer: it becomes one here (``begin_writing``), waiting for the write
    lock as a writer does, so that what it reads next no other writer changes.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        begin_writing()
        return True
    taken = connection.exec_driver_sql("SELECT pg_try_advisory_xact_lock(%s)", (lock_key(name),))
    return bool(taken.scalar())


# Locations are locked in this many buckets: a transaction that writes what many locations'
# visits add up to (a rescoring) takes at most this many locks (PostgreSQL keeps advisory
# locks in a table of bounded size).
LOCATION_BUCKETS = 64


def hold_locations(location_ids: Iterable[int] | None = None) -> None:
    """Hold the locks on what these locations' visits add up to (all locations: ``None``).

    Whoever changes a location's visits takes this before anything else that
    it holds to its commit (a submission before its insert, a rescoring before
    it locks the norm set), and the refresh of the findings takes it again
    (a transaction may hold a lock twice): two transactions never derive one
    location's findings from visits the other has not committed yet. Taken in
    one order, so that two writers never wait for each other.
    """
    buckets = (
        range(LOCATION_BUCKETS)
        if location_ids is None
        else sorted({i % LOCATION_BUCKETS for i in location_ids})
    )
    for bucket in buckets:
        hold_exclusively(f"location-state:{bucket}")


def begin_writing(attempts: int = 1) -> None:
    """Make this transaction a writer now, on SQLite: take the database's write lock.

    Each attempt waits up to SQLite's ``busy_timeout``. SQLite's waiting is not
    fair: a steady stream of short writers (phones sending) can keep taking the
    lock before a long one (a rescoring) gets it, so the latter asks for more
    ``attempts``; a request answering a phone keeps one.

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
    if connection.connection.driver_connection.in_transaction:
        return
    for attempt in range(1, attempts + 1):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if attempt == attempts or "locked" not in str(exc.orig):
                raise


def lock_key(name: str) -> int:
    """The 64-bit key of the PostgreSQL advisory lock called ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
