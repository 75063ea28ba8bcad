"""A visit's per-norm results as the inspections table keeps them: one array per norm.

Everywhere else a result is an object with named fields (``NormResult.to_dict``:
norm, domain, outcome, severity, value, threshold, critical). Stored that way
the seven names are repeated for every norm of every visit, more than half of
a result document's text; a rescoring after an erratum rewrites every one of
them, sends it between processes and passes it through SQLite's write-ahead
log. Stored, each result is the array of its values in ``FIELDS`` order; the
column type (``models.inspection``) turns them back into objects when a row
is read, so only code that reads the column as text (the rescoring) sees the
arrays.
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
_NORM, _OUTCOME, _SEVERITY = (FIELDS.index(name) for name in ("norm", "outcome", "severity"))


def column_text(value: Any) -> str:
    """The text the database's JSON columns hold for ``value``: orjson's, the encoder the
    engine is configured with (``app.json_dumps``). Code that writes such text itself (a
    rescoring, in processes without Flask) calls this too, so that both stay the same: on
    SQLite an unchanged row is found by its text being equal."""
    return orjson.dumps(value).decode()


def stored_row(result: NormResult) -> tuple[Any, ...]:
    """One engine result in its stored form (an infinite value stays as it is)."""
    return _of_result(result)


def stored_text(results: Sequence[NormResult]) -> str:
    """The stored text of an engine's results (``column_text``), so that SQLite's copy of an
    unchanged row equals it.

    orjson writes an infinite value as null, as ``to_dict`` does.
    """
    return column_text(list(map(_of_result, results)))


def stored_outcomes(rows: Iterable[Sequence[Any]]) -> dict[str, list[str]]:
    """Per norm its outcome and severity, from results in their stored form."""
    return {row[_NORM]: [row[_OUTCOME], row[_SEVERITY]] for row in rows}


def stored(results: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[Sequence[Any]]:
    """Results as objects in their stored form; those already stored (arrays) pass as they are."""
    return [_stored_one(result) for result in results]


def _stored_one(result: Mapping[str, Any] | Sequence[Any]) -> Sequence[Any]:
    # Arrays first: they are what is stored, and a check against Mapping is the slower one.
    if isinstance(result, list | tuple) and len(result) == len(FIELDS):
        return result
    if isinstance(result, Mapping):
        return _of_mapping(result)
    raise TypeError(f"not a per-norm result: {result!r}")


def expanded(results: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[dict[str, Any]]:
    """Stored results as objects with named fields; objects (a document written before
    results were stored as arrays) pass as they are."""
    return [_expanded_one(result) for result in results]


def _expanded_one(result: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    if isinstance(result, list | tuple) and len(result) == len(FIELDS):
        # Spelled out, in FIELDS order: a rescoring expands every changed verdict's results
        # for its audit event, and a literal is several times faster than dict(zip(...)).
        norm, domain, outcome, severity, value, threshold, critical = result
        return {
            "norm": norm,
            "domain": domain,
            "outcome": outcome,
            "severity": severity,
            "value": value,
            "threshold": threshold,
            "critical": critical,
        }
    if isinstance(result, Mapping):
        return dict(result)
    raise TypeError(f"not a per-norm result: {result!r}")
