"""Rescoring stored inspections: the explicit, audited way a stored score may change."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Dialect,
    Result,
    Select,
    Text,
    bindparam,
    cast,
    literal_column,
    select,
)

from inspection import audit, location_state
from inspection.db import db
from inspection.engine import NormSetError, parse_norm_set
from inspection.errors import NotFound, ValidationFailed
from inspection.locks import begin_writing, hold_locations
from inspection.models import Inspection, Location, NormSet, User
from inspection.models.location_type import location_type_codes
from inspection.norm_sets import compiled, document_digest, get_norm_set, json_ready
from inspection.rescore_batches import Batch, Scorer, StoredRow, score_in_worker
from inspection.rescore_reads import read_and_score
from inspection.rescore_reads import start as start_worker

BATCH = 1000
# Batches handed to each worker process ahead of the one being written.
AHEAD = 2


@dataclass(frozen=True)
class RescoreReport:
    rescored: int
    changed: int


# SQLite: how many times a rescoring waits its busy_timeout (10 s) for the write lock.
WRITE_LOCK_ATTEMPTS = 6


@dataclass(frozen=True)
class Correction:
    """What an erratum changed beyond the outcomes, for ``rescore`` to narrow its work.

    ``deadlines``: the norms whose follow-up days changed (their findings'
    deadlines change without any outcome changing). ``outcomes_only``: the
    norms, their order, domains, weights, location types and staleness stay
    as they were, so a visit's outcome letters mean what they meant and a
    day's picture changes only where they change.
    """

    deadlines: frozenset[str]
    outcomes_only: bool
    # The digest of the document replaced, when the norms, their order and their severities
    # stayed: a row's verdict then changes exactly when its outcome letters or scores do.
    replaced: str | None = None


def _picture_terms(document: Any) -> tuple[Any, ...]:
    return (
        tuple((n.code, n.domain, n.weight, tuple(sorted(n.applies_to))) for n in document.norms),
        tuple(d.code for d in document.domains),
        document.stale_after_days,
    )


def _verdict_terms(document: Any) -> tuple[tuple[str, str], ...]:
    return tuple((n.code, n.severity) for n in document.norms)


def correct_norm_set(norm_set: NormSet, document: dict[str, Any], actor: User | None) -> Correction:
    """Replace a version's document by a corrected one (an erratum).

    The catalogue, version and start date must stay the same: an erratum
    fixes a version, it does not make a new one. Returns what it changed
    beyond the outcomes, for ``rescore``.
    """
    try:
        parsed = parse_norm_set(document)
    except NormSetError as exc:
        raise ValidationFailed("The corrected document is invalid", exc.by_path()) from exc
    same = (parsed.catalogue, parsed.version, parsed.valid_from)
    if same != (norm_set.catalogue, norm_set.version, norm_set.valid_from):
        raise ValidationFailed(
            "An erratum keeps catalogue, version and valid_from",
            {
                "document": [
                    f"expected {norm_set.catalogue} {norm_set.version} from "
                    f"{norm_set.valid_from.isoformat()}"
                ]
            },
        )
    # The rescoring that follows holds SQLite's write lock from its start; take it before
    # this first write, with the same patience.
    begin_writing(attempts=WRITE_LOCK_ATTEMPTS)
    old = compiled(norm_set)
    # Both as the service compiles them, for its own location types.
    new = parse_norm_set(document, location_type_codes())
    before = {norm.code: norm.follow_up_days for norm in old.norms}
    previous = norm_set.document_sha256
    correction = Correction(
        deadlines=frozenset(
            norm.code for norm in parsed.norms if before.get(norm.code) != norm.follow_up_days
        ),
        outcomes_only=_picture_terms(old) == _picture_terms(new),
        replaced=previous if _verdict_terms(old) == _verdict_terms(new) else None,
    )
    stored = json_ready(document)
    norm_set.document = stored
    norm_set.document_sha256 = document_digest(stored)
    audit.record(
        "norm_set.corrected",
        "norm_set",
        f"{norm_set.catalogue}/{norm_set.version}",
        actor,
        previous_sha256=previous,
        sha256=norm_set.document_sha256,
    )
    return correction


def rescore(
    catalogue: str,
    version: str,
    actor: User | None = None,
    processes: int | None = None,
    correction: Correction | None = None,
) -> RescoreReport:
    """Score every stored inspection of a norm set version again.

    Each inspection whose verdict changes gets an audit event with its previous
    and its new score, so no earlier verdict is lost. Rows are streamed and
    written back in batches, without loading ORM objects: a version can hold
    hundreds of thousands of inspections. Batches are scored in ``processes``
    worker processes (``RESCORE_PROCESSES``, by default one per CPU), which read
    their batches by id (``rescore_reads``) while this one writes; with one
    process, or a single batch, all happens here.

    Submissions keep arriving meanwhile, scored by the document committed
    when they read it. A last pass, with the norm set row locked for update,
    rescores every row whose recorded document digest is not the current one:
    it waits for the submissions in flight (each holds a share lock on that
    row from its insert to its commit), and those that come later wait for
    this commit and then read the corrected document themselves.

    With the ``correction`` that ``correct_norm_set`` returned, and when it
    changed the outcomes only, the findings of a location are remade for the
    norms whose outcomes changed (and for those whose follow-up days changed,
    at every location of the version), and its days from the first visit
    whose outcome letters changed. Without one, or after an erratum that
    changed what the letters mean or how a picture counts them, every
    changed location is remade whole.
    """
    norm_set = get_norm_set(catalogue, version)
    if norm_set is None:
        raise NotFound(f"No norm set {catalogue} {version}")
    # SQLite: rows are read while batches are written, so hold the write lock from the start,
    # waiting up to a minute for it while phones keep sending.
    begin_writing(attempts=WRITE_LOCK_ATTEMPTS)
    if processes is None:
        processes = current_app.config.get("RESCORE_PROCESSES") or os.cpu_count() or 1
    label = f"{catalogue}/{version}"
    # SQLite keeps the JSON text as the scorer wrote it: a row's text then tells its content.
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    corrects = correction.replaced if correction is not None and sqlite else None
    scorer = Scorer(compiled(norm_set), norm_set.document_sha256, label, corrects)
    start = (norm_set.document, location_type_codes(), norm_set.document_sha256, label, corrects)
    with _Run(scorer, start, processes, actor) as run:
        run.rescore_version(norm_set.id)
        # Submissions in flight hold their location's lock and then a share lock on the norm
        # set: waiting for the former first, the update lock on the latter is never starved.
        hold_locations()
        db.session.execute(select(NormSet.id).where(NormSet.id == norm_set.id).with_for_update())
        run.rescore(_stored(norm_set.id, Inspection.norm_set_sha256 != norm_set.document_sha256))
        # The pictures of the locations whose visits changed, as if those visits had come in
        # so; the worker processes, if started, make their days.
        if correction is not None and correction.outcomes_only:
            location_state.refresh(
                db.session,
                run.locations,
                actor=actor,
                findings_of=run.findings_of(correction.deadlines),
                letters_changed=run.letters_changed,
                pool=run.pool,
            )
        else:
            location_state.refresh(db.session, run.locations, actor=actor, pool=run.pool)
    audit.record(
        "norm_set.rescored",
        "norm_set",
        label,
        actor,
        rescored=run.rescored,
        changed=run.changed,
    )
    return RescoreReport(rescored=run.rescored, changed=run.changed)


def _stored(norm_set_id: int, *where: ColumnElement[bool]) -> Result[Any]:
    """The stored inspections of a version, streamed (``StoredRow``).

    The answers, stored results and domain scores come as text: they are
    decoded where the batch is scored, and when the new score serialises to
    the same text (the usual case on SQLite, which keeps the text as
    written), not at all.
    """
    return db.session.execute(
        _stored_rows(Inspection.norm_set_id == norm_set_id, *where)
        .order_by(_stored_order())
        .execution_options(yield_per=BATCH)
    )


def _stored_order() -> ColumnElement[Any]:
    """The order in which a rescoring goes through the rows: as they are stored on SQLite.

    SQLite keeps a table's rows in the order of its hidden rowid (the order
    they were inserted), and its ``id`` in a separate index: in ``id`` order
    (random uuids), rows rewritten one after the other lie on pages far apart,
    which its page cache reads and writes again and again (rewriting 100,000
    rows took a quarter longer, ``bench/README.md``). PostgreSQL writes new
    row versions wherever there is room, whatever the order.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return literal_column("inspections.rowid")
    return Inspection.id


def _stored_rows(*where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            Inspection.id,
            Inspection.location_id,
            cast(Inspection.answers, Text),
            Location.type,
            Inspection.overall,
            Inspection.coverage,
            Inspection.status,
            Inspection.norm_set_sha256,
            cast(Inspection.domain_scores, Text),
            cast(Inspection.results, Text),
            Inspection.outcomes,
        )
        .join(Location, Inspection.location_id == Location.id)
        .where(*where)
    )


def _shared_url() -> str | None:
    """The database's URL for the worker processes to read from; None for a database only
    this process can open (SQLite in memory)."""
    url = db.session.get_bind().url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


@cache
def _by_ids(size: int, dialect: Dialect) -> tuple[str, bool]:
    """The query of ``size`` stored inspections by id, compiled for ``dialect``; whether its
    parameters are named (``ids_1`` ...) rather than positional. Unordered: the worker
    puts the rows in the order of the ids it was given."""
    statement = _stored_rows(Inspection.id.in_(bindparam("ids", expanding=True)))
    # render_postcompile needs the parameter's values to know how many placeholders to write.
    compiled = statement.params(ids=[""] * size).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True}
    )
    return str(compiled), not dialect.positional


class _Run:
    """One rescoring: the scorer, its worker processes, the counts, and the writes.

    The worker processes start only for a version of more than one batch (a
    small one is scored here, without their start-up cost); at most ``AHEAD`` batches per
    process are out at a time, so memory stays bounded.
    """

    def __init__(
        self, scorer: Scorer, start: tuple[Any, ...], processes: int, actor: User | None
    ) -> None:
        self.scorer = scorer
        self.start = start
        self.url = _shared_url() if processes > 1 else None
        self.processes = processes
        self.actor = actor
        self.pool: ProcessPoolExecutor | None = None
        self.rescored = self.changed = 0
        # Locations with a visit whose results changed: their pictures are remade.
        self.locations: set[int] = set()
        # Per location, the norms whose outcomes changed (None: all): their findings are remade.
        self.norms: dict[int, set[str] | None] = {}
        self.seen: set[int] = set()
        # Per location, the visits whose outcome letters changed: the picture's days follow.
        self.letters_changed: dict[int, set[str]] = {}
        self.missing: list[str] = []
        self.write = _Writes(self.scorer.digest)
        # Whether the garbage collector ran before this rescoring stopped it (``__enter__``).
        self.collecting = False

    def __enter__(self) -> _Run:
        # The garbage collector rests meanwhile: the rescoring makes hundreds of thousands of
        # objects (batches, every visit's letters, every day of a picture), nearly none in
        # cycles, and its rounds would go through them and all else that lives again and
        # again: about an eighth of the time of one process rescoring alone (bench/README.md).
        # They are freed as usual, when the last reference goes.
        self.collecting = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.collecting:
            gc.enable()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def rescore_version(self, norm_set_id: int) -> None:
        """Rescore every stored inspection of the version: in batches of ids that the worker
        processes read themselves, or (one process, one batch) here."""
        ids = db.session.scalars(
            select(Inspection.id)
            .where(Inspection.norm_set_id == norm_set_id)
            .order_by(_stored_order())
        ).all()
        pool = self._pool() if len(ids) > BATCH and self.url is not None else None
        if pool is None:
            self.rescore(_stored(norm_set_id))
            return
        dialect = db.session.get_bind().dialect
        pending: deque[Future[Batch]] = deque()
        for start in range(0, len(ids), BATCH):
            batch = list(ids[start : start + BATCH])
            sql, named = _by_ids(len(batch), dialect)
            pending.append(pool.submit(read_and_score, sql, batch, named))
            while len(pending) > AHEAD * self.processes:
                self._written(pending.popleft().result())
        while pending:
            self._written(pending.popleft().result())
        # Rows only this transaction sees (stored in it before the rescoring): scored here.
        missing, self.missing = self.missing, []
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            self.rescore(_stored(norm_set_id, Inspection.id.in_(chunk)))

    def rescore(self, stored: Result[Any]) -> None:
        pending: deque[Future[Batch]] = deque()
        for rows in stored.partitions():
            batch = [StoredRow(*row) for row in rows]
            pool = self._pool() if len(batch) == BATCH or pending else None
            if pool is None:
                self._written(self.scorer.score(batch))
                continue
            pending.append(pool.submit(score_in_worker, batch))
            while len(pending) > AHEAD * self.processes:
                self._written(pending.popleft().result())
        while pending:
            self._written(pending.popleft().result())

    def findings_of(self, deadlines_changed: Iterable[str]) -> dict[int, set[str] | None]:
        """Per location, the norms whose findings may change (None: all of them)."""
        norms = dict(self.norms)
        extra = set(deadlines_changed)
        if extra:
            for location_id in self.seen:
                held = norms.get(location_id, set())
                norms[location_id] = None if held is None else held | extra
        return norms

    def _pool(self) -> ProcessPoolExecutor | None:
        if self.processes < 2:
            return None
        if self.pool is None:
            # spawn, not fork: this process holds database connections and perhaps threads.
            self.pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(self.url, *self.start),
            )
        return self.pool

    def _written(self, batch: Batch) -> None:
        self.missing.extend(batch.missing)
        self.rescored += batch.count
        self.changed += len(batch.events)
        self.locations |= batch.locations
        self.seen |= batch.seen
        for location_id, visits in batch.letters_changed.items():
            self.letters_changed.setdefault(location_id, set()).update(visits)
        for location_id, norms in batch.norms.items():
            held = self.norms.get(location_id, set())
            self.norms[location_id] = None if held is None or norms is None else held | norms
        self.write(batch)
        audit.record_many_encoded("inspection.rescored", "inspection", batch.events, self.actor)


class _Writes:
    """Writes a batch's rows: one statement per batch on PostgreSQL, one prepared one on SQLite.

    The JSON columns are written as the text the scorer made, not encoded again.
    """

    def __init__(self, digest: str) -> None:
        self.digest = digest

    def __call__(self, batch: Batch) -> None:
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            self._postgresql(connection, batch)
        else:
            self._sqlite(connection, batch)

    def _sqlite(self, connection: Any, batch: Batch) -> None:
        if batch.rewritten:
            connection.exec_driver_sql(
                "UPDATE inspections SET overall = ?, coverage = ?, status = ?, domain_scores = ?, "
                "results = ?, outcomes = ?, norm_set_sha256 = ? WHERE id = ?",
                [(*new[:6], self.digest, new.id) for new in batch.rewritten],
            )
        if batch.digest_only:
            connection.exec_driver_sql(
                "UPDATE inspections SET norm_set_sha256 = ? WHERE id = ?",
                [(self.digest, key) for key in batch.digest_only],
            )

    def _postgresql(self, connection: Any, batch: Batch) -> None:
        if batch.rewritten:
            columns = list(zip(*batch.rewritten, strict=True))
            connection.exec_driver_sql(
                "UPDATE inspections AS i SET overall = v.overall, coverage = v.coverage, "
                "status = v.status, domain_scores = v.domain_scores::jsonb, "
                "results = v.results::jsonb, outcomes = v.outcomes, norm_set_sha256 = %s "
                "FROM unnest(%s::float8[], %s::float8[], %s::text[], %s::text[], %s::text[], "
                "%s::text[], %s::text[]) "
                "AS v(overall, coverage, status, domain_scores, results, outcomes, id) "
                "WHERE i.id = v.id",
                (self.digest, *(list(column) for column in columns)),
            )
        if batch.digest_only:
            connection.exec_driver_sql(
                "UPDATE inspections SET norm_set_sha256 = %s WHERE id = ANY(%s::text[])",
                (self.digest, batch.digest_only),
            )
