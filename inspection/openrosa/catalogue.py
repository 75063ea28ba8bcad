"""The forms in force: which XForms a phone may download today, built once and reused."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from inspection.db import db
from inspection.errors import NotFound
from inspection.location_types import location_type_codes
from inspection.models import Location, NormSet, User
from inspection.norm_sets import compiled, norm_set_on
from inspection.openrosa import names
from inspection.openrosa.xforms import LocationOption, ReservedItemCode, XForm, make_xform
from inspection.scope import choosable_location_clause
from inspection.vocabulary import AMSTERDAM

# Forms are rebuilt when their inputs change; a handful of versions stay around.
CACHE_SIZE = 32


def forms_in_force(user: User, day: date | None = None) -> list[XForm]:
    """One form per location type for the norm set in force on ``day`` (default: today).

    A type without any location the user may choose has no form: there is
    nothing to inspect with it.
    """
    norm_set = _norm_set_on(day)
    if norm_set is None:
        return []
    forms = []
    for location_type in location_type_codes():
        form = _form(norm_set, location_type, user)
        if form is not None:
            forms.append(form)
    return forms


def form_in_force(user: User, form_id: str) -> XForm:
    """The form with this formID as it is in force today; ``NotFound`` otherwise."""
    location_type = names.location_type_of(form_id)
    norm_set = _norm_set_on(None)
    form = None
    if location_type in location_type_codes() and norm_set is not None:
        form = _form(norm_set, location_type, user)
    if form is None:
        raise NotFound(f"No form {form_id}")
    return form


def item_labels(lang: str) -> dict[str, str]:
    """Item codes and their labels in ``lang``, from the norm set in force today."""
    norm_set = _norm_set_on(None)
    if norm_set is None:
        return {}
    return {code: getattr(item.label, lang) for code, item in compiled(norm_set).items.items()}


def _norm_set_on(day: date | None) -> NormSet | None:
    day = day or datetime.now(AMSTERDAM).date()
    return norm_set_on(current_app.config["NORM_CATALOGUE"], day)


def _form(norm_set: NormSet, location_type: str, user: User) -> XForm | None:
    options = _location_options(user, location_type)
    if not options:
        return None
    document = compiled(norm_set)
    key = (norm_set.catalogue, norm_set.version, norm_set.document_sha256, location_type, options)
    cache: dict[tuple[object, ...], XForm] = current_app.extensions.setdefault("openrosa_forms", {})
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        try:
            cache[key] = make_xform(document, location_type, options)
        except ReservedItemCode as exc:
            current_app.logger.error("No OpenRosa form for %s: %s", location_type, exc)
            return None
    return cache[key]


def _location_options(user: User, location_type: str) -> tuple[LocationOption, ...]:
    rows = db.session.execute(
        select(Location.code, Location.name, Location.municipality)
        .where(Location.type == location_type, choosable_location_clause(user))
        .order_by(Location.name, Location.code)
    )
    return tuple(
        LocationOption(code=code, label=f"{name} ({code}), {municipality}")
        for code, name, municipality in rows
    )
