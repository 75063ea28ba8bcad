"""Whether parsed input can be kept: text, numbers and nesting that both databases hold.

Parsers accept more than the service can store or handle further on: a NUL
in text (PostgreSQL refuses it), a lone surrogate (no UTF-8 encoder takes
it), integers beyond 64 bits (JSON columns and orjson stop there), NaN and
infinity (not JSON), and nesting deep enough to exhaust the stack of code
that recurses. The API checks every JSON body with ``storage_problems``
before an endpoint reads it; the command-line imports check what they read.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DEPTH = 32
INTEGER_LIMIT = 2**63
# Enough for the caller to fix the body; a body of a million bad strings would
# otherwise make an error response of its own size.
MAX_PROBLEMS = 20
_TRAILING_INDEXES = re.compile(r"(\[\d+\])+$")


class OversizedNumber:
    """What a lenient parser keeps in place of a number too long to convert."""

    def __init__(self, text: str) -> None:
        self.digits = sum(character.isdigit() for character in text)


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL or a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate (U+{ord(text[exc.start]):04X}), which is not text"
    return None


def printable(text: str) -> str:
    """``text`` with NULs and lone surrogates written as escapes, safe in any message."""
    return text.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def storage_problems(
    value: Any, root: str = "_body", max_depth: int = MAX_DEPTH
) -> dict[str, list[str]]:
    """Problems per path (``answers.toilets_working``, ``norms[3].title``) in a parsed document.

    Parameters
    ----------
    value : Any
        What ``json.loads`` or ``yaml.safe_load`` returned (may hold ``OversizedNumber``).
    root : str
        The path reported for the document itself.
    max_depth : int
        How many levels of objects and lists may nest.

    Returns
    -------
    dict
        At most ``MAX_PROBLEMS`` paths, each with its problems; empty when all is well.
    """
    problems: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        path, item, depth = stack.pop()
        problem: str | None = None
        if isinstance(item, dict | list):
            if depth >= max_depth:
                # Named by the field that holds the nesting, not by a thousand [0]s.
                path = _TRAILING_INDEXES.sub("", path)
                problem = f"nested more than {max_depth} levels deep"
            else:
                children = item.items() if isinstance(item, dict) else enumerate(item)
                for key, child in reversed(list(children)):
                    if isinstance(key, str):
                        child_path = f"{path}.{printable(key)}" if path else printable(key)
                        key_problem = text_problem(key)
                        if key_problem:
                            problems.setdefault(child_path, []).append(f"the name {key_problem}")
                            continue
                    else:
                        child_path = f"{path}[{key}]"
                    stack.append((child_path, child, depth + 1))
        elif isinstance(item, str):
            problem = text_problem(item)
        elif isinstance(item, bool):
            pass
        elif isinstance(item, int):
            if not -INTEGER_LIMIT <= item < INTEGER_LIMIT:
                problem = "an integer beyond 64 bits (-2^63 to 2^63-1)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                problem = "not a finite number"
        elif isinstance(item, OversizedNumber):
            problem = f"a number of {item.digits} digits"
        if problem:
            problems.setdefault(path or root, []).append(problem)
    return problems
