"""HTTP as clients see it: compression, what may be cached, CORS, and the names of downloads."""

from __future__ import annotations

import gzip
from urllib.parse import unquote

import brotli
import pytest

from app import create_app

EXPORTS = "/api/v1/exports"
DASHBOARD = "https://dashboard.example.nl"


@pytest.fixture
def places(norm_set, create_location, make_submission, client, headers_for):
    """Enough locations for exports over 1 KB; one confidential, one in Fryslân."""
    for n in range(12):
        create_location(code=f"AZC-{n}", name=f"Azc nummer {n}")
    create_location(code="FRL-1", name="Opvang Leeuwarden", province="Fryslân")
    create_location(code="SECRET-1", name="Geheim", confidential=True)
    inspector = headers_for("inspector")
    response = client.post(
        "/api/v1/inspections", json=make_submission(location="AZC-1"), headers=inspector
    )
    assert response.status_code == 201
    return {"inspector": inspector, "response": response}


def decoded(response) -> bytes:
    coding = response.headers.get("Content-Encoding")
    body = response.get_data()
    if coding == "br":
        return brotli.decompress(body)
    if coding == "gzip":
        return gzip.decompress(body)
    assert coding is None, coding
    return body


# --- compression --------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["br", "gzip"])
@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        (f"{EXPORTS}/locations.geojson", "application/geo+json"),
        (f"{EXPORTS}/locations.csv", "text/csv"),
        ("/api/v1/locations", "application/json"),
        ("/api/v1/openapi.json", "application/json"),
    ],
)
def test_text_responses_over_a_kilobyte_are_compressed(
    client, places, headers_for, coding, path, mimetype
):
    viewer = headers_for("coordinator")
    plain = client.get(path, headers=viewer)

    packed = client.get(path, headers={**viewer, "Accept-Encoding": f"{coding}, identity"})

    assert len(plain.get_data()) > 1024
    assert plain.headers.get("Content-Encoding") is None
    assert packed.mimetype == mimetype
    assert packed.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())
    assert len(packed.get_data()) < len(plain.get_data())
    assert decoded(packed) == plain.get_data()


def test_the_score_chart_svg_is_compressed(client, places):
    response = client.get(
        "/api/v1/locations/AZC-1/scores.svg",
        headers={**places["inspector"], "Accept-Encoding": "gzip"},
    )

    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Encoding"] == "gzip"
    assert decoded(response).startswith(b"<svg") or b"<svg" in decoded(response)[:200]


def test_small_bodies_and_images_are_sent_as_they_are(client, places, headers_for):
    viewer = headers_for("viewer")
    accept = {**viewer, "Accept-Encoding": "br, gzip"}

    unauthorised = client.get("/api/v1/locations", headers={"Accept-Encoding": "br, gzip"})
    png = client.get("/api/v1/maps/locations.png", headers=accept)
    gpkg = client.get(f"{EXPORTS}/locations.gpkg", headers=accept)

    assert unauthorised.status_code == 401 and len(unauthorised.get_data()) < 1024
    assert "Content-Encoding" not in unauthorised.headers
    assert "Content-Encoding" not in png.headers
    assert "Content-Encoding" not in gpkg.headers


def test_a_compressed_export_still_answers_304_to_its_etag(client, places, headers_for):
    viewer = {**headers_for("viewer"), "Accept-Encoding": "br"}
    first = client.get(f"{EXPORTS}/locations.geojson", headers=viewer)

    again = client.get(
        f"{EXPORTS}/locations.geojson", headers={**viewer, "If-None-Match": first.headers["ETag"]}
    )
    plain = client.get(
        f"{EXPORTS}/locations.geojson",
        headers={"Authorization": viewer["Authorization"], "If-None-Match": first.headers["ETag"]},
    )

    # The compressed body is another representation: its strong ETag names the coding.
    assert first.headers["ETag"].endswith(':br"')
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    assert plain.status_code == 304


# --- what may be cached -------------------------------------------------------------------


def test_tokens_and_personal_data_are_never_stored_in_caches(client, places, headers_for):
    coordinator = headers_for("coordinator")
    login = client.post(
        "/api/v1/auth/tokens", json={"username": "nobody", "password": "wrong password!"}
    )
    stored = places["response"].get_json()["id"]

    responses = {
        "token": places["response"],  # the inspection just submitted
        "failed login": login,
        "inspection": client.get(f"/api/v1/inspections/{stored}", headers=coordinator),
        "location": client.get("/api/v1/locations/SECRET-1", headers=coordinator),
        "locations": client.get("/api/v1/locations", headers=coordinator),
        "coordinator export": client.get(f"{EXPORTS}/locations.geojson", headers=coordinator),
    }

    for what, response in responses.items():
        assert response.headers["Cache-Control"] == "no-store", what


def test_the_token_response_is_not_stored(client, create_user):
    create_user("viewer", username="kijker")

    response = client.post(
        "/api/v1/auth/tokens", json={"username": "kijker", "password": "correct horse battery"}
    )

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"


def test_generalised_exports_and_the_api_document_may_be_revalidated(client, places, headers_for):
    viewer = headers_for("viewer")

    export = client.get(f"{EXPORTS}/locations.geojson", headers=viewer)
    document = client.get("/api/v1/openapi.json")

    assert export.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in export.headers["Vary"]
    assert document.headers["Cache-Control"] == "no-cache"


# --- CORS ---------------------------------------------------------------------------------


def test_cors_is_off_by_default(client, places, headers_for):
    response = client.get(
        "/api/v1/locations", headers={**headers_for("viewer"), "Origin": DASHBOARD}
    )
    preflight = client.options(
        "/api/v1/locations",
        headers={"Origin": DASHBOARD, "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 200
    for answer in (response, preflight):
        assert not [name for name, _ in answer.headers.items() if name.startswith("Access-")]


@pytest.fixture
def cors_client(another_app):
    return another_app(CORS_ORIGINS=f"{DASHBOARD}, http://localhost:8080").test_client()


def test_cors_lets_the_configured_origins_call_the_api(cors_client):
    preflight = cors_client.options(
        "/api/v1/exports/locations.geojson",
        headers={
            "Origin": DASHBOARD,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization, If-None-Match",
        },
    )
    call = cors_client.get("/api/v1/locations", headers={"Origin": DASHBOARD})
    stranger = cors_client.get("/api/v1/locations", headers={"Origin": "https://evil.example"})
    page = cors_client.get("/map", headers={"Origin": DASHBOARD})

    assert preflight.headers["Access-Control-Allow-Origin"] == DASHBOARD
    allowed = {
        h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "if-none-match"} <= allowed
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert call.status_code == 401  # CORS opens the door to the API, not past its login
    assert call.headers["Access-Control-Allow-Origin"] == DASHBOARD
    exposed = {h.strip() for h in call.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Content-Disposition", "Retry-After"} <= exposed
    assert "Access-Control-Allow-Origin" not in stranger.headers
    assert "Access-Control-Allow-Origin" not in page.headers


@pytest.mark.parametrize("setting", ["https://dashboard.example.nl/", "dashboard.example.nl"])
def test_a_wrong_cors_origin_stops_the_start(database_url, setting):
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CORS_ORIGINS": setting})


# --- names of downloads -------------------------------------------------------------------


def disposition_names(header: str) -> tuple[str, str | None]:
    """The plain ``filename`` and the decoded UTF-8 ``filename*`` of a Content-Disposition."""
    parts = dict(part.strip().split("=", 1) for part in header.split(";")[1:] if "=" in part)
    utf8 = parts.get("filename*")
    return parts["filename"].strip('"'), unquote(utf8[len("UTF-8''") :]) if utf8 else None


def test_every_download_is_named_for_its_export_filters_and_date(client, places, headers_for):
    viewer = headers_for("viewer")
    query = "status=below&status=not_inspected&type=azc&as_of=2026-11-20"

    names = {}
    for path, extension in [
        ("exports/locations.geojson", "geojson"),
        ("exports/locations.csv", "csv"),
        ("exports/locations.gpkg", "gpkg"),
    ]:
        response = client.get(f"/api/v1/{path}?{query}", headers=viewer)
        assert response.headers["Content-Disposition"].startswith("attachment;"), path
        names[extension] = disposition_names(response.headers["Content-Disposition"])[0]
    regions = client.get(f"{EXPORTS}/regions.geojson?level=municipality", headers=viewer)
    chart = client.get("/api/v1/maps/locations.png?size=phone&as_of=2026-11-20", headers=viewer)

    stem = "locations_2026-11-20_status-below-not-inspected_type-azc"
    assert names == {ext: f"{stem}.{ext}" for ext in ("geojson", "csv", "gpkg")}
    region_name = disposition_names(regions.headers["Content-Disposition"])[0]
    assert region_name.startswith("regions_20") and region_name.endswith(
        "_level-municipality.geojson"
    )
    assert chart.headers["Content-Disposition"] == (
        'inline; filename="locations-map_2026-11-20_size-phone.png"'
    )


def test_a_province_with_an_accent_keeps_it_in_the_utf8_name(client, places, headers_for):
    response = client.get(
        f"{EXPORTS}/locations.csv",
        query_string={"province": "Fryslân", "dialect": "excel-nl", "as_of": "2026-11-20"},
        headers=headers_for("viewer"),
    )

    plain, utf8 = disposition_names(response.headers["Content-Disposition"])
    assert utf8 == "locations_2026-11-20_province-Fryslân_dialect-excel-nl.csv"
    assert plain == "locations_2026-11-20_province-Fryslan_dialect-excel-nl.csv"


def test_a_filter_value_cannot_steer_the_file_name(client, places, headers_for):
    response = client.get(
        f"{EXPORTS}/locations.geojson",
        query_string={"province": '../../etc/"passwd";x', "as_of": "2026-11-20"},
        headers=headers_for("viewer"),
    )

    plain, utf8 = disposition_names(response.headers["Content-Disposition"])
    assert plain == "locations_2026-11-20_province-etc-passwd-x.geojson"
    assert utf8 is None
