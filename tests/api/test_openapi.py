"""The OpenAPI document, the docs page, and a schemathesis run of every operation against it."""

from __future__ import annotations

import copy
import io
import os
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

from app import create_app

OPENAPI = "/api/v1/openapi.json"
LOGIN = ("post", "/api/v1/auth/tokens")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def validation_errors(document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.instance_path))}: {error.message[:300]}"
        for error in OPENAPI_30_VALIDATOR.iter_errors(document)
    ]


def without_photo_upload(document: dict[str, Any]) -> dict[str, Any]:
    """The document minus POST .../photos, whose multipart body is documented wrongly."""
    trimmed = copy.deepcopy(document)
    del trimmed["paths"]["/api/v1/inspections/{inspection_id}/photos"]["post"]
    return trimmed


# --- the document -------------------------------------------------------------------------


def test_the_document_is_openapi_3(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    assert document["info"]["version"] == "v1"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert len(list(operations(document))) >= 15


def test_the_document_validates_against_the_openapi_3_0_schema(document):
    assert validation_errors(document) == []


def test_the_document_apart_from_the_photo_upload_validates(document):
    """Keeps the rest of the document guarded while the photo upload's entry is wrong."""
    assert validation_errors(without_photo_upload(document)) == []


def test_the_photo_upload_is_documented_as_multipart_with_photo_id_and_norm(document):
    operation = document["paths"]["/api/v1/inspections/{inspection_id}/photos"]["post"]
    assert all(
        p["in"] in ("path", "query", "header", "cookie") for p in operation.get("parameters", [])
    )
    content = operation["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]
    schema = resolve(document, content["multipart/form-data"]["schema"])
    assert {"photo", "id", "norm"} <= set(schema["properties"])
    photo = resolve(document, schema["properties"]["photo"])
    assert (photo.get("type"), photo.get("format")) == ("string", "binary")
    assert "photo" in schema.get("required", [])


def test_every_operation_but_logging_in_requires_a_bearer_token(document):
    for method, path, operation in operations(document):
        if (method, path) == LOGIN:
            assert operation.get("security") in (None, [])
            continue
        assert operation.get("security") == [{"bearerAuth": []}], (method, path)
        assert "401" in operation["responses"], (method, path)
        schema = resolve(document, operation["responses"]["401"])["content"]["application/json"]
        assert schema["schema"] == {"$ref": ERROR_REF}, (method, path)
    assert "security" not in document or document["security"] in (None, [])


def test_every_operation_documents_its_errors_with_the_error_schema(document):
    for method, path, operation in operations(document):
        errors = {
            status: resolve(document, response)
            for status, response in operation["responses"].items()
            if status == "default" or status.startswith("4")
        }
        assert errors, (method, path)
        for status, response in errors.items():
            content = response.get("content", {})
            assert list(content) == ["application/json"], (method, path, status)
            assert content["application/json"]["schema"] == {"$ref": ERROR_REF}, (
                method,
                path,
                status,
            )
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = resolve(document, error["properties"]["error"])
    assert set(detail["required"]) == {"code", "message"}


def test_operations_that_read_a_body_document_422(document):
    for method, path, operation in operations(document):
        if "requestBody" in operation or any(
            p["in"] == "query" for p in operation.get("parameters", [])
        ):
            assert "422" in operation["responses"], (method, path)


# --- what generated clients and linters need ----------------------------------------------


def walk(node: Any, where: str = "#"):
    """Every schema-like dict in the document with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_every_operation_has_a_unique_id_named_after_what_it_does(document):
    ids = [operation.get("operationId") for _, _, operation in operations(document)]

    assert all(ids), [(m, p) for m, p, o in operations(document) if not o.get("operationId")]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids
    assert {"create_token", "post_inspection", "get_location", "export_csv"} <= set(ids)


def test_nullable_always_stands_beside_a_type(document):
    untyped = [
        where for where, node in walk(document) if node.get("nullable") and "type" not in node
    ]

    assert untyped == []


def test_a_nullable_object_is_that_object_or_null(document):
    schemas = document["components"]["schemas"]

    for name in ("LocationListItem", "LocationDetail"):
        latest = schemas[name]["properties"]["latest"]
        assert latest["anyOf"][0] == {"$ref": "#/components/schemas/LatestInspection"}
        assert latest["anyOf"][1] == {"type": "object", "nullable": True, "enum": [None]}
    assert schemas["InspectionOut"]["properties"]["position"]["anyOf"][0] == {
        "$ref": "#/components/schemas/Position"
    }


def test_the_values_of_every_schema_have_a_type(document):
    schemas = document["components"]["schemas"]

    assert schemas["ScorePoint"]["properties"]["domains"]["type"] == "object"
    assert schemas["ScorePoint"]["properties"]["domains"]["additionalProperties"]["type"] == (
        "number"
    )
    assert schemas["PhotoOut"]["properties"]["url"]["type"] == "string"
    assert schemas["NormSetSummary"]["properties"]["norms"]["type"] == "integer"
    untyped = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        for field, node in schema.get("properties", {}).items()
        if not {"type", "$ref", "anyOf", "allOf", "oneOf"} & set(node)
    ]
    assert untyped == []


def test_logging_in_needs_no_token_and_there_is_a_server(document):
    assert document["paths"]["/api/v1/auth/tokens"]["post"]["security"] == []
    assert document["servers"] == [{"url": "/", "description": "This service"}]


def test_the_headers_the_service_sends_are_documented(document):
    headers = document["components"]["headers"]
    conditional = [
        (path, operation)
        for method, path, operation in operations(document)
        if "304" in operation["responses"]
    ]

    assert {p for p, _ in conditional} >= {
        "/api/v1/exports/locations.geojson",
        "/api/v1/exports/locations.csv",
        "/api/v1/exports/locations.gpkg",
        "/api/v1/exports/regions.geojson",
        "/api/v1/maps/locations.png",
    }
    for path, operation in conditional:
        names = [resolve(document, p)["name"] for p in operation["parameters"]]
        assert "If-None-Match" in names, path
        for status in ("200", "304"):
            assert "ETag" in operation["responses"][status]["headers"], (path, status)
        assert "Content-Disposition" in operation["responses"]["200"]["headers"], path
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            documented = resolve(document, response).get("headers", {})
            if status == "401":
                assert "WWW-Authenticate" in documented, (method, path)
            if status == "429":
                assert "Retry-After" in documented, (method, path)
    assert set(headers) >= {"ETag", "ContentDisposition", "RetryAfter", "WWWAuthenticate"}


def test_the_documented_headers_are_sent(client, norm_set, headers_for):
    viewer = headers_for("viewer")
    export = client.get("/api/v1/exports/locations.csv", headers=viewer)
    again = client.get(
        "/api/v1/exports/locations.csv",
        headers={**viewer, "If-None-Match": export.headers["ETag"]},
    )
    anonymous = client.get("/api/v1/locations")

    assert export.headers["ETag"] and export.headers["Content-Disposition"]
    assert again.status_code == 304 and again.headers["ETag"] == export.headers["ETag"]
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")


# --- the docs page ------------------------------------------------------------------------


def test_the_docs_page_uses_only_local_assets(client):
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    references = re.findall(
        r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", html
    )
    assert references, html
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "http://" not in html and "https://" not in html
    assert '"/api/v1/openapi.json"' in html or "'/api/v1/openapi.json'" in html
    for reference in references:
        assert reference.startswith("/"), reference
        with client.get(reference) as asset:  # a file response: close it
            assert asset.status_code == 200, reference
            if "favicon" in reference:
                assert asset.mimetype.startswith("image/"), reference
                continue
            assert reference.startswith("/api/v1/"), reference
            assert len(asset.data) > 1000, reference
            expected = "text/css" if reference.endswith(".css") else "javascript"
            assert expected in asset.mimetype, (reference, asset.mimetype)


def test_the_docs_page_reads_well_on_a_phone_and_names_its_language(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)

    assert re.search(r'<html lang="en">', html)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'rel="icon"' in html


@pytest.mark.parametrize("page", ["/", "/map", "/form"])
def test_the_pages_link_the_api_docs_and_have_an_icon(client, page):
    html = client.get(page).get_data(as_text=True)
    icon = client.get("/favicon.ico")

    assert 'href="/api/v1/docs"' in html
    assert 'href="/favicon.ico"' in html
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    icon.close()


def test_the_docs_assets_do_not_leave_their_directory(client):
    for path in ("../__init__.py", "..%2F__init__.py", "%2e%2e/__init__.py"):
        assert client.get(f"/api/v1/docs/assets/{path}").status_code == 404, path


# --- schemathesis -------------------------------------------------------------------------


INSPECTION_ID = "6f1c2a9e-3b1d-4c1e-9a7b-0c2d4e6f8a10"
PHOTO_ID = "0b7e5d3c-1a2b-4c3d-8e9f-a0b1c2d3e4f5"
USE_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
# schemathesis' WSGI client asks for gzip like requests does, but reads the body undecoded.
IDENTITY = {"Accept-Encoding": "identity"}

# The document is the same for every app, so it is loaded once, at collection, from an app
# without a database; each generated test then calls the fresh app of its own `fuzzing_app`.
# (schemathesis.pytest.from_fixture would be the natural fit, but schemathesis 4.32.5 sets
# `request.node._nodeid`, which pytest 9.2 no longer has: AttributeError.)
# Half of the path parameters come from these values: rows that exist in `fuzzing_app`.
FUZZING_CONFIG = {
    "generation": {
        "max-examples": MAX_EXAMPLES,
    },
    "dictionaries": {
        "inspections": {"values": [INSPECTION_ID]},
        "photos": {"values": [PHOTO_ID]},
        "locations": {"values": ["TER-APEL", "ZWOLLE-HAL", "GEHEIM-1"]},
        "location_types": {"values": ["azc", "crisisnoodopvang"]},
        "catalogues": {"values": ["nl-children"]},
        "versions": {"values": ["2023.1"]},
    },
    "parameters": {
        "path.inspection_id": {"dictionary": "inspections", "probability": 0.5},
        "path.photo_id": {"dictionary": "photos", "probability": 0.5},
        "path.code": {"dictionary": "locations", "probability": 0.5},
        "path.location_type": {"dictionary": "location_types", "probability": 0.5},
        "path.catalogue": {"dictionary": "catalogues", "probability": 0.5},
        "path.version": {"dictionary": "versions", "probability": 0.5},
    },
}


def load_schema() -> schemathesis.BaseSchema:
    loader = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return schemathesis.openapi.from_wsgi(
        OPENAPI, loader, config=schemathesis.Config.from_dict(FUZZING_CONFIG)
    )


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def fuzzing_app(app, client, norm_set, create_location, create_user, login, make_submission):
    """The app with a few rows worth finding; returns it with a coordinator's Authorization."""
    app.config["TESTING_CATCH_ERRORS"] = True  # a bug becomes a 500 that schemathesis reports
    create_location(code="TER-APEL", type="azc")
    create_location(code="ZWOLLE-HAL", type="crisisnoodopvang", municipality="Zwolle")
    create_location(code="GEHEIM-1", type="azc", confidential=True)
    create_user("coordinator", username="coordinator")
    headers = login("coordinator")
    submission = make_submission(id=INSPECTION_ID, location="TER-APEL")
    response = client.post("/api/v1/inspections", json=submission, headers=headers)
    assert response.status_code == 201, response.get_json()
    photo = client.post(
        f"/api/v1/inspections/{INSPECTION_ID}/photos",
        data={"photo": (io.BytesIO(small_jpeg()), "photo.jpg", "image/jpeg"), "id": PHOTO_ID},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201, photo.get_json()
    return app, {**headers, **IDENTITY}


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SCHEMA = load_schema()
# Logging out would revoke the token the other cases use; it gets its own token below.
schema = SCHEMA.exclude(method="DELETE", path="/api/v1/auth/tokens/current")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    # The same cases every run, so that CI is repeatable; FUZZ_RANDOM=1 explores anew.
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case, fuzzing_app):
    """No 5xx, and every response has a documented status, content type and body shape."""
    app, headers = fuzzing_app
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


def test_successful_writes_answer_as_documented(fuzzing_app, make_submission, login):
    """The 2xx answers random data rarely reaches, checked by the same schemathesis checks."""
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document

    app, headers = fuzzing_app

    def call(method: str, path: str, expected: int, auth=headers, **case: Any):
        response = (
            SCHEMA[path][method]
            .Case(**case)
            .call_and_validate(app=app, headers={**auth, **IDENTITY}, checks=CHECKS)
        )
        assert response.status_code == expected, response.text[:500]
        return response

    submission = make_submission(location="ZWOLLE-HAL")
    call("POST", "/api/v1/inspections", 201, body=submission)
    call("POST", "/api/v1/inspections", 200, body=submission)
    location = {
        "code": "NIEUW-1",
        "name": "Paviljoen",
        "type": "azc",
        "municipality": "Groningen",
        "province": "Groningen",
        "latitude": 53.2,
        "longitude": 6.56,
        "capacity": 120,
    }
    call("POST", "/api/v1/locations", 201, body=location)
    call(
        "PATCH",
        "/api/v1/locations/{code}",
        200,
        path_parameters={"code": "NIEUW-1"},
        body={"capacity": 150, "confidential": True},
    )
    document = read_document(DEFAULT_NORM_SET_FILE)
    document.update(version="2027.1", valid_from="2027-01-01")
    call("POST", "/api/v1/norm-sets", 201, body=document)
    call(
        "GET",
        "/api/v1/norm-sets/{catalogue}/{version}",
        200,
        path_parameters={"catalogue": "nl-children", "version": "2027.1"},
    )
    call(
        "POST",
        "/api/v1/auth/tokens",
        201,
        auth={},
        body={"username": "coordinator", "password": "correct horse battery"},
    )
    other_token = login("coordinator")
    call("DELETE", "/api/v1/auth/tokens/current", 204, auth=other_token)
    call("DELETE", "/api/v1/auth/tokens/current", 401, auth=other_token)
    call("GET", "/api/v1/norm-sets", 200)  # the fuzzing token still works


# --- what schemathesis found, pinned down as plain requests -------------------------------

NUL = "TER\x00APEL"
NUL_REQUESTS = [
    ("GET", f"/api/v1/locations/{NUL}", {}),
    ("GET", f"/api/v1/locations/{NUL}/scores", {}),
    ("PATCH", f"/api/v1/locations/{NUL}", {"json": {"capacity": 10}}),
    ("PATCH", "/api/v1/locations/TER-APEL", {"json": {"name": NUL}}),
    ("GET", "/api/v1/locations", {"query_string": {"province": NUL}}),
    ("GET", "/api/v1/locations", {"query_string": {"municipality": NUL}}),
    ("GET", f"/api/v1/inspections/{NUL}", {}),
    ("GET", "/api/v1/inspections", {"query_string": {"location": NUL}}),
    ("GET", f"/api/v1/inspections/{NUL}/photos", {}),
    ("GET", f"/api/v1/inspections/{INSPECTION_ID}/photos/{NUL}", {}),
    ("GET", f"/api/v1/norm-sets/{NUL}/2023.1", {}),
    ("POST", "/api/v1/auth/tokens", {"json": {"username": NUL, "password": "x"}}),
]


@pytest.mark.parametrize(
    ("method", "path", "options"),
    NUL_REQUESTS,
    ids=[f"{m} {p} {sorted(o.get('json', o.get('query_string', {})))}" for m, p, o in NUL_REQUESTS],
)
def test_a_nul_character_is_refused_not_a_500(fuzzing_app, client, method, path, options):
    _, headers = fuzzing_app

    response = client.open(path, method=method, headers=headers, **options)

    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"location": NUL}, id="location"),
        pytest.param({"notes": {"HYG-01": NUL}}, id="notes"),
    ],
)
def test_a_nul_character_in_a_submission_is_refused_not_a_500(
    fuzzing_app, client, make_submission, change
):
    _, headers = fuzzing_app

    response = client.post("/api/v1/inspections", json=make_submission(**change), headers=headers)

    # Refused on SQLite too, which would store it: both databases behave the same.
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["error"]["fields"]) == [".".join(_path(change))]


def test_a_nul_character_in_a_new_location_is_refused_not_a_500(fuzzing_app, client):
    _, headers = fuzzing_app
    body = {
        "code": "NIEUW-1",
        "name": NUL,
        "type": "azc",
        "municipality": "Groningen",
        "province": "Groningen",
        "latitude": 53.2,
        "longitude": 6.56,
    }

    response = client.post("/api/v1/locations", json=body, headers=headers)

    # Refused on SQLite too, which would store it: both databases behave the same.
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["error"]["fields"]) == ["name"]
    assert client.get("/api/v1/locations/NIEUW-1", headers=headers).status_code == 404


def _path(change: dict) -> list[str]:
    """The keys down to the one value of a nested dict: {"notes": {"HYG-01": x}} -> notes.HYG-01."""
    key, value = next(iter(change.items()))
    return [key, *(_path(value) if isinstance(value, dict) else [])]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("TRACE", "/api/v1/norm-sets", {"GET", "POST"}),
        ("PUT", "/api/v1/auth/tokens", {"POST"}),
        ("DELETE", "/api/v1/locations/TER-APEL", {"GET", "PATCH"}),
    ],
)
def test_a_405_names_the_allowed_methods(client, method, path, allowed):
    response = client.open(path, method=method)

    assert response.status_code == 405
    assert set(response.get_json()) == {"error"}
    assert allowed <= {m.strip() for m in response.headers.get("Allow", "").split(",")}


def test_the_photo_fetch_documents_both_image_types(document):
    operation = document["paths"]["/api/v1/inspections/{inspection_id}/photos/{photo_id}"]["get"]

    content = operation["responses"]["200"].get("content", {})

    assert {"image/jpeg", "image/png"} <= set(content)
