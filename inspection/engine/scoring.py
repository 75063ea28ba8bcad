"""Score a set of answers against a norm set for one location type.

Semantics are those of ``docs/norms.md`` ("Scoring a visit"). Scoring
trusts its input: validate answers with ``validate_answers`` first; a wrongly
typed answer may give a wrong outcome or raise ``TypeError``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from .model import Norm, NormSetDocument
from .rules import FAIL, NOT_APPLICABLE, PASS, UNANSWERED

CRITICAL = "critical"
BELOW_NORM = "below_norm"
INCOMPLETE = "incomplete"
MEETS_NORMS = "meets_norms"
STATUSES = (CRITICAL, BELOW_NORM, INCOMPLETE, MEETS_NORMS)

# Below this coverage (in %) an inspection without critical or major failures
# is "incomplete" rather than "meets_norms".
MIN_COVERAGE = 80.0

_TENTH = Decimal("0.1")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class NormResult:
    """The outcome of one norm.

    ``severity`` is the effective severity: the norm's own, or ``"critical"``
    when a critical bound was breached. ``value`` is the measured value of an
    item or ratio rule (may be ``math.inf``), else ``None``. ``threshold`` is
    the bounds applied for the location type (``{"equals": V}`` for equals
    rules, ``None`` for all/any). Treat ``threshold`` as read-only.
    """

    norm: str
    domain: str
    outcome: str
    severity: str
    value: Any
    threshold: dict[str, Any] | None
    critical: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict. An infinite ``value`` becomes ``None`` (JSON has no infinity)."""
        value = self.value
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        return {
            "norm": self.norm,
            "domain": self.domain,
            "outcome": self.outcome,
            "severity": self.severity,
            "value": value,
            "threshold": dict(self.threshold) if self.threshold is not None else None,
            "critical": self.critical,
        }


@dataclass(frozen=True, slots=True)
class DomainScore:
    """Score of one domain (``None`` when nothing was assessed) and its failed norms."""

    score: float | None
    failed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Score:
    """The scored inspection: overall score, coverage, status, per domain, per norm."""

    overall: float | None
    coverage: float | None
    status: str
    domains: dict[str, DomainScore]
    results: tuple[NormResult, ...]

    @property
    def failed_norms(self) -> tuple[str, ...]:
        """Codes of all failed norms, in document order."""
        return tuple(r.norm for r in self.results if r.outcome == FAIL)

    @property
    def critical_norms(self) -> tuple[str, ...]:
        """Codes of failed norms with effective severity critical, in document order."""
        return tuple(r.norm for r in self.results if r.critical)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (see ``NormResult.to_dict`` for infinite values)."""
        return {
            "overall": self.overall,
            "coverage": self.coverage,
            "status": self.status,
            "failed_norms": list(self.failed_norms),
            "critical_norms": list(self.critical_norms),
            "domains": self.domains_dict(),
            "results": [r.to_dict() for r in self.results],
        }

    def stored(self) -> dict[str, Any]:
        """The score as an inspection keeps it, JSON-able: ``overall``, ``coverage``,
        ``status``, ``domain_scores`` (per domain its score and failed norms) and
        ``results`` (per norm, ``NormResult.to_dict``)."""
        return {
            "overall": self.overall,
            "coverage": self.coverage,
            "status": self.status,
            "domain_scores": self.domains_dict(),
            "results": [r.to_dict() for r in self.results],
        }

    def domains_dict(self) -> dict[str, dict[str, Any]]:
        """Per domain code ``{"score", "failed"}``, JSON-able."""
        return {
            code: {"score": d.score, "failed": list(d.failed)} for code, d in self.domains.items()
        }


@lru_cache(maxsize=4096)
def percentage(part: int | Decimal, whole: int | Decimal) -> float | None:
    """``100 * part / whole`` rounded to one decimal, half up; ``None`` if whole is 0.

    Decimal rather than ``round()``: ``round`` rounds half to even and works
    on binary floats, so 6.25 would become 6.2 instead of 6.3. Cached because
    the same few (part, whole) pairs recur in every inspection and Decimal
    arithmetic dominates the cost of scoring otherwise.
    """
    if not whole:
        return None
    exact = _HUNDRED * Decimal(part) / Decimal(whole)
    return float(exact.quantize(_TENTH, rounding=ROUND_HALF_UP))


def status_of(any_critical: bool, any_major: bool, coverage: float | None) -> str:
    """The status of a visit, or of a location's picture: its worst failure, else whether
    enough was answered.

    Coverage is compared as reported (rounded), so that status and number agree.
    """
    if any_critical:
        return CRITICAL
    if any_major:
        return BELOW_NORM
    if coverage is None or coverage < MIN_COVERAGE:
        return INCOMPLETE
    return MEETS_NORMS


# Building a frozen dataclass through its __init__ costs one
# object.__setattr__ per field; scoring creates one NormResult per norm per
# inspection, so results are built by setting their __dict__ in one go. The
# instance is identical to one made through __init__ (and still frozen).
_new_object = object.__new__
_set_attribute = object.__setattr__


def _result(norm, domain, outcome, severity, value, threshold, critical) -> NormResult:
    result = _new_object(NormResult)
    _set_attribute(
        result,
        "__dict__",
        {
            "norm": norm,
            "domain": domain,
            "outcome": outcome,
            "severity": severity,
            "value": value,
            "threshold": threshold,
            "critical": critical,
        },
    )
    return result


# document -> {location type -> plan}; weak so unloaded documents go away.
_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def score_weight(norm: Norm) -> int | Decimal:
    """A norm's weight as scores sum it: exact, so that sums and rounding are too."""
    # Integer weights stay ints; others become exact Decimals (from their
    # shortest repr, 0.1 -> Decimal("0.1")) so sums and rounding are exact.
    weight = norm.weight
    if isinstance(weight, float):
        return int(weight) if weight.is_integer() else Decimal(repr(weight))
    return weight


def _plan(document: NormSetDocument, location_type: str) -> tuple:
    """Per norm, what scoring needs for one location type, as flat tuples.

    Results that do not depend on the answers (not applicable, unanswered)
    are built once here and shared: they are immutable.
    """
    try:
        return _plans[document][location_type]
    except KeyError:
        pass
    if location_type not in document.location_types:
        raise ValueError(f"unknown location type {location_type!r}")
    domain_index = {d.code: i for i, d in enumerate(document.domains)}
    plan = []
    for norm in document.norms:
        threshold = norm.rule.threshold(location_type)
        plan.append(
            (
                location_type in norm.applies_to,
                norm.applies_if,
                norm.rule,
                norm.code,
                norm.domain,
                domain_index[norm.domain],
                norm.severity,
                threshold,
                score_weight(norm),
                _result(
                    norm.code, norm.domain, NOT_APPLICABLE, norm.severity, None, threshold, False
                ),
                _result(norm.code, norm.domain, UNANSWERED, norm.severity, None, threshold, False),
            )
        )
    plan = tuple(plan)
    _plans.setdefault(document, {})[location_type] = plan
    return plan


def score_answers(
    answers: Mapping[str, Any], document: NormSetDocument, location_type: str
) -> Score:
    """Score answers (item code -> value; absent or ``None`` = unanswered).

    Raises ``ValueError`` for an unknown location type.
    """
    plan = _plan(document, location_type)
    domain_count = len(document.domains)
    passed_by_domain = [0] * domain_count
    assessed_by_domain = [0] * domain_count
    failed_by_domain: list[list[str]] = [[] for _ in range(domain_count)]
    answered = unanswered = 0
    any_critical = any_major = False
    results = []
    append = results.append
    for (
        applies, applies_if, rule, code, domain, index, severity, threshold, weight,
        not_applicable_result, unanswered_result,
    ) in plan:  # fmt: skip
        if not applies:
            append(not_applicable_result)
            continue
        if applies_if is not None:
            # pass -> the norm applies; fail or n/a -> it does not;
            # unanswered -> we cannot tell, so the norm is unanswered.
            condition = applies_if.evaluate(answers, location_type)[0]
            if condition != PASS:
                if condition == UNANSWERED:
                    unanswered += 1
                    append(unanswered_result)
                else:
                    append(not_applicable_result)
                continue
        outcome, value, critical = rule.evaluate(answers, location_type)
        if outcome == PASS:
            passed_by_domain[index] += weight
        elif outcome == FAIL:
            failed_by_domain[index].append(code)
            if critical or severity == CRITICAL:
                severity = CRITICAL
                critical = any_critical = True
            elif severity == "major":
                any_major = True
        elif outcome == UNANSWERED:
            unanswered += 1
            append(unanswered_result)
            continue
        else:
            append(not_applicable_result)
            continue
        answered += 1
        assessed_by_domain[index] += weight
        append(_result(code, domain, outcome, severity, value, threshold, critical))

    coverage = percentage(answered, answered + unanswered)
    status = status_of(any_critical, any_major, coverage)
    return Score(
        overall=percentage(sum(passed_by_domain), sum(assessed_by_domain)),
        coverage=coverage,
        status=status,
        domains={
            domain.code: DomainScore(
                percentage(passed_by_domain[i], assessed_by_domain[i]),
                tuple(failed_by_domain[i]),
            )
            for i, domain in enumerate(document.domains)
        },
        results=tuple(results),
    )
