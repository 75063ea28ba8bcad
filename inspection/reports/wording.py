"""What was found at a norm, in words: the measured value against the norm's bounds.

"23 personen per toilet (460 / 20); norm: ten hoogste 10, kritiek boven 50".
Built from the compiled rule, the visit's answers and the item labels, in
Dutch or English; the rule's own evaluation gives every value, so the words
always agree with the score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from inspection.engine.model import Item, Norm
from inspection.engine.rules import AllOf, AnyOf, ItemEquals, ItemRange, Ratio

# Units of the catalogue's items as nouns (singular, plural) per language; another
# unit is shown as written.
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "nl": {
        "persons": ("persoon", "personen"),
        "toilets": ("toilet", "toiletten"),
        "showers": ("douche", "douches"),
        "families": ("gezin", "gezinnen"),
        "days": ("dag", "dagen"),
        "meals": ("maaltijd", "maaltijden"),
        "relocations": ("verhuizing", "verhuizingen"),
        "m2": ("m²", "m²"),
        "%": ("%", "%"),
    },
    "en": {
        "persons": ("person", "persons"),
        "toilets": ("toilet", "toilets"),
        "showers": ("shower", "showers"),
        "families": ("family", "families"),
        "days": ("day", "days"),
        "meals": ("meal", "meals"),
        "relocations": ("move", "moves"),
        "m2": ("m²", "m²"),
        "%": ("%", "%"),
    },
}

WORDS = {
    "nl": {
        "norm": "norm",
        "min": "ten minste",
        "max": "ten hoogste",
        "critical_min": "kritiek onder",
        "critical_max": "kritiek boven",
        "yes": "ja",
        "no": "nee",
        "unanswered": "niet beantwoord",
        "required": "vereist",
        "per": "per",
        "none": "geen",
        "any": "één van",
    },
    "en": {
        "norm": "norm",
        "min": "at least",
        "max": "at most",
        "critical_min": "critical below",
        "critical_max": "critical above",
        "yes": "yes",
        "no": "no",
        "unanswered": "not answered",
        "required": "required",
        "per": "per",
        "none": "none",
        "any": "one of",
    },
}


def number(value: float, lang: str) -> str:
    """A measured number as people write it: whole numbers without decimals, else one or two."""
    if isinstance(value, bool):
        return WORDS[lang]["yes" if value else "no"]
    if math.isinf(value):
        return "∞"
    if float(value).is_integer():
        text = f"{int(value)}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


def _unit(item: Item | None, lang: str, plural: bool = True) -> str:
    if item is None or not item.unit:
        return ""
    nouns = UNITS[lang].get(item.unit)
    if nouns is None:
        return item.unit
    return nouns[1] if plural else nouns[0]


def _quantity(value: Any, item: Item | None, lang: str) -> str:
    if value is None:
        return WORDS[lang]["unanswered"]
    if isinstance(value, bool):
        return WORDS[lang]["yes" if value else "no"]
    if isinstance(value, str):
        return _choice_label(item, value, lang)
    unit = _unit(item, lang, plural=value != 1)
    if unit == "%":
        return f"{number(value, lang)}%"
    return f"{number(value, lang)} {unit}".strip()


def _choice_label(item: Item | None, value: Any, lang: str) -> str:
    if item is not None:
        for choice in item.choices:
            if choice.value == value:
                return getattr(choice.label, lang)
    return str(value)


def bounds_in_words(threshold: Mapping[str, Any] | None, lang: str) -> str:
    """``{"max": 10, "critical_max": 50}`` -> "ten hoogste 10, kritiek boven 50"."""
    if not threshold:
        return ""
    words = WORDS[lang]
    if "equals" in threshold:
        return f"{words['required']}: {_quantity(threshold['equals'], None, lang)}"
    parts = [
        f"{words[name]} {number(threshold[name], lang)}"
        for name in ("min", "max", "critical_min", "critical_max")
        if threshold.get(name) is not None
    ]
    return ", ".join(parts)


def found_in_words(
    norm: Norm,
    answers: Mapping[str, Any],
    items: Mapping[str, Item],
    location_type: str,
    lang: str = "nl",
) -> str:
    """What was found at ``norm`` and what the norm asks, in one line.

    A rule on one item needs no label: the norm's title beside it says what was
    asked. The parts of a combined rule are named by their items' labels.
    """
    return _rule_in_words(norm.rule, answers, items, location_type, lang, labelled=False)


def _rule_in_words(
    rule: Any,
    answers: Mapping[str, Any],
    items: Mapping[str, Item],
    kind: str,
    lang: str,
    labelled: bool = True,
) -> str:
    words = WORDS[lang]
    if isinstance(rule, AllOf | AnyOf):
        parts = [_rule_in_words(part, answers, items, kind, lang) for part in rule.parts]
        joined = " · ".join(parts)
        return f"{words['any']}: {joined}" if isinstance(rule, AnyOf) else joined
    threshold = _threshold(rule, kind)
    norm = bounds_in_words(threshold, lang)
    if isinstance(rule, Ratio):
        found = _ratio_in_words(rule, answers, items, kind, lang)
        label = ""
    elif isinstance(rule, ItemEquals | ItemRange):
        item = items.get(rule.item)
        label = ""
        if labelled:
            label = f"{getattr(item.label, lang)}: " if item is not None else f"{rule.item}: "
        found = _quantity(answers.get(rule.item), item, lang)
        if isinstance(rule, ItemEquals):
            norm = f"{words['norm']}: {_quantity(rule.value, item, lang)}"
            return f"{label}{found}; {norm}"
    else:
        return ""
    return f"{label}{found}; {words['norm']}: {norm}" if norm else f"{label}{found}"


def _threshold(rule: Any, kind: str) -> dict[str, Any] | None:
    try:
        return rule.threshold(kind)
    except KeyError:
        return None


def _ratio_in_words(
    rule: Ratio, answers: Mapping[str, Any], items: Mapping[str, Item], kind: str, lang: str
) -> str:
    numerator, denominator = answers.get(rule.numerator), answers.get(rule.denominator)
    top, bottom = items.get(rule.numerator), items.get(rule.denominator)
    if numerator is None or denominator is None:
        names = " / ".join(
            getattr(i.label, lang) if i is not None else code
            for i, code in ((top, rule.numerator), (bottom, rule.denominator))
        )
        return f"{names}: {WORDS[lang]['unanswered']}"
    per = f"{WORDS[lang]['per']} {_unit(bottom, lang, plural=False)}".rstrip()
    counts = f"({number(numerator, lang)} / {number(denominator, lang)})"
    if denominator == 0:
        return f"{_quantity(numerator, top, lang)}, {WORDS[lang]['none']} {_unit(bottom, lang)}"
    value = numerator / denominator
    unit = _unit(top, lang, plural=value != 1)
    return f"{number(value, lang)} {unit} {per} {counts}".replace("  ", " ")
