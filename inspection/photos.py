"""Photos of an inspection: checked by their content and stored without metadata."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

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
from inspection.images import CleanImage, clean_image
from inspection.locks import hold_exclusively
from inspection.models import Inspection, Photo, User
from inspection.norm_sets import compiled


@dataclass(frozen=True)
class CleanUpload:
    """An uploaded photo made safe to keep, and the digest of the bytes as they came."""

    image: CleanImage
    # Of the upload, not of the clean image: a resend of the same file has the same.
    sha256: str


def check_size(data: bytes) -> None:
    """Refuse a photo larger than ``PHOTO_MAX_BYTES`` (413)."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(data) > limit:
        raise PayloadTooLarge(f"A photo may be at most {_size(limit)}")


def clean_upload(data: bytes) -> CleanUpload:
    """Any uploaded photo (of an inspection or as evidence): size-checked, without metadata."""
    check_size(data)
    return CleanUpload(clean_image(data), hashlib.sha256(data).hexdigest())


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
    check_size(data)
    digest = hashlib.sha256(data).hexdigest()
    if photo_id is not None:
        # Most resends find their photo at once, without decoding it again.
        existing = _resent(photo_id, inspection, digest, norm)
        if existing is not None:
            return existing, False
    if norm is not None and norm not in {n.code for n in compiled(inspection.norm_set).norms}:
        raise ValidationFailed(
            "Unknown norm", {"norm": [f"{norm} is not a norm of this inspection"]}
        )
    clean = clean_image(data)

    if photo_id is not None:
        hold_exclusively(f"photo:{photo_id}")
    hold_exclusively(f"photos-of:{inspection.id}")
    if photo_id is not None:
        existing = _resent(photo_id, inspection, digest, norm)
        if existing is not None:
            return existing, False
    most = current_app.config["PHOTOS_PER_INSPECTION"]
    count = db.session.scalar(
        select(func.count()).select_from(Photo).where(Photo.inspection_id == inspection.id)
    )
    if count >= most:
        raise ValidationFailed(
            "Too many photos",
            {"photo": [f"at most {most} photos per inspection; this one has {count}"]},
        )
    photo = Photo(
        id=photo_id or str(uuid.uuid4()),
        inspection_id=inspection.id,
        norm=norm,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.data),
        sha256=digest,
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


def _resent(photo_id: str, inspection: Inspection, digest: str, norm: str | None) -> Photo | None:
    """The stored photo this upload resends, None if there is none; a conflict if it differs."""
    existing = db.session.get(Photo, photo_id)
    if existing is None:
        return None
    if (existing.inspection_id, existing.sha256, existing.norm) == (inspection.id, digest, norm):
        return existing
    raise Conflict(f"Photo {photo_id} was already received with other content")


def _size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):g} MB"
    return f"{n_bytes / 1024:g} kB"
