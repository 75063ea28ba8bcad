"""Photos of an inspection: checked by their content and stored without metadata."""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from inspection import audit
from inspection.db import db
from inspection.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from inspection.models import Inspection, Photo, User
from inspection.norm_sets import compiled

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Big enough for any phone camera, small enough that decoding stays cheap.
MAX_PIXELS = 50_000_000


def add_photo(
    inspection: Inspection,
    data: bytes,
    actor: User,
    norm: str | None = None,
    photo_id: str | None = None,
) -> tuple[Photo, bool]:
    """Store a JPEG or PNG for an inspection; returns the photo and whether it is new.

    The image is decoded and encoded again, which drops EXIF (GPS position,
    camera serial) and any other metadata or trailing bytes.
    """
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(data) > limit:
        raise PayloadTooLarge(f"A photo may be at most {_size(limit)}")
    digest = hashlib.sha256(data).hexdigest()
    if photo_id is not None:
        existing = db.session.get(Photo, photo_id)
        if existing is not None:
            same = (existing.inspection_id, existing.sha256, existing.norm)
            if same == (inspection.id, digest, norm):
                return existing, False
            raise Conflict(f"Photo {photo_id} was already received with other content")
    if norm is not None and norm not in {n.code for n in compiled(inspection.norm_set).norms}:
        raise ValidationFailed(
            "Unknown norm", {"norm": [f"{norm} is not a norm of this inspection"]}
        )
    count = db.session.scalar(
        select(func.count()).select_from(Photo).where(Photo.inspection_id == inspection.id)
    )
    if count >= current_app.config["PHOTOS_PER_INSPECTION"]:
        raise ValidationFailed(
            "Too many photos", {"photo": [f"at most {count} photos per inspection"]}
        )
    content_type, clean, width, height = _clean_image(data)
    photo = Photo(
        id=photo_id or str(uuid.uuid4()),
        inspection_id=inspection.id,
        norm=norm,
        content_type=content_type,
        width=width,
        height=height,
        size_bytes=len(clean),
        sha256=digest,
        uploaded_by_id=actor.id,
        data=clean,
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
        bytes=len(clean),
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


def _size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):g} MB"
    return f"{n_bytes / 1024:g} kB"


def _clean_image(data: bytes) -> tuple[str, bytes, int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in CONTENT_TYPES:
                    raise UnsupportedMediaType("A photo must be a JPEG or PNG image")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationFailed("Image too large", {"photo": ["too many pixels"]})
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UnsupportedMediaType("The photo is not a readable JPEG or PNG image") from exc
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette and other modes keep colours in side data; plain pixels carry nothing else.
        upright = upright.convert("RGBA")
    pixels = Image.new(upright.mode, upright.size)
    pixels.paste(upright)
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return CONTENT_TYPES[kind], out.getvalue(), pixels.width, pixels.height
