"""Compiled rules and how they are evaluated against answers.

A rule in a norm set document is data (see ``docs/norms.md``). ``rule_parser``
validates that data and turns it into the small immutable objects below; this
module only evaluates them. Every ``evaluate`` returns a plain tuple
``(outcome, value, critical)``:

- ``outcome``: one of ``OUTCOMES``;
- ``value``: the measured value for item and ratio rules (``math.inf`` for a
  ratio with a zero denominator), ``None`` for ``all``/``any`` and whenever
  nothing was measured;
- ``critical``: ``True`` only for a failure that breached a critical bound.

Tuples rather than dataclasses because this is the innermost loop of scoring
and is run once per norm per inspection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

PASS = "pass"
FAIL = "fail"
NOT_APPLICABLE = "not_applicable"
UNANSWERED = "unanswered"
OUTCOMES = (PASS, FAIL, NOT_APPLICABLE, UNANSWERED)

BOUND_NAMES = ("min", "max", "critical_min", "critical_max")

# Bounds are written in decimal (``min: 2.3``) but compared in binary floating
# point, where neither the bound nor a computed ratio is exact: 16.1 m2 for
# 7 children is 2.3000000000000003, 6.6 / 3 is 2.1999999999999997. Without a
# tolerance a value that is exactly at the bound on paper would fail on one
# side or the other. A relative tolerance of 1e-9 is millions of times larger
# than float rounding error (~1e-16) and far smaller than any difference an
# inspector could measure, so it only ever rescues "exactly at the bound".
REL_TOLERANCE = 1e-9

Evaluation = tuple[str, Any, bool]

_UNANSWERED: Evaluation = (UNANSWERED, None, False)
_NOT_APPLICABLE: Evaluation = (NOT_APPLICABLE, None, False)
_PASS_COMBINED: Evaluation = (PASS, None, False)


class Rule(Protocol):
    """What every compiled rule offers."""

    items: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """Evaluate against answers for one location type."""

    def threshold(self, location_type: str) -> dict[str, Any] | None:
        """The bounds applied for a location type (``None`` for all/any)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """The bounds of an item or ratio rule, resolved for one location type.

    Fields hold the numbers as written in the document (``None`` when absent);
    ``limits`` holds the same bounds widened by the tolerance, with absent
    bounds as infinities so that checking needs no ``None`` tests.
    """

    min: float | None = None
    max: float | None = None
    critical_min: float | None = None
    critical_max: float | None = None
    limits: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        limits = (
            _lower(self.critical_min),
            _lower(self.min),
            _upper(self.max),
            _upper(self.critical_max),
        )
        object.__setattr__(self, "limits", limits)

    def as_dict(self) -> dict[str, float]:
        """The bounds that are present, e.g. ``{"min": 4.0, "critical_min": 3.5}``."""
        return {
            name: getattr(self, name) for name in BOUND_NAMES if getattr(self, name) is not None
        }

    @property
    def empty(self) -> bool:
        """True when no bound at all applies."""
        return all(getattr(self, name) is None for name in BOUND_NAMES)


def _lower(bound: float | None) -> float:
    return -math.inf if bound is None else bound - abs(bound) * REL_TOLERANCE


def _upper(bound: float | None) -> float:
    return math.inf if bound is None else bound + abs(bound) * REL_TOLERANCE


def check_bounds(value: float, limits: tuple[float, float, float, float]) -> Evaluation:
    """Check a measured value against widened limits ``(crit_min, min, max, crit_max)``.

    Critical bounds are checked first: a value beyond one fails with the
    critical flag even when the rule has no ordinary min/max.
    """
    critical_min, low, high, critical_max = limits
    if value < critical_min or value > critical_max:
        return (FAIL, value, True)
    if value < low or value > high:
        return (FAIL, value, False)
    return (PASS, value, False)


@dataclass(frozen=True, slots=True)
class ItemEquals:
    """``{item: X, equals: V}``: pass iff the answer equals V."""

    item: str
    value: Any
    items: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", frozenset((self.item,)))

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """Pass iff answered and equal; unanswered when the answer is absent/None."""
        answer = answers.get(self.item)
        if answer is None:
            return _UNANSWERED
        return (PASS if answer == self.value else FAIL, answer, False)

    def threshold(self, location_type: str) -> dict[str, Any]:
        """``{"equals": V}`` for every location type."""
        return {"equals": self.value}


@dataclass(frozen=True, slots=True)
class ItemRange:
    """``{item: X, min/max/critical_min/critical_max}`` with bounds per location type."""

    item: str
    bounds: Mapping[str, Bounds]
    items: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", frozenset((self.item,)))

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """Check the answer against this location type's bounds (inclusive)."""
        answer = answers.get(self.item)
        if answer is None:
            return _UNANSWERED
        return check_bounds(answer, self.bounds[location_type].limits)

    def threshold(self, location_type: str) -> dict[str, Any]:
        """The bounds for this location type."""
        return self.bounds[location_type].as_dict()


@dataclass(frozen=True, slots=True)
class Ratio:
    """``{ratio: [X, Y], bounds}``: the value X / Y checked like an item range."""

    numerator: str
    denominator: str
    bounds: Mapping[str, Bounds]
    items: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", frozenset((self.numerator, self.denominator)))

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """X / Y; Y = 0 gives infinity, unless X = 0 too, which is not applicable.

        0 / 0 (say no residents and no toilets: an empty location) measures
        nothing, so the norm is not applicable rather than passed or failed.
        """
        numerator = answers.get(self.numerator)
        denominator = answers.get(self.denominator)
        if numerator is None or denominator is None:
            return _UNANSWERED
        if denominator == 0:
            if numerator == 0:
                return _NOT_APPLICABLE
            value = math.copysign(math.inf, numerator)
        else:
            value = numerator / denominator
        return check_bounds(value, self.bounds[location_type].limits)

    def threshold(self, location_type: str) -> dict[str, Any]:
        """The bounds for this location type."""
        return self.bounds[location_type].as_dict()


@dataclass(frozen=True, slots=True)
class AllOf:
    """``{all: [...]}``: fail if any part fails, else unanswered if any is, else pass.

    Not-applicable parts are ignored; if every part is not applicable, so is
    the whole. The failure is critical when any failing part breached a
    critical bound: one critical breach is enough to make the whole unsafe.
    """

    parts: tuple[Rule, ...]
    items: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", frozenset().union(*(p.items for p in self.parts)))

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """Combine the parts; every part is evaluated so no critical breach is missed."""
        failed = critical = unanswered = passed = False
        for part in self.parts:
            outcome, _, part_critical = part.evaluate(answers, location_type)
            if outcome == FAIL:
                failed = True
                critical = critical or part_critical
            elif outcome == UNANSWERED:
                unanswered = True
            elif outcome == PASS:
                passed = True
        if failed:
            return (FAIL, None, critical)
        if unanswered:
            return _UNANSWERED
        return _PASS_COMBINED if passed else _NOT_APPLICABLE

    def threshold(self, location_type: str) -> None:
        """Combined rules have no single threshold."""
        return None


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``{any: [...]}``: pass if any part passes, else unanswered if any is, else fail.

    Not-applicable parts are ignored (all of them: not applicable). The
    failure is critical only when every failing part breached a critical
    bound: meeting any one alternative would do, so the failure is only as
    severe as the least severe alternative.
    """

    parts: tuple[Rule, ...]
    items: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", frozenset().union(*(p.items for p in self.parts)))

    def evaluate(self, answers: Mapping[str, Any], location_type: str) -> Evaluation:
        """Combine the parts, stopping at the first pass."""
        failed = unanswered = False
        all_critical = True
        for part in self.parts:
            outcome, _, part_critical = part.evaluate(answers, location_type)
            if outcome == PASS:
                return _PASS_COMBINED
            if outcome == FAIL:
                failed = True
                all_critical = all_critical and part_critical
            elif outcome == UNANSWERED:
                unanswered = True
        if unanswered:
            return _UNANSWERED
        if failed:
            return (FAIL, None, all_critical)
        return _NOT_APPLICABLE

    def threshold(self, location_type: str) -> None:
        """Combined rules have no single threshold."""
        return None
