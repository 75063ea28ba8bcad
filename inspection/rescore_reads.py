"""Reading a range of stored inspections in a rescoring's worker process.

A rescoring's worker processes read their batches themselves, each with its
own connection, instead of receiving every row from the rescoring's
process: that process then only hands out ranges of ids and writes what
comes back, and the rows (about 7 kB each, mostly their JSON) are read
where they are scored instead of being read, pickled, sent and unpickled.
A batch is read by its ids (primary key lookups, whatever the planner
knows of the table), with a query the rescoring's process compiled for its
database: a worker needs neither Flask nor the models, only the driver.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from inspection.rescore_batches import Batch, StoredRow, score_in_worker
from inspection.rescore_batches import start as start_scorer

_engine: Engine | None = None
# How much lower a worker process's priority is than the rescoring's own process: that one
# writes what the workers score, and everything waits for it, whereas a worker ahead of
# the writes only waits for its results to be taken; web requests, too, come first.
NICENESS = 10


def start(url: str | None, *scorer: Any) -> None:
    """Connect (when the rows are read here) and compile the scorer once in this worker
    process (the pool's initializer)."""
    global _engine
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    if url is not None:
        _engine = create_engine(url, poolclass=NullPool)
    start_scorer(*scorer)
    # No garbage collector rounds, as in the rescoring's own process (``rescoring._Run``):
    # a batch makes some hundred objects per row and the days of a picture millions, nearly
    # none in cycles, and a worker process lives for one rescoring only.
    gc.disable()


def read_and_score(sql: str, ids: list[str], named: bool) -> Batch:
    """Score the stored inspections with these ids, in their order.

    ``sql`` selects them (``StoredRow``'s columns) by as many parameters as
    there are ids, in the driver's style: named ``ids_1``, ``ids_2``, ... or
    positional.
    """
    assert _engine is not None, "start() runs first in every worker"
    params: Any = {f"ids_{n}": i for n, i in enumerate(ids, 1)} if named else tuple(ids)
    with _engine.connect() as connection:
        found = {row[0]: row for row in connection.exec_driver_sql(sql, params)}
    # In the order given (``rescoring._stored_order``), which the rows are written in: the
    # database returns them in its own (by id, on SQLite).
    batch = score_in_worker([StoredRow(*found[i]) for i in ids if i in found])
    batch.missing = [i for i in ids if i not in found]
    return batch
