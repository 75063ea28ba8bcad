"""Validate the answers of an inspection against the items of a norm set.

Returns problems keyed by field path (``answers.<code>``) so that an API can
answer HTTP 422 with the path of each bad field. ``None`` or an absent key
means unanswered and is always allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .model import Item, NormSetDocument
from .rule_parser import value_fits_item

MAX_TEXT_LENGTH = 2000


def validate_answers(answers: object, document: NormSetDocument) -> dict[str, list[str]]:
    """Every problem with ``answers``, keyed by path; an empty dict when all is well."""
    if not isinstance(answers, Mapping):
        return {"answers": ["must be an object mapping item codes to answers"]}
    problems: dict[str, list[str]] = {}
    valid: dict[str, object] = {}
    for code, value in answers.items():
        path = f"answers.{code}"
        item = document.items.get(code) if isinstance(code, str) else None
        if item is None:
            problems[path] = ["unknown item"]
            continue
        if value is None:
            continue
        messages = _value_problems(value, item)
        if messages:
            problems[path] = messages
        else:
            valid[code] = value

    # Cross-item limits (children_present <= residents_present, ...), only
    # between valid answers: comparing against a bad value would add noise.
    for code, value in valid.items():
        other = document.items[code].max_item
        if other is not None and other in valid and value > valid[other]:
            problems.setdefault(f"answers.{code}", []).append(
                f"must not exceed {other} ({valid[other]})"
            )
    return problems


def _value_problems(value: object, item: Item) -> list[str]:
    if item.type == "text":
        if not isinstance(value, str):
            return ["must be a string"]
        if len(value) > MAX_TEXT_LENGTH:
            return [f"must be at most {MAX_TEXT_LENGTH} characters long"]
        return []
    if item.type == "choice":
        if value_fits_item(value, item):
            return []
        allowed = ", ".join(repr(c.value) for c in item.choices)
        return [f"must be one of {allowed}"]
    if item.type == "boolean":
        return [] if isinstance(value, bool) else ["must be true or false"]

    # Numeric. bool is a subclass of int in Python, so True must be refused
    # explicitly; and 10.0 is refused for an integer item because it signals
    # a client that does not send what the item asks for.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [f"must be {'a whole number' if item.type == 'integer' else 'a number'}"]
    if item.type == "integer" and not isinstance(value, int):
        return ["must be a whole number, not a decimal"]
    if not math.isfinite(value):
        return ["must be a finite number"]
    messages = []
    if item.min is not None and value < item.min:
        messages.append(f"must be at least {item.min}")
    if item.max is not None and value > item.max:
        messages.append(f"must be at most {item.max}")
    return messages
