"""Receiving an OpenRosa submission through the same services as the JSON API.

The instance is turned into the JSON API's submission body and checked by
the same schema, then stored and scored by ``submit_inspection`` (validation,
idempotency on the instanceID, audit) and its photos by ``add_photo``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import ValidationError

from inspection.engine import NormSetDocument
from inspection.errors import ValidationFailed, field_paths
from inspection.models import Inspection, User
from inspection.norm_sets import compiled, norm_set_in_force
from inspection.openrosa.instances import (
    Instance,
    notes_by_norm,
    parse_instance,
    position_of,
    typed_answers,
)
from inspection.photos import add_photo
from inspection.submissions import Submission, submit_inspection
from schemas.inspections import InspectionCreateSchema

# Photo ids are derived from the instance and the photo's element, so that a
# resend (or the next part of a submission split by size) never duplicates.
PHOTO_NAMESPACE = uuid.UUID("0b5c6f7e-6a53-4c3c-9d0e-4f8f3c2f6a10")


@dataclass(frozen=True)
class Receipt:
    """What a submission did: the stored inspection, and whether anything new was stored."""

    inspection: Inspection
    created: bool
    photos_added: int

    @property
    def stored_anything(self) -> bool:
        return self.created or self.photos_added > 0


def receive_submission(xml: bytes, attachments: Mapping[str, bytes], inspector: User) -> Receipt:
    """Store and score a submitted instance and the photos attached to it.

    ``attachments`` maps the file names the instance refers to (``photo_HYG``
    holds ``1700000000.jpg``) to their bytes. Photos referred to but not
    attached are expected in a later request of the same submission.
    """
    instance = parse_instance(xml)
    schema = InspectionCreateSchema()
    document = _document_in_force(schema, instance.observed_at)
    body: dict[str, Any] = {
        "answers": typed_answers(instance.answers, document),
        "notes": notes_by_norm(instance.notes, document),
        "position": position_of(instance.position),
    }
    for key, value in (
        ("id", _instance_uuid(instance)),
        ("location", instance.location),
        ("observed_at", instance.observed_at),
    ):
        if value is not None:
            body[key] = value
    try:
        data = schema.load(body)
    except ValidationError as exc:
        raise ValidationFailed(
            "The submission has invalid fields", field_paths(exc.messages)
        ) from exc
    submission = Submission.loaded(data)
    inspection, created = submit_inspection(submission, inspector)
    photos_added = 0
    for element, filename in instance.photos.items():
        content = attachments.get(filename)
        if content is None:
            continue
        photo_id = uuid.uuid5(PHOTO_NAMESPACE, f"{inspection.id}/{element}")
        _, new = add_photo(inspection, content, inspector, photo_id=str(photo_id))
        photos_added += int(new)
    return Receipt(inspection=inspection, created=created, photos_added=photos_added)


def _instance_uuid(instance: Instance) -> str | None:
    """The inspection id of an instanceID: ``uuid:6f1c...`` -> ``6f1c...``."""
    if instance.instance_id is None:
        return None
    return instance.instance_id.removeprefix("uuid:")


def _document_in_force(
    schema: InspectionCreateSchema, observed_at: str | None
) -> NormSetDocument | None:
    """The norm set whose items type the answers; None when the visit time is unusable.

    The schema then refuses the visit time itself, under its own field name.
    """
    if observed_at is None:
        return None
    try:
        moment: datetime = schema.fields["observed_at"].deserialize(observed_at)
    except ValidationError:
        return None
    norm_set = norm_set_in_force(current_app.config["NORM_CATALOGUE"], moment)
    return compiled(norm_set) if norm_set is not None else None
