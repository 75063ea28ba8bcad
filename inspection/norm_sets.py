"""Norm sets: loading versions, choosing the one in force, and their compiled form."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import undefer

from inspection import audit
from inspection.cache import app_cache
from inspection.db import db
from inspection.engine import NormSetDocument, NormSetError, parse_norm_set, select_in_force
from inspection.errors import Conflict, ValidationFailed
from inspection.models import NormSet, User
from inspection.models.location_type import location_type_codes
from inspection.storable import OversizedNumber, storage_problems

# int() of a longer text raises (CPython's guard against quadratic conversion).
MAX_INTEGER_DIGITS = 4300
DEFAULT_NORM_SET_FILE = Path(__file__).parent / "data" / "nl-children-2023.1.yaml"
# Every version of the default catalogue that the service ships, one document per file.
SHIPPED_NORM_SET_FILES = "nl-children-*.yaml"
# Compiled norm sets kept per process: every version of a few catalogues.
COMPILED_NORM_SETS = 64


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a norm set document from a YAML or JSON file.

    Whatever is wrong with the file (missing, not UTF-8, not YAML, numbers
    or nesting no database holds) is a ``ValidationFailed`` that says where.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "does not exist" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise ValidationFailed(f"{path} {reason}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValidationFailed(
            f"{path}: line {line}, column {column} is not UTF-8 text; save the file as UTF-8"
        ) from exc
    try:
        document = yaml.load(text, Loader=_DocumentLoader)  # JSON is valid YAML
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path} is not valid YAML or JSON: {exc}") from exc
    except RecursionError:
        raise ValidationFailed(f"{path} nests too deeply to be a norm set document") from None
    if not isinstance(document, dict):
        raise ValidationFailed(f"{path} does not hold a norm set document (a mapping)")
    problems = storage_problems(document, root="document")
    if problems:
        raise ValidationFailed(f"{path} holds values that cannot be stored", problems)
    return document


class _DocumentLoader(yaml.SafeLoader):
    """YAML's safe loader, keeping integers too long to convert for ``storage_problems``."""


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    digits = sum(character.isdigit() for character in str(node.value))
    if digits > MAX_INTEGER_DIGITS:
        return OversizedNumber(str(node.value))
    return loader.construct_yaml_int(node)


_DocumentLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_norm_set(document: dict[str, Any], actor: User | None = None) -> NormSet:
    """Validate a norm set document and store it as a new version.

    A version, once stored, never changes: loading the same catalogue and
    version again is refused, so that stored scores keep the rules they got.
    """
    try:
        parsed = parse_norm_set(document, location_type_codes())
    except NormSetError as exc:
        raise ValidationFailed("The norm set document is invalid", exc.by_path()) from exc
    existing = db.session.scalars(
        select(NormSet).where(NormSet.catalogue == parsed.catalogue)
    ).all()
    for other in existing:
        if other.version == parsed.version:
            raise Conflict(f"Norm set {parsed.catalogue} {parsed.version} is already loaded")
        if other.valid_from == parsed.valid_from:
            raise Conflict(
                f"Norm set {parsed.catalogue} {other.version} already starts on "
                f"{parsed.valid_from.isoformat()}; a new version needs its own valid_from"
            )
    stored = json_ready(document)
    norm_set = NormSet(
        catalogue=parsed.catalogue,
        version=parsed.version,
        valid_from=parsed.valid_from,
        document=stored,
        document_sha256=document_digest(stored),
        loaded_by_id=actor.id if actor else None,
    )
    db.session.add(norm_set)
    db.session.flush()
    audit.record(
        "norm_set.loaded",
        "norm_set",
        f"{parsed.catalogue}/{parsed.version}",
        actor,
        valid_from=parsed.valid_from.isoformat(),
        norms=len(parsed.norms),
    )
    return norm_set


@dataclass(frozen=True)
class ShippedVersion:
    """A version of the default catalogue, and whether this call stored it."""

    catalogue: str
    version: str
    valid_from: date
    loaded: bool


def shipped_norm_set_files() -> list[Path]:
    """The norm set documents that come with the service (``inspection/data``)."""
    return sorted(DEFAULT_NORM_SET_FILE.parent.glob(SHIPPED_NORM_SET_FILES))


def load_shipped_norm_sets(actor: User | None = None) -> list[ShippedVersion]:
    """Store every shipped version of the default catalogue that is not stored yet.

    Running it again changes nothing. A stored version whose document differs
    from the shipped one is refused rather than replaced: a version, once
    stored, keeps the rules its scores were made with (an erratum goes
    through rescoring).
    """
    shipped = []
    for path in shipped_norm_set_files():
        document = read_document(path)
        catalogue, version = str(document.get("catalogue")), str(document.get("version"))
        stored = get_norm_set(catalogue, version)
        if stored is None:
            norm_set = load_norm_set(document, actor)
            shipped.append(ShippedVersion(catalogue, version, norm_set.valid_from, True))
        elif stored.document_sha256 == document_digest(json_ready(document)):
            shipped.append(ShippedVersion(catalogue, version, stored.valid_from, False))
        else:
            raise Conflict(
                f"Norm set {catalogue} {version} is stored with another document than "
                f"{path.name}; a stored version is not replaced (use norms rescore --document "
                "for an erratum)"
            )
    return sorted(shipped, key=lambda v: (v.catalogue, v.valid_from))


def compiled(norm_set: NormSet) -> NormSetDocument:
    """The parsed, ready-to-score form of a stored norm set, cached per application.

    The key includes the document's digest: an erratum to a version gives a new key.
    """
    codes = location_type_codes()
    key = (norm_set.catalogue, norm_set.version, norm_set.document_sha256, codes)
    return app_cache("compiled_norm_sets", COMPILED_NORM_SETS).get_or_make(
        key, lambda: parse_norm_set(norm_set.document, codes)
    )


def all_norm_sets() -> list[NormSet]:
    """Every stored version, by catalogue and then oldest first, with its document."""
    return list(
        db.session.scalars(
            select(NormSet)
            .options(undefer(NormSet.document))
            .order_by(NormSet.catalogue, NormSet.valid_from)
        )
    )


def known_domains() -> list[str]:
    """The domain codes of every stored norm set (for checking a ``domain`` filter)."""
    codes: set[str] = set()
    for norm_set in db.session.scalars(select(NormSet)):
        codes.update(domain.code for domain in compiled(norm_set).domains)
    return sorted(codes)


def get_norm_set(catalogue: str, version: str) -> NormSet | None:
    return db.session.scalars(
        select(NormSet).where(NormSet.catalogue == catalogue, NormSet.version == version)
    ).first()


def versions(catalogue: str) -> list[NormSet]:
    """All stored versions of a catalogue, oldest first."""
    return list(
        db.session.scalars(
            select(NormSet).where(NormSet.catalogue == catalogue).order_by(NormSet.valid_from)
        )
    )


def norm_set_in_force(catalogue: str, observed_at: datetime) -> NormSet | None:
    """The version in force on the Europe/Amsterdam date of ``observed_at``."""
    return select_in_force(((ns.valid_from, ns) for ns in versions(catalogue)), observed_at)


def norm_set_on(catalogue: str, day: date) -> NormSet | None:
    """The version in force on a (local) day."""
    in_force = [ns for ns in versions(catalogue) if ns.valid_from <= day]
    return in_force[-1] if in_force else None


def document_digest(document: dict[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def json_ready(document: dict[str, Any]) -> dict[str, Any]:
    """The document as plain JSON types (YAML gives dates for valid_from)."""

    def default(value: object) -> str:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    return json.loads(json.dumps(document, default=default))
