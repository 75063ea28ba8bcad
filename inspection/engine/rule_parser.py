"""Validate rule data from a norm set document and compile it into rule objects.

Kept apart from ``document`` because rules are the recursive, fiddly part of
the format. Every problem is appended to a shared error list as
``"<path>: <message>"`` so that a document author sees all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .model import NUMERIC_TYPES, Item
from .rules import BOUND_NAMES, AllOf, AnyOf, Bounds, ItemEquals, ItemRange, Ratio, Rule

_RULE_KINDS = ("item", "ratio", "all", "any")
_ITEM_KEYS = {"item", "equals", *BOUND_NAMES}
_RATIO_KEYS = {"ratio", *BOUND_NAMES}


def is_number(value: object) -> bool:
    """A finite int or float, and not a bool (``True`` is an ``int`` in Python)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def value_fits_item(value: object, item: Item) -> bool:
    """Whether ``value`` has the right type for an answer to ``item``."""
    if item.type == "boolean":
        return isinstance(value, bool)
    if item.type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if item.type in ("number", "percentage"):
        return is_number(value)
    if item.type == "choice":
        # Compare types too: 1 == True in Python, but they are different answers.
        return any(type(value) is type(c.value) and value == c.value for c in item.choices)
    return isinstance(value, str)


class RuleParser:
    """Parses the rules of one document against its (already parsed) items."""

    def __init__(
        self,
        items: Mapping[str, Item],
        known_codes: set[str],
        problems: list[tuple[str, str]],
        location_types: tuple[str, ...],
    ):
        # ``known_codes`` includes items that were themselves invalid: a rule
        # naming one should not also be told the item is unknown.
        self.items = items
        self.location_types = location_types
        self.known_codes = known_codes
        self.problems = problems

    def error(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def parse(self, data: object, path: str) -> Rule | None:
        """Compile one rule, or return ``None`` after recording its problems."""
        if not isinstance(data, Mapping):
            self.error(path, "a rule must be a mapping")
            return None
        kinds = [k for k in _RULE_KINDS if k in data]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            self.error(path, f"a rule needs exactly one of item, ratio, all, any (found: {found})")
            return None
        kind = kinds[0]
        if kind in ("all", "any"):
            return self._combined(data, kind, path)
        if kind == "ratio":
            return self._ratio(data, path)
        return self._item(data, path)

    def _unknown_keys(self, data: Mapping, allowed: set[str], path: str) -> bool:
        unknown = [k for k in data if k not in allowed]
        for key in unknown:
            self.error(path, f"unknown key {key!r}")
        return bool(unknown)

    def _combined(self, data: Mapping, kind: str, path: str) -> Rule | None:
        bad = self._unknown_keys(data, {kind}, path)
        parts_data = data[kind]
        if not isinstance(parts_data, list) or not parts_data:
            self.error(f"{path}.{kind}", "must be a non-empty list of rules")
            return None
        parts = [self.parse(p, f"{path}.{kind}[{i}]") for i, p in enumerate(parts_data)]
        if bad or any(p is None for p in parts):
            return None
        return AllOf(tuple(parts)) if kind == "all" else AnyOf(tuple(parts))

    def _item_ref(self, code: object, path: str, numeric: bool) -> Item | None:
        """Look up an item a rule names; ``None`` if it is unusable (error recorded)."""
        if not isinstance(code, str):
            self.error(path, "must be an item code (a string)")
            return None
        if code not in self.known_codes:
            self.error(path, f"unknown item {code!r}")
            return None
        item = self.items.get(code)
        if item is None:
            return None  # the item itself is invalid and already reported
        if numeric and item.type not in NUMERIC_TYPES:
            self.error(path, f"item {code!r} is {item.type}, a numeric item is needed here")
            return None
        return item

    def _item(self, data: Mapping, path: str) -> Rule | None:
        bad = self._unknown_keys(data, _ITEM_KEYS, path)
        has_bounds = any(name in data for name in BOUND_NAMES)
        if "equals" in data:
            if has_bounds:
                self.error(path, "equals cannot be combined with min/max/critical bounds")
                return None
            item = self._item_ref(data["item"], f"{path}.item", numeric=False)
            if item is None or bad:
                return None
            value = data["equals"]
            if not value_fits_item(value, item):
                self.error(f"{path}.equals", _equals_message(value, item))
                return None
            return ItemEquals(item.code, value)
        item = self._item_ref(data["item"], f"{path}.item", numeric=True)
        bounds = self._bounds(data, path)
        if item is None or bounds is None or bad:
            return None
        return ItemRange(item.code, bounds)

    def _ratio(self, data: Mapping, path: str) -> Rule | None:
        bad = self._unknown_keys(data, _RATIO_KEYS, path)
        pair = data["ratio"]
        refs: list[Item | None] = [None, None]
        if not isinstance(pair, list) or len(pair) != 2:
            self.error(f"{path}.ratio", "must be a list of two item codes [numerator, denominator]")
        else:
            refs = [
                self._item_ref(c, f"{path}.ratio[{i}]", numeric=True) for i, c in enumerate(pair)
            ]
        bounds = self._bounds(data, path)
        if bad or bounds is None or refs[0] is None or refs[1] is None:
            return None
        return Ratio(refs[0].code, refs[1].code, bounds)

    def _bounds(self, data: Mapping, path: str) -> dict[str, Bounds] | None:
        """Resolve min/max/critical_* (numbers or per-type maps) for every location type."""
        if not any(name in data for name in BOUND_NAMES):
            self.error(path, "needs at least one of min, max, critical_min, critical_max")
            return None
        raw: dict[str, Mapping | float] = {}
        ok = True
        for name in BOUND_NAMES:
            if name not in data:
                continue
            value = data[name]
            if isinstance(value, Mapping):
                ok &= self._bound_map(value, f"{path}.{name}")
                # Keep the good entries so that the order checks below still
                # report contradictions in the same pass.
                value = {k: v for k, v in value.items() if self._map_key_ok(k) and is_number(v)}
            elif not is_number(value):
                self.error(f"{path}.{name}", "must be a number or a map of location type to number")
                ok = False
                continue
            raw[name] = value
        resolved = {}
        for location_type in self.location_types:
            values = {name: _resolve(raw.get(name), location_type) for name in BOUND_NAMES}
            resolved[location_type] = Bounds(**values)
        ok &= self._check_order(raw, resolved, path)
        return resolved if ok else None

    def _map_key_ok(self, key: object) -> bool:
        return key == "default" or key in self.location_types

    def _bound_map(self, value: Mapping, path: str) -> bool:
        ok = True
        if not value:
            self.error(path, "an empty map gives no bound; use default or a location type")
            ok = False
        for key, number in value.items():
            if not self._map_key_ok(key):
                allowed = ", ".join(("default", *self.location_types))
                self.error(f"{path}.{key}", f"unknown location type {key!r} (use {allowed})")
                ok = False
            elif not is_number(number):
                self.error(f"{path}.{key}", "must be a number")
                ok = False
        return ok

    def _check_order(self, raw: Mapping, resolved: Mapping[str, Bounds], path: str) -> bool:
        """Refuse bounds that contradict each other for some location type.

        Lower bounds (critical_min <= min) must lie below upper bounds
        (max <= critical_max): a critical_min above min, say, would make a
        value critical that does not even fail the ordinary bound.
        """
        pairs = [
            ("min", "max"),
            ("critical_min", "min"),
            ("max", "critical_max"),
            ("critical_min", "max"),
            ("min", "critical_max"),
            ("critical_min", "critical_max"),
        ]
        # problem -> location types it occurs for (dicts keep first-seen order)
        problems: dict[tuple, dict[str, None]] = {}
        for location_type, bounds in resolved.items():
            for low_name, high_name in pairs:
                low, high = getattr(bounds, low_name), getattr(bounds, high_name)
                if low is not None and high is not None and low > high:
                    problem = (low_name, low, high_name, high)
                    problems.setdefault(problem, {})[location_type] = None
        messages = []
        for (low_name, low, high_name, high), types in problems.items():
            message = f"{low_name} ({low}) must not be greater than {high_name} ({high})"
            if isinstance(raw.get(low_name), Mapping) or isinstance(raw.get(high_name), Mapping):
                message += f" for {', '.join(types)}"
            messages.append(message)
        for message in messages:
            self.error(path, message)
        return not messages


def _resolve(value: Mapping | float | None, location_type: str) -> float | None:
    if isinstance(value, Mapping):
        return value.get(location_type, value.get("default"))
    return value


def _equals_message(value: object, item: Item) -> str:
    if item.type == "choice":
        allowed = ", ".join(repr(c.value) for c in item.choices)
        return f"{value!r} is not one of the choices of {item.code!r} ({allowed})"
    expected = {
        "boolean": "true or false",
        "integer": "a whole number",
        "number": "a number",
        "percentage": "a number",
        "text": "a string",
    }[item.type]
    return f"{value!r} does not fit {item.type} item {item.code!r}: expected {expected}"
