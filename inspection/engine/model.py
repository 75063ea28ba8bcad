"""The immutable objects a validated norm set document is made of.

Built only by ``document.parse_norm_set``; nothing here validates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .rules import Rule

# The location types a document is checked against when the caller names none. The
# service keeps its types as data and passes their codes to ``parse_norm_set``.
LOCATION_TYPES = ("azc", "noodopvang", "crisisnoodopvang")
SEVERITIES = ("critical", "major", "minor")
DEFAULT_WEIGHTS = {"critical": 3, "major": 2, "minor": 1}
# Days a location gets to repair a failure, by its effective severity (``follow_up_days``).
DEFAULT_FOLLOW_UP_DAYS = {"critical": 2, "major": 30, "minor": 90}
ITEM_TYPES = ("boolean", "integer", "number", "percentage", "choice", "text")
NUMERIC_TYPES = ("integer", "number", "percentage")
BASES = ("source", "proposal")
# How old (in days) an outcome may be and still count in a location's current picture.
DEFAULT_STALE_AFTER_DAYS = 365


@dataclass(frozen=True, slots=True)
class Label:
    """A text in Dutch (primary, for inspectors) and English."""

    nl: str
    en: str

    def to_dict(self) -> dict[str, str]:
        """``{"nl": ..., "en": ...}``."""
        return {"nl": self.nl, "en": self.en}


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of norms, e.g. ``HYG`` hygiene & sanitation."""

    code: str
    title: Label


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed answer of a choice item."""

    value: str | int
    label: Label


@dataclass(frozen=True, slots=True)
class Item:
    """A question on the checklist. ``min``/``max`` bound valid input of numeric items."""

    code: str
    type: str
    label: Label
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    help: Label | None = None
    choices: tuple[Choice, ...] = ()
    max_item: str | None = None
    # A norm's code: the item is asked wherever that norm applies, for the figures
    # (how many children), without being scored itself.
    asked_with: str | None = None

    @property
    def numeric(self) -> bool:
        """True for integer, number and percentage items."""
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True, slots=True)
class Norm:
    """A minimum quality norm with its compiled rule.

    ``applies_to`` is always filled in (all location types by default) and
    ``weight`` always set (the severity's default weight if not given).
    ``follow_up_days`` holds the days for every severity: the norm's own
    where it sets them, else the document's, else the defaults.
    """

    code: str
    domain: str
    severity: str
    weight: float
    title: Label
    rule: Rule
    applies_to: tuple[str, ...]
    basis: str
    source: str
    applies_if: Rule | None = None
    follow_up_days: dict[str, int] = field(
        default_factory=lambda: dict(DEFAULT_FOLLOW_UP_DAYS), hash=False
    )

    @property
    def items(self) -> frozenset[str]:
        """Item codes used by the rule and by ``applies_if``."""
        used = self.rule.items
        return used | self.applies_if.items if self.applies_if is not None else used


@dataclass(frozen=True, eq=False)
class NormSetDocument:
    """A validated norm set. ``raw`` is a deep copy of the document as given.

    Compared by identity (``eq=False``) so it can be hashed and cached
    (scoring keeps its prepared per-location-type plans in a weak cache).
    """

    catalogue: str
    version: str
    valid_from: dt.date
    title: Label
    description: Label | None
    domains: tuple[Domain, ...]
    items: dict[str, Item]
    norms: tuple[Norm, ...]
    raw: dict[str, Any] = field(repr=False)
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    follow_up_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_FOLLOW_UP_DAYS))
    # The location types the document was checked against, and can be scored for.
    location_types: tuple[str, ...] = LOCATION_TYPES

    def items_for(self, location_type: str) -> list[Item]:
        """Items used by a norm (rule or applies_if) that applies to ``location_type``.

        In document item order: this is the checklist an inspector fills in.
        """
        if location_type not in self.location_types:
            raise ValueError(f"unknown location type {location_type!r}")
        used: set[str] = set()
        applying: set[str] = set()
        for norm in self.norms:
            if location_type in norm.applies_to:
                used |= norm.items
                applying.add(norm.code)
        used |= {code for code, item in self.items.items() if item.asked_with in applying}
        return [item for code, item in self.items.items() if code in used]
