"""SQL over the stored JSON of scores, for SQLite and PostgreSQL alike.

The location picture is one query: the codes of failed and critical norms,
and whether a domain failed, are read inside the database from the latest
inspection's ``results`` (a JSON array of per-norm results) instead of
shipping every result list to Python. Each construct compiles to SQLite's
``json_each`` or PostgreSQL's SQL/JSON path functions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from inspection.db import JSONDocument

# (SQLite condition on a result element r, PostgreSQL JSON path filter) per construct.
_FAILED = ("json_extract(r.value, '$.outcome') = 'fail'", '@.outcome == "fail"')
_CRITICAL = ("json_extract(r.value, '$.critical') = 1", "@.critical == true")


class failed_norm_codes(FunctionElement):  # noqa: N801  (reads as a SQL function)
    """``failed_norm_codes(results)``: the codes of the failed norms, in result order."""

    type = JSONDocument
    inherit_cache = True
    name = "failed_norm_codes"


class critical_norm_codes(FunctionElement):  # noqa: N801
    """``critical_norm_codes(results)``: the codes of the norms failed critically."""

    type = JSONDocument
    inherit_cache = True
    name = "critical_norm_codes"


class domain_failed(FunctionElement):  # noqa: N801
    """``domain_failed(results, domain)``: whether any norm of ``domain`` failed."""

    type = Boolean()
    inherit_cache = True
    name = "domain_failed"


def _conditions(element: FunctionElement) -> tuple[str, str]:
    return _CRITICAL if isinstance(element, critical_norm_codes) else _FAILED


@compiles(failed_norm_codes, "sqlite")
@compiles(critical_norm_codes, "sqlite")
def _codes_sqlite(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    (results,) = element.clauses
    condition, _ = _conditions(element)
    # json_group_array over no rows is '[]'; a NULL results (no inspection) gives NULL.
    return (
        f"(CASE WHEN {compiler.process(results, **kw)} IS NULL THEN NULL ELSE "
        f"(SELECT json_group_array(json_extract(r.value, '$.norm')) "
        f"FROM json_each({compiler.process(results, **kw)}) AS r WHERE {condition}) END)"
    )


@compiles(failed_norm_codes, "postgresql")
@compiles(critical_norm_codes, "postgresql")
def _codes_postgresql(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    (results,) = element.clauses
    _, path_filter = _conditions(element)
    path = f"$[*] ? ({path_filter}).norm"
    return f"jsonb_path_query_array({compiler.process(results, **kw)}, '{path}')"


@compiles(domain_failed, "sqlite")
def _domain_sqlite(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    results, domain = element.clauses
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(results, **kw)}) AS r "
        f"WHERE {_FAILED[0]} AND json_extract(r.value, '$.domain') = "
        f"{compiler.process(domain, **kw)})"
    )


@compiles(domain_failed, "postgresql")
def _domain_postgresql(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    results, domain = element.clauses
    return (
        f"coalesce(jsonb_path_exists({compiler.process(results, **kw)}, "
        f"'$[*] ? ({_FAILED[1]} && @.domain == $domain)', "
        f"jsonb_build_object('domain', CAST({compiler.process(domain, **kw)} AS text))), false)"
    )
