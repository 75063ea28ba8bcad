"""The checklist a phone shows for a location type: items grouped by domain, in one language."""

from __future__ import annotations

from typing import Any

from inspection.engine import Item, NormSetDocument

GENERAL = {"nl": "Algemeen: aanwezigen", "en": "General: who is present"}


def build_form(document: NormSetDocument, location_type: str, lang: str) -> list[dict[str, Any]]:
    """Groups of items and norms for ``location_type``, labels in ``lang``.

    An item used by norms of several domains, or deciding whether norms apply
    (the head counts), goes in a first "general" group; every other item goes
    with the domain of the norms that use it.
    """
    norms = [n for n in document.norms if location_type in n.applies_to]
    domains_of: dict[str, set[str]] = {}
    conditional: set[str] = set()
    domain_of_norm = {norm.code: norm.domain for norm in norms}
    for item in document.items.values():
        if item.asked_with in domain_of_norm:
            domains_of.setdefault(item.code, set()).add(domain_of_norm[item.asked_with])
    for norm in norms:
        for code in norm.items:
            domains_of.setdefault(code, set()).add(norm.domain)
        if norm.applies_if is not None:
            conditional |= norm.applies_if.items

    def group_of(code: str) -> str:
        if code in conditional or len(domains_of[code]) > 1:
            return "general"
        return next(iter(domains_of[code]))

    items = document.items_for(location_type)
    groups = [{"code": "general", "title": GENERAL[lang], "norms": [], "items": []}]
    by_code = {"general": groups[0]}
    for domain in document.domains:
        group = {
            "code": domain.code,
            "title": getattr(domain.title, lang),
            "items": [],
            "norms": [],
        }
        groups.append(group)
        by_code[domain.code] = group
    for item in items:
        by_code[group_of(item.code)]["items"].append(_item(item, lang))
    for norm in norms:
        by_code[norm.domain]["norms"].append(
            {
                "code": norm.code,
                "title": getattr(norm.title, lang),
                "severity": norm.severity,
                # So that a phone can put the norm's note next to its questions.
                "items": [item.code for item in items if item.code in norm.items],
            }
        )
    return [g for g in groups if g["items"] or g["norms"]]


def _item(item: Item, lang: str) -> dict[str, Any]:
    return {
        "code": item.code,
        "type": item.type,
        "label": getattr(item.label, lang),
        "help": getattr(item.help, lang) if item.help else None,
        "unit": item.unit,
        "min": item.min,
        "max": item.max,
        "max_item": item.max_item,
        "choices": [{"value": c.value, "label": getattr(c.label, lang)} for c in item.choices],
    }
