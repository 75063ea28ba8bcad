"""The checklist of a location type as an XLSForm, and as the XForm pyxform makes of it.

The XLSForm is built as the sheets pyxform reads (``survey``, ``choices``,
``settings``, one dict per row) from the same grouping as the JSON form
(``inspection.forms.build_form``): a general group with the head counts, then
one group per domain with its items, a note per norm and an optional photo.
Labels, hints and constraint messages come in Dutch (the default) and
English as XForm translations.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyxform.xls2xform import convert

from inspection.engine import Item, NormSetDocument
from inspection.forms import build_form
from inspection.openrosa import names

LANGUAGES = {"nl": "Nederlands (nl)", "en": "English (en)"}
DEFAULT_LANGUAGE = LANGUAGES["nl"]
# Phones' clocks drift; the server allows the same 10 minutes (inspection.submissions).
FUTURE_MINUTES = 10
# Large enough to read a fire-safety sign, small enough to send over a weak signal.
PHOTO_MAX_PIXELS = 2048
YES_NO = "yes_no"
LOCATIONS = "locations"


class ReservedItemCode(ValueError):
    """An item code that the form needs for something else (``location``, ``note_...``)."""


@dataclass(frozen=True)
class LocationOption:
    """A location the phone offers in its location list."""

    code: str
    label: str


@dataclass(frozen=True)
class XForm:
    """A generated form: what the form list announces and the bytes it serves."""

    form_id: str
    name: str
    version: str
    xml: bytes

    @property
    def md5(self) -> str:
        """The form list's ``hash`` (without its ``md5:`` prefix)."""
        return hashlib.md5(self.xml, usedforsecurity=False).hexdigest()


def build_xlsform(
    document: NormSetDocument, location_type: str, locations: Sequence[LocationOption]
) -> dict[str, list[dict[str, str]]]:
    """The XLSForm sheets of the checklist of ``location_type`` (without ``settings``)."""
    survey: list[dict[str, str]] = [
        {
            "type": f"select_one {LOCATIONS}",
            "name": names.LOCATION,
            "required": "yes",
            **_texts("label", "Locatie", "Location"),
            **_texts("hint", "De locatie die u inspecteert", "The location you inspect"),
            **_texts("required_message", "Kies de locatie", "Choose the location"),
        },
        {
            "type": "dateTime",
            "name": names.OBSERVED_AT,
            "required": "yes",
            "default": "now()",
            "constraint": (
                f"decimal-date-time(.) <= decimal-date-time(now()) + {FUTURE_MINUTES} div 1440"
            ),
            **_texts("label", "Tijdstip van het bezoek", "Time of the visit"),
            **_texts(
                "constraint_message",
                f"Het tijdstip mag niet meer dan {FUTURE_MINUTES} minuten in de toekomst liggen",
                f"The time may not lie more than {FUTURE_MINUTES} minutes in the future",
            ),
        },
        {
            "type": "geopoint",
            "name": names.POSITION,
            **_texts("label", "Positie (GPS)", "Position (GPS)"),
            **_texts(
                "hint",
                "Optioneel: waar u het bezoek vastlegt",
                "Optional: where you record the visit",
            ),
        },
    ]
    choices: list[dict[str, str]] = [
        {"list_name": YES_NO, "name": "true", **_texts("label", "Ja", "Yes")},
        {"list_name": YES_NO, "name": "false", **_texts("label", "Nee", "No")},
    ]
    choices += [
        {"list_name": LOCATIONS, "name": option.code, **_texts("label", option.label, option.label)}
        for option in locations
    ]

    groups_nl = build_form(document, location_type, "nl")
    groups_en = build_form(document, location_type, "en")
    for group_nl, group_en in zip(groups_nl, groups_en, strict=True):
        code = group_nl["code"]
        name = names.GENERAL_GROUP if code == "general" else names.group_name(code)
        survey.append(
            {
                "type": "begin_group",
                "name": name,
                "appearance": "field-list",
                **_texts("label", group_nl["title"], group_en["title"]),
            }
        )
        for entry in group_nl["items"]:
            item = document.items[entry["code"]]
            if not names.is_answer_name(item.code):
                raise ReservedItemCode(f"item {item.code} has a name the form uses itself")
            survey.append(_item_row(item, document))
            if item.type == "choice":
                choices += [
                    {
                        "list_name": f"choice_{item.code}",
                        "name": str(choice.value),
                        **_texts("label", choice.label.nl, choice.label.en),
                    }
                    for choice in item.choices
                ]
        for norm_nl, norm_en in zip(group_nl["norms"], group_en["norms"], strict=True):
            survey.append(
                {
                    "type": "text",
                    "name": names.note_field(norm_nl["code"]),
                    **_texts(
                        "label",
                        f"Opmerking bij {norm_nl['code']}: {norm_nl['title']}",
                        f"Note on {norm_en['code']}: {norm_en['title']}",
                    ),
                    **_texts("hint", "Optioneel", "Optional"),
                }
            )
        if code != "general":
            survey.append(
                {
                    "type": "image",
                    "name": names.photo_field(code),
                    "parameters": f"max-pixels={PHOTO_MAX_PIXELS}",
                    **_texts(
                        "label",
                        f"Foto: {group_nl['title']} (optioneel)",
                        f"Photo: {group_en['title']} (optional)",
                    ),
                }
            )
        survey.append({"type": "end_group"})
    return {"survey": survey, "choices": choices}


def form_version(norm_set_version: str, xlsform: dict[str, Any]) -> str:
    """The norm set's version and a fingerprint of the form's content.

    ODK Collect keeps forms by formID and version: a form whose content
    changed (a new location in the list) must not arrive under a version the
    phone already has.
    """
    canonical = json.dumps(xlsform, sort_keys=True, ensure_ascii=False).encode()
    return f"{norm_set_version}-{hashlib.sha256(canonical).hexdigest()[:8]}"


def make_xform(
    document: NormSetDocument,
    location_type: str,
    locations: Sequence[LocationOption],
    *,
    validate: bool = False,
) -> XForm:
    """The XForm of ``location_type``'s checklist; ``validate`` runs ODK Validate (needs Java)."""
    sheets = build_xlsform(document, location_type, locations)
    version = form_version(document.version, sheets)
    form_id = names.form_id(location_type)
    title = f"Inspectie {location_type} ({document.catalogue} {document.version})"
    sheets["settings"] = [
        {
            "form_title": title,
            "form_id": form_id,
            "version": version,
            "default_language": DEFAULT_LANGUAGE,
            "instance_name": f"concat(${{{names.LOCATION}}}, ' ', ${{{names.OBSERVED_AT}}})",
        }
    ]
    result = convert(sheets, validate=validate, pretty_print=True, form_name=names.ROOT)
    return XForm(form_id=form_id, name=title, version=version, xml=result.xform.encode())


def _item_row(item: Item, document: NormSetDocument) -> dict[str, str]:
    row = {"name": item.code, **_texts("label", item.label.nl, item.label.en)}
    if item.help is not None:
        row.update(_texts("hint", item.help.nl, item.help.en))
    if item.type == "boolean":
        row["type"] = f"select_one {YES_NO}"
    elif item.type == "choice":
        row["type"] = f"select_one choice_{item.code}"
    elif item.type == "text":
        row["type"] = "text"
    else:
        row["type"] = "integer" if item.type == "integer" else "decimal"
        row.update(_numeric_constraint(item, document))
    return row


def _numeric_constraint(item: Item, document: NormSetDocument) -> dict[str, str]:
    """Bounds and the refusal rule ``max_item`` (children not more than residents, ...)."""
    parts: list[str] = []
    nl: list[str] = []
    en: list[str] = []
    low, high = _number(item.min), _number(item.max)
    if low is not None:
        parts.append(f". >= {low}")
    if high is not None:
        parts.append(f". <= {high}")
    if low is not None and high is not None:
        nl.append(f"Vul een waarde in van {low} tot en met {high}")
        en.append(f"Enter a value from {low} to {high}")
    elif low is not None:
        nl.append(f"Vul een waarde in van minstens {low}")
        en.append(f"Enter a value of at least {low}")
    elif high is not None:
        nl.append(f"Vul een waarde in van hoogstens {high}")
        en.append(f"Enter a value of at most {high}")
    if item.max_item is not None:
        other = document.items[item.max_item]
        # An unanswered other count sets no limit: the server allows that too.
        parts.append(f"(string-length(${{{other.code}}}) = 0 or . <= ${{{other.code}}})")
        nl.append(f"niet meer dan: {other.label.nl}")
        en.append(f"not more than: {other.label.en}")
    if not parts:
        return {}
    return {
        "constraint": " and ".join(parts),
        **_texts("constraint_message", "; ".join(nl), "; ".join(en)),
    }


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _texts(column: str, nl: str, en: str) -> dict[str, str]:
    """A column in both languages; ``${`` would be read as a reference to a question."""
    return {
        f"{column}::{LANGUAGES['nl']}": nl.replace("${", "$ {"),
        f"{column}::{LANGUAGES['en']}": en.replace("${", "$ {"),
    }
