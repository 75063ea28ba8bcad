"""Rescoring stored inspections: the explicit, audited way a stored score may change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, cast, select, update

from inspection import audit
from inspection.db import db
from inspection.engine import NormSetError, parse_norm_set, score_answers
from inspection.errors import NotFound, ValidationFailed
from inspection.models import Inspection, Location, NormSet, User
from inspection.norm_sets import compiled, document_digest, get_norm_set, json_ready

BATCH = 1000


@dataclass(frozen=True)
class RescoreReport:
    rescored: int
    changed: int


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
    """
    norm_set = get_norm_set(catalogue, version)
    if norm_set is None:
        raise NotFound(f"No norm set {catalogue} {version}")
    document = compiled(norm_set)
    # The stored results and domain scores come as text: when the new score
    # serialises to the same text (the usual case on SQLite, which keeps the
    # text as written), the row is unchanged and nothing is decoded or written.
    stored = db.session.execute(
        select(
            Inspection.id,
            Inspection.answers,
            Location.type,
            Inspection.overall,
            Inspection.coverage,
            Inspection.status,
            cast(Inspection.domain_scores, Text).label("domains_text"),
            cast(Inspection.results, Text).label("results_text"),
        )
        .join(Location, Inspection.location_id == Location.id)
        .where(Inspection.norm_set_id == norm_set.id)
        .order_by(Inspection.id)
        .execution_options(yield_per=BATCH)
    )
    rescored = changed = 0
    updates: list[dict[str, Any]] = []
    events: list[tuple[str, dict[str, Any]]] = []
    for row in stored:
        rescored += 1
        score = score_answers(row.answers, document, row.type)
        # orjson writes the result dataclasses exactly as NormResult.to_dict would.
        results_text = orjson.dumps(list(score.results)).decode()
        if (
            results_text == row.results_text
            and orjson.dumps(score.domains_dict()).decode() == row.domains_text
        ):
            continue
        new = score.stored()
        previous_results = orjson.loads(row.results_text)
        previous_domains = orjson.loads(row.domains_text)
        if new["results"] == previous_results and new["domain_scores"] == previous_domains:
            continue  # the same content, only written differently (JSONB key order)
        updates.append({"id": row.id, **new})
        before = _verdict(row.overall, row.coverage, row.status, previous_domains, previous_results)
        after = _verdict(
            new["overall"], new["coverage"], new["status"], new["domain_scores"], new["results"]
        )
        if before != after:
            changed += 1
            events.append(
                (
                    row.id,
                    {
                        "norm_set": f"{catalogue}/{version}",
                        "previous": before,
                        "previous_results": previous_results,
                        "current": after,
                    },
                )
            )
        if len(updates) >= BATCH:
            _write(updates, events, actor)
    _write(updates, events, actor)
    audit.record(
        "norm_set.rescored",
        "norm_set",
        f"{catalogue}/{version}",
        actor,
        rescored=rescored,
        changed=changed,
    )
    return RescoreReport(rescored=rescored, changed=changed)


def _write(
    updates: list[dict[str, Any]], events: list[tuple[str, dict[str, Any]]], actor: User | None
) -> None:
    if updates:
        db.session.execute(update(Inspection), updates)
    audit.record_many("inspection.rescored", "inspection", events, actor)
    updates.clear()
    events.clear()


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
