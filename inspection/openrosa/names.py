"""The element names a form's primary instance and a submission share.

Answers are named by their item codes; these are the other elements. The
form builder and the submission reader both use this module, so that what
the phone is given and what the server reads back cannot drift apart.
"""

from __future__ import annotations

import re

ROOT = "inspection"
LOCATION = "location"
OBSERVED_AT = "observed_at"
POSITION = "position"
META = "meta"
INSTANCE_ID = "instanceID"
GENERAL_GROUP = "general"
NOTE_PREFIX = "note_"
PHOTO_PREFIX = "photo_"
RESERVED = frozenset({LOCATION, OBSERVED_AT, POSITION, META, GENERAL_GROUP})

# What XLSForm accepts as a name (an XML name without a namespace prefix).
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def form_id(location_type: str) -> str:
    """The formID of the checklist of a location type (stable across norm set versions)."""
    return f"inspection-{location_type}"


def location_type_of(form_id_: str) -> str | None:
    """The location type a formID stands for, or None when it is not one of ours."""
    prefix = form_id("")
    return form_id_[len(prefix) :] if form_id_.startswith(prefix) else None


def note_field(norm_code: str) -> str:
    """The element holding the inspector's note on a norm (``note_HYG-01``)."""
    return NOTE_PREFIX + _UNSAFE.sub("_", norm_code)


def photo_field(domain_code: str) -> str:
    """The element holding the file name of a domain's photo (``photo_HYG``)."""
    return PHOTO_PREFIX + _UNSAFE.sub("_", domain_code)


def group_name(domain_code: str) -> str:
    """The group of a domain's questions (its code, made a valid XML name)."""
    name = _UNSAFE.sub("_", domain_code)
    return name if _XML_NAME.match(name) else f"domain_{name}"


def is_answer_name(name: str) -> bool:
    """Whether an element name can hold an answer: not one of the names above."""
    return not (name in RESERVED or name.startswith(NOTE_PREFIX) or name.startswith(PHOTO_PREFIX))
