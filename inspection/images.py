"""Uploaded images made safe to keep: decoded within memory bounds, stored without metadata.

A photo is decoded and encoded again, which drops EXIF (GPS position, camera
serial), comments, text chunks and trailing bytes. Phones write JPEG, often
as MPO (a JPEG followed by more frames, e.g. a depth map): its first frame is
the photo. A large JPEG is decoded reduced (Pillow's draft mode: the JPEG
decoder scales by 1/2, 1/4 or 1/8 while decoding) so that no upload costs a
worker more than a bounded amount of memory; a PNG cannot be, so its pixels
are bounded instead.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from inspection.errors import UnsupportedMediaType, ValidationFailed

# The multipart field of every photo upload, named by its errors.
FIELD = "photo"
CONTENT_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png"}
# What an upload may declare at all: any phone camera, 50 megapixels.
MAX_PIXELS = 50_000_000
# The longest side kept. A larger JPEG is decoded at the smallest reduction that
# brings it within (7070 x 7070 becomes 3535 x 3535); a 12-megapixel photo stays whole.
MAX_SIDE = 4096
# A PNG is decoded whole: at most MAX_SIDE squared (64 MB as RGBA).
MAX_PNG_PIXELS = MAX_SIDE * MAX_SIDE
_DRAFT_SCALES = (1, 2, 4, 8)


@dataclass(frozen=True)
class CleanImage:
    content_type: str
    data: bytes
    width: int
    height: int


def clean_image(data: bytes) -> CleanImage:
    """Decode an uploaded JPEG, MPO or PNG within bounds and encode it again without metadata.

    Raises ``UnsupportedMediaType`` for anything else or unreadable data and
    ``ValidationFailed`` for too many pixels, both naming the field ``photo``.
    """
    # WeasyPrint turns Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is
    # imported (for the reports), which would let a truncated upload through padded with
    # grey. Our stored photos are always complete, so the reports do not need it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                if kind not in CONTENT_TYPES:
                    raise _unsupported("A photo must be a JPEG or PNG image")
                scale = _reduction(kind, probe.width, probe.height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if scale > 1:
                    image.draft("RGB", (image.width // scale, image.height // scale))
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                return _encoded(image, kind)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _unsupported("The photo is not a readable JPEG or PNG image") from exc


def _unsupported(message: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(message, {FIELD: [message]})


def _reduction(kind: str, width: int, height: int) -> int:
    """The JPEG draft scale that brings the longest side within MAX_SIDE (1: none)."""
    too_many = ValidationFailed(
        "Image too large", {FIELD: [f"at most {MAX_PIXELS:,} pixels".replace(",", " ")]}
    )
    if width * height > MAX_PIXELS:
        raise too_many
    if kind == "PNG":
        if width * height > MAX_PNG_PIXELS:
            raise ValidationFailed(
                "Image too large",
                {FIELD: [f"a PNG may have at most {MAX_SIDE} x {MAX_SIDE} pixels; send a JPEG"]},
            )
        return 1
    longest = max(width, height)
    for scale in _DRAFT_SCALES:
        if -(-longest // scale) <= MAX_SIDE:
            return scale
    raise too_many


def _encoded(image: Image.Image, kind: str) -> CleanImage:
    # Palette and other modes keep colours in side data; plain pixels carry nothing else.
    plain = ("RGB", "RGBA", "L", "LA") if kind == "PNG" else ("RGB", "L")
    if image.mode not in plain:
        converted = image.convert("RGBA" if kind == "PNG" else "RGB")
        image.close()
        image = converted
    # The encoders take some metadata from ``info`` by default (a JPEG comment, a
    # PNG's ICC profile and transparency): drop it, and pass none explicitly.
    # This spares a copy of the pixels, the largest cost of a photo.
    image.info = {}
    out = io.BytesIO()
    if kind == "PNG":
        image.save(out, format="PNG", optimize=True, icc_profile=None, exif=b"")
    else:
        # No ``optimize``: it keeps every coefficient of the image in memory for
        # a second pass, a third of the pixels' size again for a few percent.
        image.save(out, format="JPEG", quality=90, icc_profile=None, exif=b"", comment=b"")
    return CleanImage(CONTENT_TYPES[kind], out.getvalue(), image.width, image.height)
