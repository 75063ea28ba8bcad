"""Scoring a batch of stored inspections again: the pure part of a rescoring.

No database and no Flask: a batch goes in as the stored texts of its rows
and comes out as what to write, so that batches can be scored in other
processes (``inspection.rescoring`` starts them; ``rescore_reads`` reads
their rows) while the rescoring's own process writes the previous ones. Each process
compiles the norm set document once (``start``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import orjson

from inspection.engine import (
    NormSetDocument,
    Score,
    parse_norm_set,
    result_letters,
    score_answers,
)
from inspection.stored_results import (
    column_text,
    expanded,
    stored,
    stored_outcomes,
    stored_row,
    stored_text,
)


class StoredRow(NamedTuple):
    """One stored inspection as the rescoring reads it: its score as stored, JSON as text."""

    id: str
    location_id: int
    answers: str
    location_type: str
    overall: float | None
    coverage: float | None
    status: str
    norm_set_sha256: str
    domains_text: str
    results_text: str
    # The outcome letters as stored (None: stored before letters were kept).
    letters: str | None = None


class NewScore(NamedTuple):
    """The columns of a rescored inspection whose results changed, JSON as text."""

    overall: float | None
    coverage: float | None
    status: str
    domain_scores: str
    results: str
    outcomes: str
    id: str


@dataclass
class Batch:
    """What a batch comes to: rows to rewrite, rows to mark as scored by this document,
    audit events of changed verdicts, the locations whose visits changed, and per
    location the norms whose outcome letters changed (None: all of them)."""

    rewritten: list[NewScore] = field(default_factory=list)
    digest_only: list[str] = field(default_factory=list)
    # Subject id and details, the details as JSON text: encoded where the batch is scored.
    events: list[tuple[str, str]] = field(default_factory=list)
    locations: set[int] = field(default_factory=set)
    norms: dict[int, set[str] | None] = field(default_factory=dict)
    # Every location with a visit in the batch, changed or not.
    seen: set[int] = field(default_factory=set)
    # Per location, the visits whose outcome letters changed.
    letters_changed: dict[int, set[str]] = field(default_factory=dict)
    # The rows read and scored.
    count: int = 0
    # Ids asked for that the reader could not see (written in the rescoring's own transaction).
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scorer:
    """A compiled document, its digest and the label (``catalogue/version``) of the events.

    ``corrects``: the digest of the document this one corrects, when both have
    the same norms in the same order with the same severities, and the
    stored texts are as the scorer wrote them (SQLite keeps JSON as written).
    A row scored by that document then has the same verdict exactly when
    its outcome letters and scores are the same: its stored results are
    decoded only for the audit event of a changed verdict. A row whose text
    differs from the new one is rewritten without comparing content (one
    that differs in form only, say ``3.0`` for ``3``, is rewritten to the
    same content: work, not a change of verdict).
    """

    document: NormSetDocument
    digest: str
    label: str
    corrects: str | None = None

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The norm codes in document order: the order of the outcome letters."""
        return tuple(norm.code for norm in self.document.norms)

    def score(self, rows: list[StoredRow]) -> Batch:
        batch = Batch(count=len(rows))
        for row in rows:
            batch.seen.add(row.location_id)
            self._score_row(row, batch)
        return batch

    def _score_row(self, row: StoredRow, batch: Batch) -> None:
        score = score_answers(orjson.loads(row.answers), self.document, row.location_type)
        # The text the column type would write; SQLite keeps the text as written, so an
        # unchanged row is found without decoding anything.
        results_text = stored_text(score.results)
        domains = score.domains_dict()
        domains_text = column_text(domains)
        recorded = row.norm_set_sha256 == self.digest
        if results_text == row.results_text and domains_text == row.domains_text:
            if not recorded:
                batch.digest_only.append(row.id)
            return
        if self.corrects is not None and row.letters and row.norm_set_sha256 == self.corrects:
            self._corrected(row, score, domains, results_text, domains_text, batch)
            return
        # Compared as stored, decoded by orjson alone: the same content written differently
        # (PostgreSQL's JSONB text) is no change. A row stored before results were kept as
        # arrays holds objects, and is rewritten.
        previous = stored(orjson.loads(row.results_text))
        previous_domains = orjson.loads(row.domains_text)
        if orjson.loads(results_text) == previous and domains == previous_domains:
            if not recorded:
                batch.digest_only.append(row.id)
            return
        letters = result_letters(score.results)
        self._rewrite(row, score, results_text, domains_text, letters, batch)
        scores = (score.overall, score.coverage, score.status)
        before = _verdict(row.overall, row.coverage, row.status, previous_domains, previous)
        after = _verdict(*scores, domains, list(map(stored_row, score.results)))
        if before != after:
            self._event(row, before, expanded(previous), after, batch)

    def _corrected(
        self,
        row: StoredRow,
        score: Score,
        domains: dict[str, Any],
        results_text: str,
        domains_text: str,
        batch: Batch,
    ) -> None:
        """A row scored by the document this one corrects (``corrects``), whose text changed."""
        letters = result_letters(score.results)
        self._rewrite(row, score, results_text, domains_text, letters, batch)
        scores = (score.overall, score.coverage, score.status)
        # The domain scores are decoded only when their text differs (rarely: in form only).
        if (row.overall, row.coverage, row.status, row.letters) == (*scores, letters) and (
            row.domains_text == domains_text or orjson.loads(row.domains_text) == domains
        ):
            return
        previous_domains = orjson.loads(row.domains_text)
        previous = stored(orjson.loads(row.results_text))
        before = _verdict(row.overall, row.coverage, row.status, previous_domains, previous)
        after = _verdict(*scores, domains, list(map(stored_row, score.results)))
        self._event(row, before, expanded(previous), after, batch)

    def _rewrite(
        self,
        row: StoredRow,
        score: Score,
        results_text: str,
        domains_text: str,
        letters: str,
        batch: Batch,
    ) -> None:
        batch.rewritten.append(
            NewScore(
                score.overall,
                score.coverage,
                score.status,
                domains_text,
                results_text,
                letters,
                row.id,
            )
        )
        batch.locations.add(row.location_id)
        self._changed_norms(row, letters, batch)

    def _event(
        self,
        row: StoredRow,
        before: dict[str, Any],
        previous_results: list[dict[str, Any]],
        after: dict[str, Any],
        batch: Batch,
    ) -> None:
        details = {
            "norm_set": self.label,
            "previous": before,
            "previous_results": previous_results,
            "current": after,
        }
        # Encoded here rather than in the rescoring's own process, which writes every batch.
        batch.events.append((row.id, column_text(details)))

    def _changed_norms(self, row: StoredRow, letters: str, batch: Batch) -> None:
        """Note the norms whose outcome letters this row changes (a finding follows only those)."""
        if row.letters == letters:
            return
        batch.letters_changed.setdefault(row.location_id, set()).add(row.id)
        if row.location_id in batch.norms and batch.norms[row.location_id] is None:
            return
        if row.letters is None or len(row.letters) != len(letters):
            batch.norms[row.location_id] = None
            return
        changed = batch.norms.setdefault(row.location_id, set())
        assert changed is not None
        for code, old, new in zip(self.codes, row.letters, letters, strict=True):
            if old != new:
                changed.add(code)


def verdict(
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
    return _verdict(overall, coverage, status, domains, stored(results))


def _verdict(
    overall: float | None,
    coverage: float | None,
    status: str,
    domains: dict[str, Any],
    rows: Sequence[Sequence[Any]],
) -> dict[str, Any]:
    """``verdict`` of results in their stored form (``stored_results``)."""
    return {
        "overall": overall,
        "coverage": coverage,
        "status": status,
        "domains": domains,
        "outcomes": stored_outcomes(rows),
    }


# --- in a worker process ---------------------------------------------------------------

_scorer: Scorer | None = None


def start(
    document: dict[str, Any],
    location_types: tuple[str, ...],
    digest: str,
    label: str,
    corrects: str | None = None,
):
    """Compile the document once in this worker process (the pool's initializer)."""
    global _scorer
    _scorer = Scorer(parse_norm_set(document, location_types), digest, label, corrects)


def score_in_worker(rows: list[StoredRow]) -> Batch:
    assert _scorer is not None, "start() runs first in every worker"
    return _scorer.score(rows)
