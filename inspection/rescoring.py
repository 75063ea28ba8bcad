"""Rescoring stored inspections: the explicit, audited way a stored score may change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspection import audit
from inspection.db import db
from inspection.engine import NormSetError, parse_norm_set, score_answers
from inspection.errors import NotFound, ValidationFailed
from inspection.models import Inspection, NormSet, User
from inspection.norm_sets import compiled, document_digest, get_norm_set, json_ready
from inspection.submissions import apply_score

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
        raise ValidationFailed(
            "The corrected document is invalid", {"document": exc.errors}
        ) from exc
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

    Each inspection whose score changes gets an audit event with its previous
    and its new score, so no earlier verdict is lost.
    """
    norm_set = get_norm_set(catalogue, version)
    if norm_set is None:
        raise NotFound(f"No norm set {catalogue} {version}")
    document = compiled(norm_set)
    rescored = changed = 0
    query = (
        select(Inspection)
        .where(Inspection.norm_set_id == norm_set.id)
        .options(selectinload(Inspection.location))
        .order_by(Inspection.id)
        .execution_options(yield_per=BATCH)
    )
    for inspection in db.session.scalars(query):
        before = _summary(inspection)
        previous_results = inspection.results
        apply_score(
            inspection, score_answers(inspection.answers, document, inspection.location.type)
        )
        rescored += 1
        after = _summary(inspection)
        if after != before:
            changed += 1
            audit.record(
                "inspection.rescored",
                "inspection",
                inspection.id,
                actor,
                norm_set=f"{catalogue}/{version}",
                previous=before,
                previous_results=previous_results,
                current=after,
            )
    db.session.flush()
    audit.record(
        "norm_set.rescored",
        "norm_set",
        f"{catalogue}/{version}",
        actor,
        rescored=rescored,
        changed=changed,
    )
    return RescoreReport(rescored=rescored, changed=changed)


def _summary(inspection: Inspection) -> dict[str, Any]:
    """What counts as the verdict: the scores and each norm's outcome and severity.

    A threshold that changes without changing any outcome is recorded once,
    with the erratum, not for every inspection.
    """
    return {
        "overall": inspection.overall,
        "coverage": inspection.coverage,
        "status": inspection.status,
        "domains": inspection.domain_scores,
        "outcomes": {r["norm"]: [r["outcome"], r["severity"]] for r in inspection.results},
    }
