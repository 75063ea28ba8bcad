"""Photos of an inspection through HTTP: checked by content, stored without metadata, scoped."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, PngImagePlugin

INSPECTIONS = "/api/v1/inspections"

# EXIF tags (TIFF numbering).
MAKE, MODEL, GPS_IFD = 0x010F, 0x0110, 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


# --- images -------------------------------------------------------------------------------


def gradient(size: tuple[int, int] = (64, 48)) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    return image


def jpeg_with_gps(size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A JPEG as a phone makes it: camera make and model and the GPS position of the shelter."""
    exif = Image.Exif()
    exif[MAKE] = "Fairphone"
    exif[MODEL] = "FP5"
    exif[GPS_IFD] = {
        GPS_LATITUDE_REF: "N",
        GPS_LATITUDE: (52.0, 52.0, 36.0),
        GPS_LONGITUDE_REF: "E",
        GPS_LONGITUDE: (7.0, 3.0, 56.0),
    }
    out = io.BytesIO()
    gradient(size).save(out, format="JPEG", exif=exif, **save)
    return out.getvalue()


def png(image: Image.Image | None = None, **save: object) -> bytes:
    out = io.BytesIO()
    (image or gradient()).save(out, format="PNG", **save)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Geheime opvang, Dorpsstraat 12")
    info.add_text("GPS", "52.8766,7.0655")
    return png(pnginfo=info)


def noise_png(side: int) -> bytes:
    """Random pixels do not compress: the PNG is a little over side * side * 3 bytes."""
    return png(Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)))


def gif() -> bytes:
    out = io.BytesIO()
    gradient().save(out, format="GIF")
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def setup(client, norm_set, create_location, headers_for, make_submission):
    create_location(code="TER-APEL", type="azc")
    create_location(code="ZWOLLE-HAL", type="crisisnoodopvang", municipality="Zwolle")
    headers = {
        "inspector": headers_for("inspector"),
        "manager": headers_for("manager", ("TER-APEL",)),
        "other_manager": headers_for("manager", ("ZWOLLE-HAL",)),
        "coordinator": headers_for("coordinator"),
        "viewer": headers_for("viewer"),
    }
    ids = {}
    for code in ("TER-APEL", "ZWOLLE-HAL"):
        body = make_submission(location=code)
        response = client.post(INSPECTIONS, json=body, headers=headers["inspector"])
        assert response.status_code == 201, response.get_json()
        ids[code] = body["id"]
    return {**headers, "inspection": ids["TER-APEL"], "other_inspection": ids["ZWOLLE-HAL"]}


def photos_url(inspection_id: str) -> str:
    return f"{INSPECTIONS}/{inspection_id}/photos"


def upload(
    client,
    headers,
    inspection_id,
    data: bytes,
    filename: str = "photo.jpg",
    mimetype: str = "image/jpeg",
    **form: str,
):
    fields: dict[str, object] = {"photo": (io.BytesIO(data), filename, mimetype), **form}
    return client.post(
        photos_url(inspection_id),
        data=fields,
        headers=headers,
        content_type="multipart/form-data",
    )


def listed(client, setup, headers=None):
    response = client.get(photos_url(setup["inspection"]), headers=headers or setup["inspector"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


# --- metadata is stripped -----------------------------------------------------------------


def test_the_original_jpeg_carries_gps_and_camera_exif():
    """Guards the fixture: without EXIF in the upload the stripping tests would prove nothing."""
    exif = decoded(jpeg_with_gps()).getexif()

    assert exif[MAKE] == "Fairphone"
    assert exif[MODEL] == "FP5"
    gps = exif.get_ifd(GPS_IFD)
    assert gps[GPS_LATITUDE_REF] == "N"
    assert [float(v) for v in gps[GPS_LATITUDE]] == [52.0, 52.0, 36.0]
    assert [float(v) for v in gps[GPS_LONGITUDE]] == [7.0, 3.0, 56.0]


def test_a_jpeg_is_stored_without_its_exif(client, setup):
    original = jpeg_with_gps(size=(64, 48))

    response = upload(client, setup["inspector"], setup["inspection"], original, norm="HYG-01")

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["content_type"] == "image/jpeg"
    assert (photo["width"], photo["height"]) == (64, 48)
    assert photo["norm"] == "HYG-01"
    assert photo["inspection"] == setup["inspection"]
    fetched = client.get(photo["url"], headers=setup["inspector"])
    assert fetched.status_code == 200
    assert fetched.mimetype == "image/jpeg"
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    assert len(fetched.data) == photo["size_bytes"]
    image = decoded(fetched.data)
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    exif = image.getexif()
    assert dict(exif) == {}
    assert exif.get_ifd(GPS_IFD) == {}
    assert "exif" not in image.info
    assert b"Exif" not in fetched.data
    assert b"Fairphone" not in fetched.data


def test_a_jpeg_comment_and_trailing_bytes_are_dropped(client, setup):
    original = jpeg_with_gps(comment=b"Dorpsstraat 12") + b"<script>alert(1)</script>"

    response = upload(client, setup["inspector"], setup["inspection"], original)

    assert response.status_code == 201, response.get_json()
    data = client.get(response.get_json()["url"], headers=setup["inspector"]).data
    assert b"Dorpsstraat" not in data
    assert b"<script>" not in data
    assert "comment" not in decoded(data).info


def test_a_rotated_jpeg_is_stored_upright_without_the_orientation_tag(client, setup):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    out = io.BytesIO()
    gradient((40, 20)).save(out, format="JPEG", exif=exif)

    response = upload(client, setup["inspector"], setup["inspection"], out.getvalue())

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert (photo["width"], photo["height"]) == (20, 40)
    image = decoded(client.get(photo["url"], headers=setup["inspector"]).data)
    assert image.size == (20, 40)
    assert dict(image.getexif()) == {}


def test_a_png_is_stored_without_its_text_chunks(client, setup):
    original = png_with_text()
    assert decoded(original).text["GPS"] == "52.8766,7.0655"  # the fixture carries text

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        original,
        filename="photo.png",
        mimetype="image/png",
    )

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["content_type"] == "image/png"
    assert (photo["width"], photo["height"]) == (64, 48)
    fetched = client.get(photo["url"], headers=setup["inspector"])
    assert fetched.status_code == 200
    assert fetched.mimetype == "image/png"
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    image = decoded(fetched.data)
    assert image.format == "PNG"
    assert image.size == (64, 48)
    assert image.text == {}
    assert "Comment" not in image.info and "GPS" not in image.info
    assert b"tEXt" not in fetched.data
    assert b"Dorpsstraat" not in fetched.data
    assert image.convert("RGB").getpixel((10, 10)) == gradient().getpixel((10, 10))


def test_a_palette_png_keeps_its_colours(client, setup):
    image = gradient().quantize(colors=16)
    assert image.mode == "P"
    expected = image.convert("RGB")

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        png(image),
        filename="photo.png",
        mimetype="image/png",
    )

    assert response.status_code == 201, response.get_json()
    stored = decoded(client.get(response.get_json()["url"], headers=setup["inspector"]).data)
    assert stored.convert("RGB").getpixel((60, 40)) == expected.getpixel((60, 40))
    assert stored.convert("RGB").getpixel((2, 2)) == expected.getpixel((2, 2))


def test_a_palette_png_keeps_its_transparency(client, setup):
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    image.putpixel((4, 4), 1)

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        png(image, transparency=0),
        filename="photo.png",
        mimetype="image/png",
    )

    assert response.status_code == 201, response.get_json()
    stored = decoded(client.get(response.get_json()["url"], headers=setup["inspector"]).data)
    assert stored.convert("RGBA").getpixel((0, 0))[3] == 0
    assert stored.convert("RGBA").getpixel((4, 4)) == (200, 30, 30, 255)


# --- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "mimetype"),
    [
        pytest.param(b"Dit is geen foto.\n" * 20, "photo.jpg", "image/jpeg", id="text-as-jpg"),
        pytest.param(gif(), "photo.gif", "image/gif", id="gif"),
        pytest.param(gif(), "photo.jpg", "image/jpeg", id="gif-named-jpg"),
        pytest.param(
            jpeg_with_gps((320, 240))[:3000], "photo.jpg", "image/jpeg", id="truncated-jpeg"
        ),
        pytest.param(noise_png(32)[:1500], "photo.png", "image/png", id="truncated-png"),
        pytest.param(b"", "photo.jpg", "image/jpeg", id="empty"),
    ],
)
def test_anything_but_a_readable_jpeg_or_png_is_415(client, setup, data, filename, mimetype):
    response = upload(client, setup["inspector"], setup["inspection"], data, filename, mimetype)

    error = assert_error(response, 415, "unsupported_media_type")
    assert "JPEG or PNG" in error["fields"]["photo"][0]
    assert listed(client, setup) == []


@pytest.mark.parametrize(
    ("side", "path"),
    [
        # Just over PHOTO_MAX_BYTES: the request is read, the photo is refused by its size.
        pytest.param(140, "photo", id="over-the-photo-limit"),
        # Over PHOTO_MAX_BYTES plus the multipart margin: refused while the body is read.
        pytest.param(220, "request", id="over-the-request-limit"),
    ],
)
def test_a_photo_over_the_size_limit_is_413(app, client, setup, side, path):
    app.config["PHOTO_MAX_BYTES"] = 50_000
    data = noise_png(side)
    if path == "photo":
        assert 50_000 < len(data) < 50_000 + 60 * 1024
    else:
        assert len(data) > 50_000 + 64 * 1024

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        data,
        filename="photo.png",
        mimetype="image/png",
    )

    error = assert_error(response, 413)
    assert error["code"] in ("payload_too_large", "request_entity_too_large")
    assert error["message"] == "A photo may be at most 48.8 kB"  # 50,000 bytes
    assert listed(client, setup) == []


def test_a_photo_at_the_size_limit_is_accepted(app, client, setup):
    data = noise_png(100)
    app.config["PHOTO_MAX_BYTES"] = len(data)

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        data,
        filename="photo.png",
        mimetype="image/png",
    )

    assert response.status_code == 201, response.get_json()


def test_the_413_message_states_the_real_limit(app, client, setup):
    app.config["PHOTO_MAX_BYTES"] = 50_000

    response = upload(
        client,
        setup["inspector"],
        setup["inspection"],
        noise_png(140),
        filename="photo.png",
        mimetype="image/png",
    )

    error = assert_error(response, 413, "payload_too_large")
    assert error["message"] == "A photo may be at most 48.8 kB"
    assert error["fields"] == {"photo": [error["message"]]}


def test_the_norm_must_be_a_norm_of_the_inspections_norm_set(client, setup):
    unknown = upload(client, setup["inspector"], setup["inspection"], png(), norm="XYZ-99")
    known = upload(client, setup["inspector"], setup["inspection"], png(), norm="HYG-01")

    error = assert_error(unknown, 422, "validation_error")
    assert "norm" in error["fields"]
    assert known.status_code == 201, known.get_json()
    assert known.get_json()["norm"] == "HYG-01"
    assert [p["norm"] for p in listed(client, setup)] == ["HYG-01"]


def test_a_photo_without_a_norm_has_norm_null(client, setup):
    response = upload(client, setup["inspector"], setup["inspection"], png())

    assert response.status_code == 201
    assert response.get_json()["norm"] is None


def test_a_request_without_the_photo_field_names_it(client, setup):
    response = client.post(
        photos_url(setup["inspection"]),
        data={"norm": "HYG-01"},
        headers=setup["inspector"],
        content_type="multipart/form-data",
    )

    error = assert_error(response, 422, "validation_error")
    assert "photo" in error["fields"]


def test_an_id_that_is_not_a_uuid_is_422(client, setup):
    response = upload(client, setup["inspector"], setup["inspection"], png(), id="foto-1")

    error = assert_error(response, 422, "validation_error")
    assert "id" in error["fields"]


# --- resends ------------------------------------------------------------------------------


def test_a_resend_with_the_same_id_and_bytes_is_200_and_stored_once(client, setup):
    photo_id = str(uuid.uuid4())
    data = jpeg_with_gps()

    first = upload(client, setup["inspector"], setup["inspection"], data, id=photo_id)
    again = upload(client, setup["inspector"], setup["inspection"], data, id=photo_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == photo_id
    assert again.get_json() == first.get_json()
    assert [p["id"] for p in listed(client, setup)] == [photo_id]


def test_the_same_id_with_other_bytes_is_409(client, setup):
    photo_id = str(uuid.uuid4())
    upload(client, setup["inspector"], setup["inspection"], jpeg_with_gps(), id=photo_id)

    other = upload(client, setup["inspector"], setup["inspection"], png(), id=photo_id)

    assert_error(other, 409, "conflict")
    photos = listed(client, setup)
    assert [(p["id"], p["content_type"]) for p in photos] == [(photo_id, "image/jpeg")]


def test_the_same_id_for_another_inspection_is_409(client, setup):
    photo_id = str(uuid.uuid4())
    data = jpeg_with_gps()
    upload(client, setup["inspector"], setup["inspection"], data, id=photo_id)

    other = upload(client, setup["inspector"], setup["other_inspection"], data, id=photo_id)

    assert_error(other, 409, "conflict")
    assert (
        client.get(photos_url(setup["other_inspection"]), headers=setup["inspector"]).get_json()
        == []
    )


# --- listing, fetching, scope -------------------------------------------------------------


def test_the_list_gives_metadata_with_a_url_to_the_image(client, setup):
    first = upload(client, setup["inspector"], setup["inspection"], jpeg_with_gps()).get_json()
    second = upload(
        client,
        setup["coordinator"],
        setup["inspection"],
        png(),
        filename="photo.png",
        mimetype="image/png",
        norm="HYG-01",
    ).get_json()

    photos = listed(client, setup, setup["manager"])

    assert photos == [first, second]
    for photo in photos:
        assert set(photo) == {
            "id", "inspection", "norm", "content_type", "width", "height",
            "size_bytes", "uploaded_at", "url",
        }  # fmt: skip
        assert photo["url"] == f"{photos_url(setup['inspection'])}/{photo['id']}"
        fetched = client.get(photo["url"], headers=setup["manager"])
        assert fetched.status_code == 200
        assert fetched.mimetype == photo["content_type"]
        assert fetched.headers["X-Content-Type-Options"] == "nosniff"
        assert len(fetched.data) == photo["size_bytes"]


def test_a_manager_of_another_location_gets_404(client, setup):
    photo = upload(client, setup["inspector"], setup["inspection"], jpeg_with_gps()).get_json()
    other = setup["other_manager"]

    listing = client.get(photos_url(setup["inspection"]), headers=other)
    fetching = client.get(photo["url"], headers=other)

    assert_error(listing, 404, "not_found")
    assert_error(fetching, 404, "not_found")
    assert client.get(photo["url"], headers=setup["manager"]).status_code == 200


def test_a_photo_is_found_only_under_its_own_inspection(client, setup):
    photo = upload(client, setup["inspector"], setup["inspection"], jpeg_with_gps()).get_json()

    response = client.get(
        f"{photos_url(setup['other_inspection'])}/{photo['id']}", headers=setup["inspector"]
    )

    assert_error(response, 404, "not_found")


def test_unknown_inspections_and_photos_are_404(client, setup):
    unknown = str(uuid.uuid4())

    assert_error(upload(client, setup["inspector"], unknown, png()), 404, "not_found")
    assert_error(client.get(photos_url(unknown), headers=setup["inspector"]), 404)
    assert_error(
        client.get(f"{photos_url(setup['inspection'])}/{unknown}", headers=setup["inspector"]),
        404,
    )


def test_roles_and_tokens(client, setup):
    inspection = setup["inspection"]

    assert_error(upload(client, setup["manager"], inspection, png()), 403, "forbidden")
    assert_error(upload(client, setup["viewer"], inspection, png()), 403, "forbidden")
    assert_error(client.get(photos_url(inspection), headers=setup["viewer"]), 403)
    assert_error(upload(client, {}, inspection, png()), 401, "unauthorized")
    assert_error(client.get(photos_url(inspection)), 401, "unauthorized")
    bogus = {"Authorization": "Bearer not-a-token"}
    assert_error(client.get(photos_url(inspection), headers=bogus), 401, "unauthorized")
    assert listed(client, setup) == []


# --- the per-inspection limit -------------------------------------------------------------


def test_at_most_photos_per_inspection(app, client, setup):
    app.config["PHOTOS_PER_INSPECTION"] = 2
    kept = str(uuid.uuid4())
    data = jpeg_with_gps()

    first = upload(client, setup["inspector"], setup["inspection"], data, id=kept)
    second = upload(client, setup["inspector"], setup["inspection"], png())
    third = upload(client, setup["inspector"], setup["inspection"], png(gradient((8, 8))))
    resend = upload(client, setup["inspector"], setup["inspection"], data, id=kept)
    elsewhere = upload(client, setup["inspector"], setup["other_inspection"], png())

    assert (first.status_code, second.status_code) == (201, 201)
    error = assert_error(third, 422, "validation_error")
    assert "photo" in error["fields"]
    assert "2" in " ".join(error["fields"]["photo"])
    assert resend.status_code == 200  # a resend of a stored photo is no new photo
    assert elsewhere.status_code == 201  # the limit is per inspection
    assert len(listed(client, setup)) == 2


def test_the_limit_error_states_the_limit(app, client, setup):
    app.config["PHOTOS_PER_INSPECTION"] = 3
    for side in (8, 9, 10):
        assert upload(client, setup["inspector"], setup["inspection"], png(gradient((side, 4))))
    app.config["PHOTOS_PER_INSPECTION"] = 2  # lowered since: three are stored

    refused = upload(client, setup["inspector"], setup["inspection"], png())

    error = assert_error(refused, 422, "validation_error")
    assert error["fields"]["photo"] == ["at most 2 photos per inspection; this one has 3"]


# --- what phones write: MPO ---------------------------------------------------------------


def mpo(first: Image.Image, second: Image.Image) -> bytes:
    """A multi-picture JPEG as many phones write it: the photo, then another frame."""
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_multi_picture_jpeg_is_stored_as_a_jpeg_of_its_first_frame(client, setup):
    data = mpo(gradient((64, 48)), Image.new("RGB", (32, 32), (255, 0, 0)))
    with Image.open(io.BytesIO(data)) as original:  # the fixture is a real two-frame MPO
        assert (original.format, original.n_frames) == ("MPO", 2)

    response = upload(client, setup["inspector"], setup["inspection"], data)

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["content_type"] == "image/jpeg"
    assert (photo["width"], photo["height"]) == (64, 48)
    stored = decoded(client.get(photo["url"], headers=setup["inspector"]).data)
    assert stored.format == "JPEG"
    assert getattr(stored, "n_frames", 1) == 1
    red, green, _ = stored.getpixel((60, 40))
    assert red > 200 and green > 150  # the gradient's corner, not the red second frame


# --- large images -------------------------------------------------------------------------


def test_an_icc_profile_and_xmp_are_dropped_too(client, setup):
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Dorpsstraat 12</rdf:Description>'
    gradient().save(out, format="JPEG", icc_profile=b"\0" * 128, xmp=xmp + b"</x:xmpmeta>")
    with Image.open(io.BytesIO(out.getvalue())) as original:  # the fixture carries both
        assert "icc_profile" in original.info and "xmp" in original.info

    response = upload(client, setup["inspector"], setup["inspection"], out.getvalue())

    assert response.status_code == 201, response.get_json()
    data = client.get(response.get_json()["url"], headers=setup["inspector"]).data
    stored = decoded(data)
    assert "icc_profile" not in stored.info and "xmp" not in stored.info
    assert b"Dorpsstraat" not in data


def test_a_large_jpeg_is_stored_reduced(client, setup):
    response = upload(client, setup["inspector"], setup["inspection"], jpeg_with_gps((5000, 300)))

    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    # Halved while decoding: the longest side kept is 4096.
    assert (photo["width"], photo["height"]) == (2500, 150)
    assert decoded(client.get(photo["url"], headers=setup["inspector"]).data).size == (2500, 150)


def test_a_png_too_large_to_decode_cheaply_is_refused_naming_the_limit(client, setup):
    big = png(Image.new("L", (4097, 4096)))

    response = upload(client, setup["inspector"], setup["inspection"], big, "big.png", "image/png")

    error = assert_error(response, 422, "validation_error")
    assert "4096 x 4096" in error["fields"]["photo"][0]
    assert listed(client, setup) == []


# Peak resident memory from /proc (Linux): unlike getrusage's ru_maxrss, VmHWM
# belongs to this process image alone, not inherited from the forking parent.
DECODE = """
import json, sys
from app import create_app

def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # what a worker has loaded
from inspection.images import clean_image

data = open(sys.argv[1], "rb").read()
before = peak_kib()
clean = clean_image(data)
peak = peak_kib()
print(json.dumps({"before_kib": before, "peak_kib": peak, "size": [clean.width, clean.height]}))
"""


MB = 1024  # in KiB, as /proc reports


@pytest.mark.parametrize(
    ("orientation", "size", "decode_at_most"),
    [
        # One frame decoded at half size: 3535 x 3535 pixels of 4 bytes, 50 MB.
        pytest.param(1, [3535, 3535], 64 * MB, id="upright"),
        # Turning it upright takes a second frame while the first is still held.
        pytest.param(6, [3535, 3535], 2 * 64 * MB, id="to-be-turned"),
    ],
)
def test_decoding_a_7070_pixel_jpeg_costs_a_bounded_amount_of_memory(
    tmp_path, orientation, size, decode_at_most
):
    photo = tmp_path / "large.jpg"
    image = Image.new("RGB", (7070, 7070), (90, 140, 200))
    image.paste(gradient((700, 700)).resize((7070, 3000)), (0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(photo, format="JPEG", quality=85, exif=exif)
    del image

    done = subprocess.run(
        [sys.executable, "-c", DECODE, str(photo)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "INSTANCE_PATH": str(tmp_path / "instance")},
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.splitlines()[-1])
    assert measured["size"] == size
    assert measured["peak_kib"] - measured["before_kib"] < decode_at_most, measured
    if orientation == 1:
        # The case: a worker (the whole app loaded) stays under 300 MB.
        assert measured["peak_kib"] < 300 * MB, measured


# --- racing uploads (a real threaded server) ----------------------------------------------


def post_multipart(url: str, headers: dict[str, str], photo: bytes, **fields: str):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="photo"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + photo
        + b"\r\n"
    )
    request = urllib.request.Request(
        url,
        data=b"".join(parts) + f"--{boundary}--\r\n".encode(),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def race(calls: list) -> list:
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_simultaneous_resends_of_one_photo_store_it_once(threaded_server, setup, client):
    url = f"{threaded_server}{photos_url(setup['inspection'])}"
    photo_id = str(uuid.uuid4())
    data = png()

    results = race(
        [lambda: post_multipart(url, setup["inspector"], data, id=photo_id) for _ in range(6)]
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 5 + [201], results
    assert {body["id"] for _, body in results} == {photo_id}
    assert [p["id"] for p in listed(client, setup)] == [photo_id]


def test_parallel_uploads_never_pass_the_photo_limit(app, threaded_server, setup, client):
    app.config["PHOTOS_PER_INSPECTION"] = 4
    url = f"{threaded_server}{photos_url(setup['inspection'])}"
    photos = [png(gradient((8 + n, 8))) for n in range(10)]

    results = race(
        [lambda data=data: post_multipart(url, setup["inspector"], data) for data in photos]
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 4 + [422] * 6, results
    refusals = {str(body["error"]["fields"]) for status, body in results if status == 422}
    assert refusals == {str({"photo": ["at most 4 photos per inspection; this one has 4"]})}
    assert len(listed(client, setup)) == 4


def test_a_truncated_jpeg_is_refused_also_after_a_report_was_rendered(client, setup):
    # Rendering a report imports WeasyPrint, which changes how Pillow reads truncated files.
    import weasyprint  # noqa: F401

    data = jpeg_with_gps((320, 240))[:3000]
    response = upload(
        client, setup["inspector"], setup["inspection"], data, "photo.jpg", "image/jpeg"
    )
    assert_error(response, 415, "unsupported_media_type")
