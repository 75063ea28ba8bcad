"""Location types: listing them and adding one.

Types are data: locations, norm sets (``applies_to`` and per-type thresholds),
forms and filters all take their list from the ``location_types`` table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspection import audit
from inspection.db import db
from inspection.engine import NormSetError, parse_norm_set
from inspection.errors import Conflict, ValidationFailed
from inspection.models import LocationType, NormSet, User
from inspection.models.location_type import forget_location_type_codes, location_type_codes

__all__ = ["add_location_type", "location_type_codes", "location_types", "served"]


def location_types() -> list[LocationType]:
    """Every type, grouped by kind as ``location_type_codes`` orders them."""
    by_code = {t.code: t for t in db.session.scalars(select(LocationType))}
    return [by_code[code] for code in location_type_codes() if code in by_code]


def add_location_type(data: dict[str, Any], actor: User | None = None) -> LocationType:
    """Add a type (fields of ``schemas.location_types.LocationTypeSchema``).

    Every stored norm set must still hold for the new type: a norm that
    applies to all types needs a threshold for it, so a per-type threshold
    without a default refuses the type until a norm set gives one.
    """
    if db.session.get(LocationType, data["code"]) is not None:
        raise Conflict(f"Location type {data['code']} already exists", {"code": ["already in use"]})
    codes = (*location_type_codes(), data["code"])
    problems: dict[str, list[str]] = {}
    for norm_set in db.session.scalars(select(NormSet)):
        try:
            parse_norm_set(norm_set.document, codes)
        except NormSetError as exc:
            name = f"{norm_set.catalogue} {norm_set.version}"
            problems.setdefault("code", []).extend(f"{name}: {e}" for e in exc.errors)
    if problems:
        raise ValidationFailed("A stored norm set has no threshold for the new type", problems)
    location_type = LocationType(**data)
    db.session.add(location_type)
    db.session.flush()
    forget_location_type_codes()
    audit.record("location_type.created", "location_type", location_type.code, actor, **data)
    return location_type


def served() -> dict[str, Any]:
    """The types as the pages get them: codes in order, names per language."""
    types = location_types()
    return {
        "location_types": [t.code for t in types],
        "location_type_labels": {
            "nl": {t.code: t.name_nl for t in types},
            "en": {t.code: t.name_en for t in types},
        },
    }
