"""Reading a submitted instance: element names in, plain values out.

Submissions are read by element names, with or without namespaces and at
any depth of groups, so that ODK Collect (no namespace), Enketo (the XForms
namespace) and hand-written clients all work. The XML is parsed with
defusedxml: no DTDs, no entities, no external references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from inspection.engine import Item, NormSetDocument
from inspection.errors import DomainError
from inspection.openrosa import names

_INTEGER = re.compile(r"[-+]?\d+", re.ASCII)
_DECIMAL = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", re.ASCII)
# Deeper than any form of ours nests; deep nesting only costs the parser.
MAX_DEPTH = 16


class MalformedInstance(DomainError):
    """The submission is not a readable instance (HTTP 400)."""

    code = "malformed_instance"
    status = 400


@dataclass
class Instance:
    """The values of a submitted instance, as text, keyed by element name."""

    form_id: str | None
    form_version: str | None
    instance_id: str | None
    location: str | None
    observed_at: str | None
    position: str | None
    answers: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    photos: dict[str, str] = field(default_factory=dict)


def parse_instance(xml: bytes) -> Instance:
    """Read a submission's XML; ``MalformedInstance`` when it cannot be read.

    Empty elements are unanswered and left out. An element name that occurs
    twice (a repeat, or a hand-made mistake) is refused rather than guessed.
    """
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedInstance("The submission may not contain a DTD or entities") from exc
    except ParseError as exc:
        raise MalformedInstance(f"The submission is not well-formed XML: {exc}") from exc
    instance = Instance(
        form_id=root.get("id"),
        form_version=root.get("version"),
        instance_id=None,
        location=None,
        observed_at=None,
        position=None,
    )
    seen: set[str] = set()
    for path, leaf in _leaves(root):
        name = path[-1]
        # Free text (notes, text items) is kept as typed; everything else is a token.
        text = leaf.text or ""
        token = text.strip()
        if names.META in path[:-1]:
            if name == names.INSTANCE_ID:
                instance.instance_id = token or None
            continue
        if name in seen:
            raise MalformedInstance(f"The element {name} occurs more than once")
        seen.add(name)
        if not token:
            continue
        if name == names.LOCATION:
            instance.location = token
        elif name == names.OBSERVED_AT:
            instance.observed_at = token
        elif name == names.POSITION:
            instance.position = token
        elif name.startswith(names.NOTE_PREFIX):
            instance.notes[name] = text
        elif name.startswith(names.PHOTO_PREFIX):
            instance.photos[name] = text
        else:
            instance.answers[name] = text
    return instance


def typed_answers(answers: dict[str, str], document: NormSetDocument | None) -> dict[str, Any]:
    """Answers as the JSON API receives them, typed by the items of ``document``.

    A value that does not fit its item is passed on as text, so that the
    answer check refuses it with the same message as a JSON submission.
    """
    typed: dict[str, Any] = {}
    for code, text in answers.items():
        item = document.items.get(code) if document is not None else None
        typed[code] = text if item is None else _typed(text, item)
    return typed


def notes_by_norm(notes: dict[str, str], document: NormSetDocument | None) -> dict[str, str]:
    """Notes keyed by norm code (``note_HYG-01`` holds the note on HYG-01)."""
    codes = {names.note_field(n.code): n.code for n in document.norms} if document else {}
    return {codes.get(name, name[len(names.NOTE_PREFIX) :]): text for name, text in notes.items()}


def position_of(geopoint: str | None) -> dict[str, Any] | None:
    """An XForms geopoint (``lat lon [altitude [accuracy]]``) as the JSON API's position.

    Parts that are not numbers are passed on as text, for the position
    schema to refuse under their field names.
    """
    if geopoint is None:
        return None
    parts = geopoint.split()
    if len(parts) < 2 or len(parts) > 4:
        raise MalformedInstance(
            f"The {names.POSITION} is not a geopoint (latitude longitude altitude accuracy)"
        )
    position: dict[str, Any] = {"latitude": _number(parts[0]), "longitude": _number(parts[1])}
    if len(parts) == 4:
        position["accuracy_m"] = _number(parts[3])
    return position


def _typed(text: str, item: Item) -> Any:
    if item.type == "text":
        return text
    text = text.strip()
    if item.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if item.type == "choice":
        return next((c.value for c in item.choices if str(c.value) == text), text)
    return _number(text) if item.numeric else text


def _number(text: str) -> Any:
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


def _leaves(root: Element) -> list[tuple[tuple[str, ...], Element]]:
    """Every element without children, with the local names of its path below the root."""
    found: list[tuple[tuple[str, ...], Element]] = []
    stack: list[tuple[tuple[str, ...], Element]] = [((), root)]
    while stack:
        path, element = stack.pop()
        if len(path) > MAX_DEPTH:
            raise MalformedInstance(f"The submission nests deeper than {MAX_DEPTH} levels")
        children = list(element)
        if not children and path:
            found.append((path, element))
        for child in reversed(children):
            if isinstance(child.tag, str):  # comments and processing instructions are not
                stack.append(((*path, _local(child.tag)), child))
    return found


def _local(tag: str) -> str:
    """``{http://www.w3.org/2002/xforms}children_present`` -> ``children_present``."""
    return tag.rsplit("}", 1)[-1]
