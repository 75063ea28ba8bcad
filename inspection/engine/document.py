"""Parse and validate a norm set document into immutable objects (``model``).

The document format is described in ``docs/norms.md``. ``parse_norm_set`` takes
the plain dict loaded from YAML or JSON, checks all of it, and either returns
a ``NormSetDocument`` or raises one ``NormSetError`` listing every problem,
each prefixed with the path of the bad part (``norms[HYG-01].rule.ratio[1]``).
Unknown keys are refused everywhere so that a typo (``aplies_to``) cannot
silently change what a norm means.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from .model import (
    BASES,
    DEFAULT_FOLLOW_UP_DAYS,
    DEFAULT_STALE_AFTER_DAYS,
    DEFAULT_WEIGHTS,
    ITEM_TYPES,
    LOCATION_TYPES,
    NUMERIC_TYPES,
    SEVERITIES,
    Choice,
    Domain,
    Item,
    Label,
    Norm,
    NormSetDocument,
)
from .rule_parser import RuleParser, is_number
from .rules import Rule

__all__ = [
    "DEFAULT_FOLLOW_UP_DAYS",
    "DEFAULT_WEIGHTS",
    "ITEM_TYPES",
    "LOCATION_TYPES",
    "SEVERITIES",
    "BASES",
    "Choice",
    "Domain",
    "Item",
    "Label",
    "Norm",
    "NormSetDocument",
    "NormSetError",
    "parse_norm_set",
]

_CATALOGUE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ITEM_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {
    "catalogue",
    "version",
    "valid_from",
    "title",
    "description",
    "domains",
    "items",
    "norms",
    "stale_after_days",
    "follow_up_days",
}
# Longer than any follow-up an inspectorate sets; keeps deadlines within the calendar.
MAX_FOLLOW_UP_DAYS = 3650
_DOMAIN_KEYS = {"code", "title"}
_ITEM_KEYS = {
    "code", "type", "min", "max", "unit", "label", "help", "choices", "max_item", "asked_with",
}  # fmt: skip
_NORM_KEYS = {
    "code", "domain", "severity", "weight", "title", "rule",
    "applies_to", "applies_if", "basis", "source", "follow_up_days",
}  # fmt: skip


class NormSetError(ValueError):
    """A norm set document is invalid; ``problems`` lists every problem found.

    Each problem is a ``(path, message)`` pair, e.g. ``("norms[2].rule",
    "unknown item 'x'")``; ``path`` is ``document`` for the whole document.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("invalid norm set document:\n" + "\n".join(f"- {e}" for e in self.errors))

    @property
    def errors(self) -> list[str]:
        """The problems as ``path: message`` lines."""
        return [f"{path}: {message}" for path, message in self.problems]

    def by_path(self) -> dict[str, list[str]]:
        """The messages per path, in the order found."""
        grouped: dict[str, list[str]] = {}
        for path, message in self.problems:
            grouped.setdefault(path, []).append(message)
        return grouped


def parse_norm_set(
    doc: Mapping[str, Any], location_types: Collection[str] = LOCATION_TYPES
) -> NormSetDocument:
    """Validate a norm set document (a dict from YAML/JSON) and compile it.

    ``location_types`` are the codes that ``applies_to`` and per-type thresholds
    may name, and that the document can be scored for (a norm without
    ``applies_to`` applies to all of them). Raises ``NormSetError`` with every
    problem found when it is invalid.
    """
    return _Parser(tuple(location_types)).parse(doc)


class _Parser:
    def __init__(self, location_types: tuple[str, ...]) -> None:
        self.problems: list[tuple[str, str]] = []
        self.location_types = location_types

    def error(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def parse(self, doc: object) -> NormSetDocument:
        if not isinstance(doc, Mapping):
            raise NormSetError([("document", "must be a mapping")])
        self._unknown_keys(doc, _TOP_KEYS, "document")
        catalogue = self._catalogue(doc.get("catalogue"))
        version = self._version(doc.get("version"))
        valid_from = self._valid_from(doc.get("valid_from"))
        title = self._label(doc.get("title"), "title")
        description = None
        if doc.get("description") is not None:
            description = self._label(doc["description"], "description")
        domains = self._domains(doc.get("domains"))
        items, known_codes = self._items(doc.get("items"))
        follow_up = self._follow_up_days(
            doc.get("follow_up_days"), "follow_up_days", DEFAULT_FOLLOW_UP_DAYS
        )
        norms = self._norms(
            doc.get("norms"), {d.code for d in domains}, items, known_codes, follow_up
        )
        self._asked_with(items, doc.get("norms"))
        stale_after_days = self._stale_after_days(doc.get("stale_after_days"))
        if self.problems:
            raise NormSetError(self.problems)
        return NormSetDocument(
            catalogue=catalogue,
            version=version,
            valid_from=valid_from,
            title=title,
            description=description,
            domains=tuple(domains),
            items=items,
            norms=tuple(norms),
            raw=copy.deepcopy(dict(doc)),
            stale_after_days=stale_after_days,
            follow_up_days=follow_up,
            location_types=self.location_types,
        )

    # -- small pieces -------------------------------------------------------

    def _unknown_keys(self, data: Mapping, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(path, f"unknown key {key!r}")

    def _one_of(self, value: object, allowed: Collection[str], path: str, what: str) -> None:
        if value is None:
            self.error(path, "is required")
        elif not isinstance(value, str) or value not in allowed:
            # Sets (declared domains) have no order of their own: sort for stable messages.
            options = allowed if isinstance(allowed, tuple) else sorted(allowed)
            self.error(path, f"unknown {what} {value!r} (use {', '.join(options)})")

    def _mapping(self, data: object, path: str) -> Mapping | None:
        if isinstance(data, Mapping):
            return data
        self.error(path, "must be a mapping")
        return None

    def _text(self, value: object, path: str, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, "must be a non-empty string")
            return None
        return value

    def _label(self, data: object, path: str) -> Label:
        """A {nl, en} label; both languages are required and non-empty."""
        if data is None:
            self.error(path, "is required (a mapping with nl and en)")
            return Label("", "")
        data = self._mapping(data, path)
        if data is None:
            return Label("", "")
        self._unknown_keys(data, {"nl", "en"}, path)
        nl = self._text(data.get("nl"), f"{path}.nl") or ""
        en = self._text(data.get("en"), f"{path}.en") or ""
        return Label(nl, en)

    def _list(self, data: object, path: str) -> list:
        if not isinstance(data, list) or not data:
            self.error(path, "must be a non-empty list")
            return []
        return data

    def _catalogue(self, value: object) -> str:
        if not isinstance(value, str) or not _CATALOGUE_RE.match(value):
            self.error("catalogue", "must be a string of lowercase letters, digits and '-'")
            return ""
        return value

    def _version(self, value: object) -> str:
        if isinstance(value, bool) or value is None:
            self.error("version", "must be a non-empty string")
        elif isinstance(value, int | float):
            # YAML reads `version: 2023.10` as the float 2023.1: quote it.
            self.error("version", f"must be a string, not the number {value!r}: quote it in YAML")
        elif not isinstance(value, str) or not value.strip():
            self.error("version", "must be a non-empty string")
        else:
            return value
        return ""

    def _valid_from(self, value: object) -> dt.date:
        # datetime is a subclass of date: refuse it, a version starts on a day.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error("valid_from", "must be a date (YYYY-MM-DD)")
        return dt.date.min

    def _stale_after_days(self, value: object) -> int:
        if value is None:
            return DEFAULT_STALE_AFTER_DAYS
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36500:
            self.error("stale_after_days", "must be a whole number of days from 1 to 36500")
            return DEFAULT_STALE_AFTER_DAYS
        return value

    def _days(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, "must be a whole number of days")
            return None
        if not 0 <= value <= MAX_FOLLOW_UP_DAYS:
            self.error(path, f"must be between 0 and {MAX_FOLLOW_UP_DAYS} days")
            return None
        return value

    def _follow_up_days(
        self, data: object, path: str, inherited: Mapping[str, int], whole: bool = False
    ) -> dict[str, int]:
        """Days to repair a failure per severity, over ``inherited`` for those not given.

        ``whole``: a single number (allowed on a norm) stands for every severity.
        """
        days = dict(inherited)
        if data is None:
            return days
        if whole and not isinstance(data, Mapping):
            number = self._days(data, path)
            return {severity: number for severity in SEVERITIES} if number is not None else days
        data = self._mapping(data, path)
        if data is None:
            return days
        for severity, value in data.items():
            if severity not in SEVERITIES:
                self.error(path, f"unknown severity {severity!r} (use {', '.join(SEVERITIES)})")
                continue
            number = self._days(value, f"{path}.{severity}")
            if number is not None:
                days[severity] = number
        return days

    # -- sections -------------------------------------------------------------

    def _domains(self, data: object) -> list[Domain]:
        domains: dict[str, Domain] = {}
        for i, raw in enumerate(self._list(data, "domains")):
            code = raw.get("code") if isinstance(raw, Mapping) else None
            path = f"domains[{code}]" if isinstance(code, str) and code else f"domains[{i}]"
            raw = self._mapping(raw, path)
            if raw is None:
                continue
            self._unknown_keys(raw, _DOMAIN_KEYS, path)
            code = self._text(code, f"{path}.code")
            title = self._label(raw.get("title"), f"{path}.title")
            if code is None:
                continue
            if code in domains:
                self.error(path, f"duplicate domain code {code!r}")
                continue
            domains[code] = Domain(code, title)
        return list(domains.values())

    def _items(self, data: object) -> tuple[dict[str, Item], set[str]]:
        items: dict[str, Item] = {}
        known: set[str] = set()
        raw_items = self._list(data, "items")
        for i, raw in enumerate(raw_items):
            code = raw.get("code") if isinstance(raw, Mapping) else None
            path = f"items[{code}]" if isinstance(code, str) and code else f"items[{i}]"
            if not isinstance(raw, Mapping):
                self.error(path, "must be a mapping")
                continue
            if not isinstance(code, str) or not _ITEM_CODE_RE.match(code):
                self.error(f"{path}.code", "must match ^[a-z][a-z0-9_]*$")
                continue
            if code in known:
                self.error(path, f"duplicate item code {code!r}")
                continue
            known.add(code)
            before = len(self.problems)
            item = self._item(raw, code, path)
            if len(self.problems) == before:
                items[code] = item
        # max_item can point forward, so check it once all items are known.
        for code, item in list(items.items()):
            other = item.max_item
            if other is None:
                continue
            path = f"items[{code}].max_item"
            if other not in known:
                self.error(path, f"unknown item {other!r}")
            elif other == code:
                self.error(path, "an item cannot be bounded by itself")
            elif other in items and not items[other].numeric:
                self.error(path, f"item {other!r} is {items[other].type}, not numeric")
        return items, known

    def _item(self, raw: Mapping, code: str, path: str) -> Item:
        self._unknown_keys(raw, _ITEM_KEYS, path)
        item_type = raw.get("type")
        self._one_of(item_type, ITEM_TYPES, f"{path}.type", "item type")
        label = self._label(raw.get("label"), f"{path}.label")
        help_ = self._label(raw["help"], f"{path}.help") if raw.get("help") is not None else None
        unit = self._text(raw.get("unit"), f"{path}.unit", required=False)
        low, high = self._item_range(raw, item_type, path)
        choices = self._choices(raw, item_type, path)
        max_item = raw.get("max_item")
        if max_item is not None:
            if item_type not in NUMERIC_TYPES:
                self.error(f"{path}.max_item", "only numeric items can have max_item")
            if not isinstance(max_item, str):
                self.error(f"{path}.max_item", "must be an item code")
                max_item = None
        asked_with = raw.get("asked_with")
        if asked_with is not None and not isinstance(asked_with, str):
            self.error(f"{path}.asked_with", "must be a norm code")
            asked_with = None
        return Item(code, item_type, label, low, high, unit, help_, choices, max_item, asked_with)

    def _asked_with(self, items: dict[str, Item], raw_norms: object) -> None:
        """An item asked with a norm must name a norm of this document."""
        codes = set()
        if isinstance(raw_norms, list):
            codes = {n.get("code") for n in raw_norms if isinstance(n, Mapping)}
        for code, item in items.items():
            if item.asked_with is not None and item.asked_with not in codes:
                self.error(f"items[{code}].asked_with", f"unknown norm {item.asked_with!r}")

    def _item_range(self, raw: Mapping, item_type: object, path: str) -> tuple[Any, Any]:
        numeric = item_type in NUMERIC_TYPES
        bounds = {}
        for name in ("min", "max"):
            if raw.get(name) is None:
                continue
            if not numeric:
                self.error(f"{path}.{name}", f"only numeric items have {name}")
            elif not is_number(raw[name]):
                self.error(f"{path}.{name}", "must be a number")
            else:
                bounds[name] = raw[name]
        if item_type == "percentage":
            bounds.setdefault("min", 0)
            bounds.setdefault("max", 100)
            for name, value in bounds.items():
                if not 0 <= value <= 100:
                    self.error(f"{path}.{name}", "a percentage must stay within 0..100")
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and high is not None and low > high:
            self.error(path, f"min ({low}) must not be greater than max ({high})")
        return low, high

    def _choices(self, raw: Mapping, item_type: object, path: str) -> tuple[Choice, ...]:
        data = raw.get("choices")
        if item_type != "choice":
            if data is not None:
                self.error(f"{path}.choices", "only choice items have choices")
            return ()
        choices: list[Choice] = []
        for i, entry in enumerate(self._list(data, f"{path}.choices")):
            cpath = f"{path}.choices[{i}]"
            entry = self._mapping(entry, cpath)
            if entry is None:
                continue
            self._unknown_keys(entry, {"value", "label"}, cpath)
            value = entry.get("value")
            label = self._label(entry.get("label"), f"{cpath}.label")
            if isinstance(value, bool) or not isinstance(value, str | int):
                self.error(f"{cpath}.value", "must be a string or a whole number")
            elif any(type(c.value) is type(value) and c.value == value for c in choices):
                self.error(f"{cpath}.value", f"duplicate choice {value!r}")
            else:
                choices.append(Choice(value, label))
        return tuple(choices)

    def _norms(
        self,
        data: object,
        domain_codes: set[str],
        items: dict[str, Item],
        known_codes: set[str],
        follow_up: dict[str, int],
    ) -> list[Norm]:
        rules = RuleParser(items, known_codes, self.problems, self.location_types)
        norms: list[Norm] = []
        seen: set[str] = set()
        for i, raw in enumerate(self._list(data, "norms")):
            code = raw.get("code") if isinstance(raw, Mapping) else None
            path = f"norms[{code}]" if isinstance(code, str) and code else f"norms[{i}]"
            raw = self._mapping(raw, path)
            if raw is None:
                continue
            if self._text(code, f"{path}.code") is None:
                continue
            if code in seen:
                self.error(path, f"duplicate norm code {code!r}")
                continue
            seen.add(code)
            before = len(self.problems)
            norm = self._norm(raw, code, path, domain_codes, rules, follow_up)
            if len(self.problems) == before:
                norms.append(norm)
        return norms

    def _norm(
        self,
        raw: Mapping,
        code: str,
        path: str,
        domain_codes: set[str],
        rules: RuleParser,
        follow_up: dict[str, int],
    ) -> Norm | None:
        self._unknown_keys(raw, _NORM_KEYS, path)
        domain = raw.get("domain")
        self._one_of(domain, domain_codes, f"{path}.domain", "domain")
        severity = raw.get("severity")
        self._one_of(severity, SEVERITIES, f"{path}.severity", "severity")
        weight = raw.get("weight")
        if weight is None:
            weight = DEFAULT_WEIGHTS.get(severity, 0)
        elif not is_number(weight) or weight <= 0:
            self.error(f"{path}.weight", "must be a positive number")
        title = self._label(raw.get("title"), f"{path}.title")
        applies_to = self._applies_to(raw.get("applies_to"), path)
        basis = raw.get("basis")
        self._one_of(basis, BASES, f"{path}.basis", "basis")
        source = self._text(raw.get("source"), f"{path}.source")
        days = self._follow_up_days(
            raw.get("follow_up_days"), f"{path}.follow_up_days", follow_up, whole=True
        )
        if "rule" not in raw:
            self.error(path, "rule is required")
            rule = None
        else:
            rule = rules.parse(raw["rule"], f"{path}.rule")
        applies_if = None
        if raw.get("applies_if") is not None:
            applies_if = rules.parse(raw["applies_if"], f"{path}.applies_if")
        for part_path, part in ((f"{path}.rule", rule), (f"{path}.applies_if", applies_if)):
            self._bounds_cover(part, applies_to, part_path)
        if rule is None:
            return None
        return Norm(
            code, domain, severity, weight, title, rule, applies_to, basis, source, applies_if, days
        )

    def _applies_to(self, data: object, path: str) -> tuple[str, ...]:
        known = self.location_types
        if data is None:
            return known
        if not isinstance(data, list) or not data:
            self.error(f"{path}.applies_to", "must be a non-empty list of location types")
            return known
        for value in data:
            if value not in known:
                self.error(
                    f"{path}.applies_to",
                    f"unknown location type {value!r} (use {', '.join(known)})",
                )
        # Keep the canonical order; duplicates are harmless and dropped.
        return tuple(lt for lt in known if lt in data)

    def _bounds_cover(self, rule: Rule | None, applies_to: tuple[str, ...], path: str) -> None:
        """Refuse a range rule that has no bound at all for a type the norm applies to.

        With ``max: {azc: 10}`` and no default, noodopvang would have no
        threshold, and the rule would silently pass whatever the answer.
        """
        if rule is None:
            return
        for part in _range_parts(rule):
            missing = [lt for lt in applies_to if part.bounds[lt].empty]
            if missing:
                self.error(
                    path,
                    f"no bound for {', '.join(missing)}: add a default or restrict applies_to",
                )


def _range_parts(rule: Rule) -> list[Any]:
    if hasattr(rule, "parts"):
        return [p for part in rule.parts for p in _range_parts(part)]
    return [rule] if hasattr(rule, "bounds") else []
