"""Photos of an inspection: checked by their content and stored without metadata."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from inspection import audit
from inspection.db import db
from inspection.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from inspection.images import FIELD, CleanImage, clean_image
from inspection.locks import hold_exclusively
from inspection.models import Inspection, Photo, User
from inspection.norm_sets import compiled
from inspection.sizes import readable_size

T = TypeVar("T")


@dataclass(frozen=True)
class Received:
    """An uploaded photo within the size limit, as it came (not decoded yet)."""

    data: bytes
    # Of the upload, not of the clean image: a resend of the same file has the same.
    sha256: str

    def cleaned(self) -> CleanImage:
        """Decoded within bounds and encoded again without metadata (415 or 422 otherwise)."""
        return clean_image(self.data)


def received(data: bytes) -> Received:
    """Any uploaded photo (of an inspection or as evidence), refused when larger than
    ``PHOTO_MAX_BYTES`` (413)."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(data) > limit:
        message = f"A photo may be at most {readable_size(limit)}"
        raise PayloadTooLarge(message, {FIELD: [message]})
    return Received(data, hashlib.sha256(data).hexdigest())


def resent(model: type[T], photo_id: str | None, upload: Received, **owner: object) -> T | None:
    """The stored photo an upload resends under the client's id, None if there is none.

    The same bytes for the same owner (``inspection_id=...``) are a resend;
    anything else under that id is a conflict.
    """
    if photo_id is None:
        return None
    existing = db.session.get(model, photo_id)
    if existing is None:
        return None
    same_owner = all(getattr(existing, column) == value for column, value in owner.items())
    if same_owner and existing.sha256 == upload.sha256:
        return existing
    raise Conflict(f"Photo {photo_id} was already received with other content")


def hold_for_upload(photo_id: str | None, owners_photos: str) -> None:
    """Lock the client's id and the owner's photos (a lock's name) until the transaction
    ends, so that parallel uploads neither pass the limit together nor store one id twice."""
    if photo_id is not None:
        hold_exclusively(f"photo:{photo_id}")
    hold_exclusively(owners_photos)


def check_room(count: int, per: str) -> None:
    """Refuse one more photo when ``count`` already reach ``PHOTOS_PER_INSPECTION`` (422)."""
    most = current_app.config["PHOTOS_PER_INSPECTION"]
    if count >= most:
        raise ValidationFailed(
            "Too many photos",
            {FIELD: [f"at most {most} photos per {per}; this one has {count}"]},
        )


def add_photo(
    inspection: Inspection,
    data: bytes,
    actor: User,
    norm: str | None = None,
    photo_id: str | None = None,
) -> tuple[Photo, bool]:
    """Store a JPEG or PNG for an inspection; returns the photo and whether it is new.

    The image is decoded and encoded again without metadata
    (``inspection.images.clean_image``). The phone's ``photo_id`` makes a
    resend safe: the same photo again gives back the stored one, other content
    under that id is a conflict. The id check, the count against
    ``PHOTOS_PER_INSPECTION`` and the insert happen under a lock per
    inspection (and per id), so parallel uploads neither pass the limit
    together nor store one id twice.
    """
    upload = received(data)
    # Most resends find their photo at once, without decoding it again.
    existing = resent(Photo, photo_id, upload, inspection_id=inspection.id, norm=norm)
    if existing is not None:
        return existing, False
    if norm is not None and norm not in {n.code for n in compiled(inspection.norm_set).norms}:
        raise ValidationFailed(
            "Unknown norm", {"norm": [f"{norm} is not a norm of this inspection"]}
        )
    clean = upload.cleaned()

    hold_for_upload(photo_id, f"photos-of:{inspection.id}")
    existing = resent(Photo, photo_id, upload, inspection_id=inspection.id, norm=norm)
    if existing is not None:
        return existing, False
    check_room(
        db.session.scalar(
            select(func.count()).select_from(Photo).where(Photo.inspection_id == inspection.id)
        ),
        "inspection",
    )
    photo = Photo(
        id=photo_id or str(uuid.uuid4()),
        inspection_id=inspection.id,
        norm=norm,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.data),
        sha256=upload.sha256,
        uploaded_by_id=actor.id,
        data=clean.data,
    )
    db.session.add(photo)
    db.session.flush()
    audit.record(
        "photo.added",
        "inspection",
        inspection.id,
        actor,
        photo=photo.id,
        norm=norm,
        bytes=len(clean.data),
    )
    return photo, True


def photos_of(inspection: Inspection) -> list[Photo]:
    """The photos of an inspection, in the order they arrived (their bytes not loaded)."""
    return list(
        db.session.scalars(
            select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.uploaded_at)
        )
    )


def photo_of(inspection: Inspection, photo_id: str) -> Photo:
    """One photo of an inspection; not found when it belongs to another."""
    photo = db.session.scalars(
        select(Photo).where(Photo.id == photo_id, Photo.inspection_id == inspection.id)
    ).first()
    if photo is None:
        raise NotFound(f"No photo {photo_id}")
    return photo
