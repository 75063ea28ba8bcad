"""A visit's per-norm results as the inspections table keeps them: one array per norm.

Everywhere else a result is an object with named fields (``NormResult.to_dict``:
norm, domain, outcome, severity, value, threshold, critical). Stored that way
the seven names are repeated for every norm of every visit, more than half of
a result document's text; a rescoring after an erratum rewrites, sends between
processes and logs every one of them. Stored, each result is the array of its
values in ``FIELDS`` order; the column type (``models.inspection``) turns
them back into objects when a row is read, so only code that reads the column
as text (the rescoring) sees the arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any

import orjson

from inspection.engine import NormResult

FIELDS = ("norm", "domain", "outcome", "severity", "value", "threshold", "critical")

_of_result = attrgetter(*FIELDS)
_of_mapping = itemgetter(*FIELDS)


def stored_text(results: Sequence[NormResult]) -> str:
    """The stored text of an engine's results, as ``stored(r.to_dict() ...)`` encoded.

    orjson writes an infinite value as null, as ``to_dict`` does.
    """
    return orjson.dumps(list(map(_of_result, results))).decode()


def stored(results: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[Sequence[Any]]:
    """Results as objects in their stored form; those already stored pass as they are."""
    return [
        result if not isinstance(result, Mapping) else _of_mapping(result) for result in results
    ]


def expanded(results: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[dict[str, Any]]:
    """Stored results as objects with named fields; objects (a document written before
    results were stored as arrays) pass as they are."""
    return [
        dict(result) if isinstance(result, Mapping) else dict(zip(FIELDS, result, strict=True))
        for result in results
    ]


def expanded_text(text: str) -> list[dict[str, Any]]:
    """The stored text of a results column, as objects."""
    return expanded(orjson.loads(text))
