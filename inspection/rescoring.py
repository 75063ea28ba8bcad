"""Rescoring stored inspections: the explicit, audited way a stored score may change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Result, Text, cast, select, update

from inspection import audit, location_state
from inspection.db import db
from inspection.engine import (
    NormSetDocument,
    NormSetError,
    outcome_letters,
    parse_norm_set,
    score_answers,
)
from inspection.errors import NotFound, ValidationFailed
from inspection.locks import begin_writing, hold_locations
from inspection.models import Inspection, Location, NormSet, User
from inspection.norm_sets import compiled, document_digest, get_norm_set, json_ready

BATCH = 1000


@dataclass(frozen=True)
class RescoreReport:
    rescored: int
    changed: int


# SQLite: how many times a rescoring waits its busy_timeout (10 s) for the write lock.
WRITE_LOCK_ATTEMPTS = 6


def correct_norm_set(norm_set: NormSet, document: dict[str, Any], actor: User | None) -> None:
    """Replace a version's document by a corrected one (an erratum).

    The catalogue, version and start date must stay the same: an erratum
    fixes a version, it does not make a new one.
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
    stored = json_ready(document)
    previous = norm_set.document_sha256
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


def rescore(catalogue: str, version: str, actor: User | None = None) -> RescoreReport:
    """Score every stored inspection of a norm set version again.

    Each inspection whose verdict changes gets an audit event with its previous
    and its new score, so no earlier verdict is lost. Rows are streamed and
    written back in batches, without loading ORM objects: a version can hold
    hundreds of thousands of inspections.

    Submissions keep arriving meanwhile, scored by the document committed
    when they read it. A last pass, with the norm set row locked for update,
    rescores every row whose recorded document digest is not the current one:
    it waits for the submissions in flight (each holds a share lock on that
    row from its insert to its commit), and those that come later wait for
    this commit and then read the corrected document themselves.
    """
    norm_set = get_norm_set(catalogue, version)
    if norm_set is None:
        raise NotFound(f"No norm set {catalogue} {version}")
    # SQLite: rows are read while batches are written, so hold the write lock from the start,
    # waiting up to a minute for it while phones keep sending.
    begin_writing(attempts=WRITE_LOCK_ATTEMPTS)
    run = _Run(compiled(norm_set), norm_set.document_sha256, f"{catalogue}/{version}", actor)
    run.rescore(_stored(norm_set.id))
    # Submissions in flight hold their location's lock and then a share lock on the norm
    # set: waiting for the former first, the update lock on the latter is never starved.
    hold_locations()
    db.session.execute(select(NormSet.id).where(NormSet.id == norm_set.id).with_for_update())
    run.rescore(_stored(norm_set.id, Inspection.norm_set_sha256 != norm_set.document_sha256))
    # The pictures of the locations whose visits changed, as if those visits had come in so.
    location_state.refresh(db.session, run.locations, actor=actor)
    audit.record(
        "norm_set.rescored",
        "norm_set",
        f"{catalogue}/{version}",
        actor,
        rescored=run.rescored,
        changed=run.changed,
    )
    return RescoreReport(rescored=run.rescored, changed=run.changed)


def _stored(norm_set_id: int, *where: ColumnElement[bool]) -> Result[Any]:
    """The stored inspections of a version, streamed.

    The stored results and domain scores come as text: when the new score
    serialises to the same text (the usual case on SQLite, which keeps the
    text as written), the row is unchanged and nothing is decoded or written.
    """
    return db.session.execute(
        select(
            Inspection.id,
            Inspection.location_id,
            Inspection.answers,
            Location.type,
            Inspection.overall,
            Inspection.coverage,
            Inspection.status,
            Inspection.norm_set_sha256,
            cast(Inspection.domain_scores, Text).label("domains_text"),
            cast(Inspection.results, Text).label("results_text"),
        )
        .join(Location, Inspection.location_id == Location.id)
        .where(Inspection.norm_set_id == norm_set_id, *where)
        .order_by(Inspection.id)
        .execution_options(yield_per=BATCH)
    )


class _Run:
    """One rescoring: the document, the counts, and the batches not yet written."""

    def __init__(
        self, document: NormSetDocument, digest: str, label: str, actor: User | None
    ) -> None:
        self.document = document
        self.digest = digest
        self.label = label
        self.actor = actor
        self.rescored = self.changed = 0
        self.updates: list[dict[str, Any]] = []
        # Rows whose score stays as it is but that now record the current document.
        self.digest_only: list[dict[str, Any]] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        # Locations with a visit whose results changed: their pictures are remade.
        self.locations: set[int] = set()

    def rescore(self, stored: Result[Any]) -> None:
        for row in stored:
            self.rescored += 1
            self._rescore_row(row)
            if len(self.updates) + len(self.digest_only) >= BATCH:
                self._write()
        self._write()

    def _rescore_row(self, row: Any) -> None:
        score = score_answers(row.answers, self.document, row.type)
        # orjson writes the result dataclasses exactly as NormResult.to_dict would.
        results_text = orjson.dumps(list(score.results)).decode()
        recorded = row.norm_set_sha256 == self.digest
        if (
            results_text == row.results_text
            and orjson.dumps(score.domains_dict()).decode() == row.domains_text
        ):
            if not recorded:
                self.digest_only.append({"id": row.id, "norm_set_sha256": self.digest})
            return
        new = score.stored()
        previous_results = orjson.loads(row.results_text)
        previous_domains = orjson.loads(row.domains_text)
        if new["results"] == previous_results and new["domain_scores"] == previous_domains:
            # The same content, only written differently (JSONB key order).
            if not recorded:
                self.digest_only.append({"id": row.id, "norm_set_sha256": self.digest})
            return
        self.updates.append(
            {
                "id": row.id,
                **new,
                "outcomes": outcome_letters(new["results"]),
                "norm_set_sha256": self.digest,
            }
        )
        self.locations.add(row.location_id)
        before = _verdict(row.overall, row.coverage, row.status, previous_domains, previous_results)
        after = _verdict(
            new["overall"], new["coverage"], new["status"], new["domain_scores"], new["results"]
        )
        if before != after:
            self.changed += 1
            self.events.append(
                (
                    row.id,
                    {
                        "norm_set": self.label,
                        "previous": before,
                        "previous_results": previous_results,
                        "current": after,
                    },
                )
            )

    def _write(self) -> None:
        for batch in (self.updates, self.digest_only):
            if batch:
                db.session.execute(update(Inspection), batch)
            batch.clear()
        audit.record_many("inspection.rescored", "inspection", self.events, self.actor)
        self.events.clear()


def _verdict(
    overall: float | None,
    coverage: float | None,
    status: str,
    domains: dict[str, Any],
    results: list[dict[str, Any]],
) -> dict[str, Any]:
    """What counts as the verdict: the scores and each norm's outcome and severity.

    A threshold that changes without changing any outcome is recorded once,
    with the erratum, not for every inspection.
    """
    return {
        "overall": overall,
        "coverage": coverage,
        "status": status,
        "domains": domains,
        "outcomes": {r["norm"]: [r["outcome"], r["severity"]] for r in results},
    }
