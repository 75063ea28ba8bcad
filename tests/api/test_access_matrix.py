"""Who may call what: every endpoint of the OpenAPI document, for every role and for nobody.

One table, walked row by row. Each row gets a fresh world: the default norm
set, the manager's own location OWN and another location OTHER, an
inspection at each (submitted by an inspector through the API) with a photo,
and a user of the row's role. Bodies are valid, so the status a row expects
is decided by who calls, not by what is sent.

A location (or anything hanging from it) outside a manager's scope is 404,
not 403: its existence does not leak. A role that may never do something
gets 403 whatever it names.
"""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import pytest
from PIL import Image

from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, read_document

API = "/api/v1"
ROLES = (None, "inspector", "manager", "coordinator", "viewer")

# Placeholders of the table's path templates, and the OpenAPI parameter each stands for.
PLACEHOLDERS = {
    "own": "code",
    "other": "code",
    "own_inspection": "inspection_id",
    "other_inspection": "inspection_id",
    "own_photo": "photo_id",
    "other_photo": "photo_id",
    "own_finding": "finding_id",
    "other_finding": "finding_id",
    "own_response": "response_id",
    "other_response": "response_id",
    "own_evidence": "photo_id",
    "other_evidence": "photo_id",
    "catalogue": "catalogue",
    "version": "version",
    "type": "location_type",
    "user": "username",
    "concept_report": "report_id",
    "hearing_report": "report_id",
    "adopted_report": "report_id",
}

ANON, INSP, MGR, COORD, VIEW = None, "inspector", "manager", "coordinator", "viewer"

# (method, path template, role (None: not logged in), expected status)
ACCESS: list[tuple[str, str, str | None, int]] = [
    # --- logging in and out ---------------------------------------------------
    ("POST", "/auth/tokens", ANON, 201),
    ("POST", "/auth/tokens", INSP, 201),
    ("POST", "/auth/tokens", MGR, 201),
    ("POST", "/auth/tokens", COORD, 201),
    ("POST", "/auth/tokens", VIEW, 201),
    ("DELETE", "/auth/tokens/current", ANON, 401),
    ("DELETE", "/auth/tokens/current", INSP, 204),
    ("DELETE", "/auth/tokens/current", MGR, 204),
    ("DELETE", "/auth/tokens/current", COORD, 204),
    ("DELETE", "/auth/tokens/current", VIEW, 204),
    # --- locations --------------------------------------------------------------
    ("GET", "/locations", ANON, 401),
    ("GET", "/locations", INSP, 200),
    ("GET", "/locations", MGR, 200),
    ("GET", "/locations", COORD, 200),
    ("GET", "/locations", VIEW, 200),
    ("POST", "/locations", ANON, 401),
    ("POST", "/locations", INSP, 403),
    ("POST", "/locations", MGR, 403),
    ("POST", "/locations", COORD, 201),
    ("POST", "/locations", VIEW, 403),
    ("GET", "/locations/{own}", ANON, 401),
    ("GET", "/locations/{own}", INSP, 200),
    ("GET", "/locations/{own}", MGR, 200),
    ("GET", "/locations/{own}", COORD, 200),
    ("GET", "/locations/{own}", VIEW, 200),
    ("GET", "/locations/{other}", ANON, 401),
    ("GET", "/locations/{other}", INSP, 200),
    ("GET", "/locations/{other}", MGR, 404),
    ("GET", "/locations/{other}", COORD, 200),
    ("GET", "/locations/{other}", VIEW, 200),
    ("PATCH", "/locations/{own}", ANON, 401),
    ("PATCH", "/locations/{own}", INSP, 403),
    ("PATCH", "/locations/{own}", MGR, 403),
    ("PATCH", "/locations/{own}", COORD, 200),
    ("PATCH", "/locations/{own}", VIEW, 403),
    ("PATCH", "/locations/{other}", MGR, 403),
    ("PATCH", "/locations/{other}", COORD, 200),
    ("GET", "/locations/{own}/scores", ANON, 401),
    ("GET", "/locations/{own}/scores", INSP, 200),
    ("GET", "/locations/{own}/scores", MGR, 200),
    ("GET", "/locations/{own}/scores", COORD, 200),
    ("GET", "/locations/{own}/scores", VIEW, 200),
    ("GET", "/locations/{other}/scores", INSP, 200),
    ("GET", "/locations/{other}/scores", MGR, 404),
    ("GET", "/locations/{other}/scores", VIEW, 200),
    ("GET", "/locations/{own}/scores.svg", ANON, 401),
    ("GET", "/locations/{own}/scores.svg", INSP, 200),
    ("GET", "/locations/{own}/scores.svg", MGR, 200),
    ("GET", "/locations/{own}/scores.svg", COORD, 200),
    ("GET", "/locations/{own}/scores.svg", VIEW, 200),
    ("GET", "/locations/{other}/scores.svg", MGR, 404),
    ("GET", "/locations/{other}/scores.svg", VIEW, 200),
    # --- norm sets and forms ------------------------------------------------------
    ("GET", "/norm-sets", ANON, 401),
    ("GET", "/norm-sets", INSP, 200),
    ("GET", "/norm-sets", MGR, 200),
    ("GET", "/norm-sets", COORD, 200),
    ("GET", "/norm-sets", VIEW, 200),
    ("POST", "/norm-sets", ANON, 401),
    ("POST", "/norm-sets", INSP, 403),
    ("POST", "/norm-sets", MGR, 403),
    ("POST", "/norm-sets", COORD, 201),
    ("POST", "/norm-sets", VIEW, 403),
    ("GET", "/norm-sets/{catalogue}/{version}", ANON, 401),
    ("GET", "/norm-sets/{catalogue}/{version}", INSP, 200),
    ("GET", "/norm-sets/{catalogue}/{version}", MGR, 200),
    ("GET", "/norm-sets/{catalogue}/{version}", COORD, 200),
    ("GET", "/norm-sets/{catalogue}/{version}", VIEW, 200),
    ("GET", "/forms/{type}", ANON, 401),
    ("GET", "/forms/{type}", INSP, 200),
    ("GET", "/forms/{type}", MGR, 200),
    ("GET", "/forms/{type}", COORD, 200),
    ("GET", "/forms/{type}", VIEW, 200),
    # --- location types (everyone reads them; coordinators add one) -------------------
    ("GET", "/location-types", ANON, 401),
    ("GET", "/location-types", INSP, 200),
    ("GET", "/location-types", MGR, 200),
    ("GET", "/location-types", COORD, 200),
    ("GET", "/location-types", VIEW, 200),
    ("POST", "/location-types", ANON, 401),
    ("POST", "/location-types", INSP, 403),
    ("POST", "/location-types", MGR, 403),
    ("POST", "/location-types", COORD, 201),
    ("POST", "/location-types", VIEW, 403),
    # --- inspections ----------------------------------------------------------------
    ("POST", "/inspections", ANON, 401),
    ("POST", "/inspections", INSP, 201),
    ("POST", "/inspections", MGR, 403),
    ("POST", "/inspections", COORD, 201),
    ("POST", "/inspections", VIEW, 403),
    ("GET", "/inspections", ANON, 401),
    ("GET", "/inspections", INSP, 200),
    ("GET", "/inspections", MGR, 200),
    ("GET", "/inspections", COORD, 200),
    ("GET", "/inspections", VIEW, 403),
    ("GET", "/inspections/{own_inspection}", ANON, 401),
    ("GET", "/inspections/{own_inspection}", INSP, 200),
    ("GET", "/inspections/{own_inspection}", MGR, 200),
    ("GET", "/inspections/{own_inspection}", COORD, 200),
    ("GET", "/inspections/{own_inspection}", VIEW, 403),
    ("GET", "/inspections/{other_inspection}", INSP, 200),
    ("GET", "/inspections/{other_inspection}", MGR, 404),
    ("GET", "/inspections/{other_inspection}", COORD, 200),
    ("GET", "/inspections/{other_inspection}", VIEW, 403),
    # --- photos -----------------------------------------------------------------------
    ("POST", "/inspections/{own_inspection}/photos", ANON, 401),
    ("POST", "/inspections/{own_inspection}/photos", INSP, 201),
    ("POST", "/inspections/{own_inspection}/photos", MGR, 403),
    ("POST", "/inspections/{own_inspection}/photos", COORD, 201),
    ("POST", "/inspections/{own_inspection}/photos", VIEW, 403),
    ("POST", "/inspections/{other_inspection}/photos", INSP, 201),
    ("POST", "/inspections/{other_inspection}/photos", MGR, 403),
    ("GET", "/inspections/{own_inspection}/photos", ANON, 401),
    ("GET", "/inspections/{own_inspection}/photos", INSP, 200),
    ("GET", "/inspections/{own_inspection}/photos", MGR, 200),
    ("GET", "/inspections/{own_inspection}/photos", COORD, 200),
    ("GET", "/inspections/{own_inspection}/photos", VIEW, 403),
    ("GET", "/inspections/{other_inspection}/photos", INSP, 200),
    ("GET", "/inspections/{other_inspection}/photos", MGR, 404),
    ("GET", "/inspections/{other_inspection}/photos", VIEW, 403),
    ("GET", "/inspections/{own_inspection}/photos/{own_photo}", ANON, 401),
    ("GET", "/inspections/{own_inspection}/photos/{own_photo}", INSP, 200),
    ("GET", "/inspections/{own_inspection}/photos/{own_photo}", MGR, 200),
    ("GET", "/inspections/{own_inspection}/photos/{own_photo}", COORD, 200),
    ("GET", "/inspections/{own_inspection}/photos/{own_photo}", VIEW, 403),
    ("GET", "/inspections/{other_inspection}/photos/{other_photo}", INSP, 200),
    ("GET", "/inspections/{other_inspection}/photos/{other_photo}", MGR, 404),
    ("GET", "/inspections/{other_inspection}/photos/{other_photo}", COORD, 200),
    ("GET", "/inspections/{other_inspection}/photos/{other_photo}", VIEW, 403),
    # --- findings: read by all but viewers, answered by the manager or a coordinator ---
    ("GET", "/findings", ANON, 401),
    ("GET", "/findings", INSP, 200),
    ("GET", "/findings", MGR, 200),
    ("GET", "/findings", COORD, 200),
    ("GET", "/findings", VIEW, 403),
    ("GET", "/findings/{own_finding}", ANON, 401),
    ("GET", "/findings/{own_finding}", INSP, 200),
    ("GET", "/findings/{own_finding}", MGR, 200),
    ("GET", "/findings/{own_finding}", COORD, 200),
    ("GET", "/findings/{own_finding}", VIEW, 403),
    ("GET", "/findings/{other_finding}", INSP, 200),
    ("GET", "/findings/{other_finding}", MGR, 404),
    ("GET", "/findings/{other_finding}", VIEW, 403),
    ("POST", "/findings/{own_finding}/responses", ANON, 401),
    ("POST", "/findings/{own_finding}/responses", INSP, 403),
    ("POST", "/findings/{own_finding}/responses", MGR, 201),
    ("POST", "/findings/{own_finding}/responses", COORD, 201),
    ("POST", "/findings/{own_finding}/responses", VIEW, 403),
    ("POST", "/findings/{other_finding}/responses", MGR, 404),
    ("POST", "/findings/{other_finding}/responses", COORD, 201),
    ("POST", "/findings/{own_finding}/responses/{own_response}/photos", ANON, 401),
    ("POST", "/findings/{own_finding}/responses/{own_response}/photos", INSP, 403),
    ("POST", "/findings/{own_finding}/responses/{own_response}/photos", MGR, 201),
    ("POST", "/findings/{own_finding}/responses/{own_response}/photos", COORD, 201),
    ("POST", "/findings/{own_finding}/responses/{own_response}/photos", VIEW, 403),
    ("POST", "/findings/{other_finding}/responses/{other_response}/photos", MGR, 404),
    ("GET", "/findings/{own_finding}/responses/{own_response}/photos/{own_evidence}", ANON, 401),
    ("GET", "/findings/{own_finding}/responses/{own_response}/photos/{own_evidence}", INSP, 200),
    ("GET", "/findings/{own_finding}/responses/{own_response}/photos/{own_evidence}", MGR, 200),
    ("GET", "/findings/{own_finding}/responses/{own_response}/photos/{own_evidence}", COORD, 200),
    ("GET", "/findings/{own_finding}/responses/{own_response}/photos/{own_evidence}", VIEW, 403),
    (
        "GET",
        "/findings/{other_finding}/responses/{other_response}/photos/{other_evidence}",
        MGR,
        404,
    ),
    # --- user accounts (coordinators only) --------------------------------------------
    ("GET", "/users", ANON, 401),
    ("GET", "/users", INSP, 403),
    ("GET", "/users", MGR, 403),
    ("GET", "/users", COORD, 200),
    ("GET", "/users", VIEW, 403),
    ("POST", "/users", ANON, 401),
    ("POST", "/users", INSP, 403),
    ("POST", "/users", MGR, 403),
    ("POST", "/users", COORD, 201),
    ("POST", "/users", VIEW, 403),
    ("GET", "/users/{user}", ANON, 401),
    ("GET", "/users/{user}", INSP, 403),
    ("GET", "/users/{user}", MGR, 403),
    ("GET", "/users/{user}", COORD, 200),
    ("GET", "/users/{user}", VIEW, 403),
    ("PATCH", "/users/{user}", ANON, 401),
    ("PATCH", "/users/{user}", INSP, 403),
    ("PATCH", "/users/{user}", MGR, 403),
    ("PATCH", "/users/{user}", COORD, 200),
    ("PATCH", "/users/{user}", VIEW, 403),
    ("DELETE", "/users/{user}/tokens", ANON, 401),
    ("DELETE", "/users/{user}/tokens", INSP, 403),
    ("DELETE", "/users/{user}/tokens", MGR, 403),
    ("DELETE", "/users/{user}/tokens", COORD, 204),
    ("DELETE", "/users/{user}/tokens", VIEW, 403),
    # --- geodata: exports and maps (managers get their own locations only) ---------
    ("GET", "/exports/locations.geojson", ANON, 401),
    ("GET", "/exports/locations.geojson", INSP, 200),
    ("GET", "/exports/locations.geojson", MGR, 200),
    ("GET", "/exports/locations.geojson", COORD, 200),
    ("GET", "/exports/locations.geojson", VIEW, 200),
    ("GET", "/exports/locations.gpkg", ANON, 401),
    ("GET", "/exports/locations.gpkg", INSP, 200),
    ("GET", "/exports/locations.gpkg", MGR, 200),
    ("GET", "/exports/locations.gpkg", COORD, 200),
    ("GET", "/exports/locations.gpkg", VIEW, 200),
    ("GET", "/exports/locations.csv", ANON, 401),
    ("GET", "/exports/locations.csv", INSP, 200),
    ("GET", "/exports/locations.csv", MGR, 200),
    ("GET", "/exports/locations.csv", COORD, 200),
    ("GET", "/exports/locations.csv", VIEW, 200),
    ("GET", "/exports/regions.geojson", ANON, 401),
    ("GET", "/exports/regions.geojson", INSP, 200),
    ("GET", "/exports/regions.geojson", MGR, 200),
    ("GET", "/exports/regions.geojson", COORD, 200),
    ("GET", "/exports/regions.geojson", VIEW, 200),
    ("GET", "/maps/locations.png", ANON, 401),
    ("GET", "/maps/locations.png", INSP, 200),
    ("GET", "/maps/locations.png", MGR, 200),
    ("GET", "/maps/locations.png", COORD, 200),
    ("GET", "/maps/locations.png", VIEW, 200),
    # --- reports and hearing (concept: only the writers read it; hearing: the manager too) ---
    ("POST", "/inspections/{own_inspection}/report", ANON, 401),
    ("POST", "/inspections/{own_inspection}/report", INSP, 201),
    ("POST", "/inspections/{own_inspection}/report", MGR, 403),
    ("POST", "/inspections/{own_inspection}/report", COORD, 201),
    ("POST", "/inspections/{own_inspection}/report", VIEW, 403),
    ("GET", "/reports", ANON, 401),
    ("GET", "/reports", INSP, 200),
    ("GET", "/reports", MGR, 200),
    ("GET", "/reports", COORD, 200),
    ("GET", "/reports", VIEW, 200),
    ("GET", "/reports/{concept_report}", ANON, 401),
    ("GET", "/reports/{concept_report}", INSP, 200),
    ("GET", "/reports/{concept_report}", MGR, 404),
    ("GET", "/reports/{concept_report}", COORD, 200),
    ("GET", "/reports/{concept_report}", VIEW, 404),
    ("GET", "/reports/{hearing_report}", ANON, 401),
    ("GET", "/reports/{hearing_report}", INSP, 200),
    ("GET", "/reports/{hearing_report}", MGR, 200),
    ("GET", "/reports/{hearing_report}", COORD, 200),
    ("GET", "/reports/{hearing_report}", VIEW, 404),
    ("GET", "/reports/{concept_report}.pdf", ANON, 401),
    ("GET", "/reports/{concept_report}.pdf", INSP, 200),
    ("GET", "/reports/{concept_report}.pdf", MGR, 404),
    ("GET", "/reports/{concept_report}.pdf", COORD, 200),
    ("GET", "/reports/{concept_report}.pdf", VIEW, 404),
    ("GET", "/reports/{concept_report}.html", ANON, 401),
    ("GET", "/reports/{concept_report}.html", INSP, 200),
    ("GET", "/reports/{concept_report}.html", MGR, 404),
    ("GET", "/reports/{concept_report}.html", COORD, 200),
    ("GET", "/reports/{concept_report}.html", VIEW, 404),
    ("GET", "/reports/national.pdf", ANON, 401),
    ("GET", "/reports/national.pdf", INSP, 403),
    ("GET", "/reports/national.pdf", MGR, 403),
    ("GET", "/reports/national.pdf", COORD, 200),
    ("GET", "/reports/national.pdf", VIEW, 200),
    ("GET", "/reports/national.html", ANON, 401),
    ("GET", "/reports/national.html", INSP, 403),
    ("GET", "/reports/national.html", MGR, 403),
    ("GET", "/reports/national.html", COORD, 200),
    ("GET", "/reports/national.html", VIEW, 200),
    ("POST", "/reports/{concept_report}/send", ANON, 401),
    ("POST", "/reports/{concept_report}/send", INSP, 200),
    ("POST", "/reports/{concept_report}/send", MGR, 403),
    ("POST", "/reports/{concept_report}/send", COORD, 200),
    ("POST", "/reports/{concept_report}/send", VIEW, 403),
    ("POST", "/reports/{hearing_report}/reactions", ANON, 401),
    ("POST", "/reports/{hearing_report}/reactions", INSP, 403),
    ("POST", "/reports/{hearing_report}/reactions", MGR, 201),
    ("POST", "/reports/{hearing_report}/reactions", COORD, 403),
    ("POST", "/reports/{hearing_report}/reactions", VIEW, 403),
    ("POST", "/reports/{hearing_report}/adopt", ANON, 401),
    ("POST", "/reports/{hearing_report}/adopt", INSP, 403),
    ("POST", "/reports/{hearing_report}/adopt", MGR, 403),
    ("POST", "/reports/{hearing_report}/adopt", COORD, 200),
    ("POST", "/reports/{hearing_report}/adopt", VIEW, 403),
    ("POST", "/reports/{adopted_report}/publish", ANON, 401),
    ("POST", "/reports/{adopted_report}/publish", INSP, 403),
    ("POST", "/reports/{adopted_report}/publish", MGR, 403),
    ("POST", "/reports/{adopted_report}/publish", COORD, 200),
    ("POST", "/reports/{adopted_report}/publish", VIEW, 403),
]


def openapi_path(template: str) -> str:
    """The OpenAPI path a table template stands for: /locations/{other} -> /locations/{code}."""
    return API + re.sub(r"\{(\w+)\}", lambda m: "{" + PLACEHOLDERS[m.group(1)] + "}", template)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def new_norm_set_version() -> dict[str, Any]:
    document = json_ready(read_document(DEFAULT_NORM_SET_FILE))
    return {**document, "version": "2099.1", "valid_from": "2099-01-01"}


@pytest.fixture
def world(client, norm_set, create_location, create_user, login, make_submission):
    """OWN (the manager's) and OTHER, each with an inspection and a photo; one user per role.

    The inspections fail HYG-01 (too few toilets): each location has a
    finding, with a coordinator's response and a photo as its evidence.
    """
    create_location(code="OWN", name="Eigen locatie", municipality="Westerwolde")
    create_location(
        code="OTHER", name="Andere locatie", municipality="Zwolle", province="Overijssel"
    )
    users = {
        "inspector": create_user("inspector"),
        "manager": create_user("manager", ("OWN",)),
        "coordinator": create_user("coordinator"),
        "viewer": create_user("viewer"),
    }
    inspector = login(users["inspector"].username)
    ids: dict[str, str] = {}
    coordinator = login(users["coordinator"].username)
    for key, code in (("own", "OWN"), ("other", "OTHER")):
        body = make_submission(location=code)
        body["answers"]["toilets_working"] = 15
        response = client.post(f"{API}/inspections", json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()
        ids[f"{key}_inspection"] = body["id"]
        photo = client.post(
            f"{API}/inspections/{body['id']}/photos",
            data={"photo": (io.BytesIO(png_bytes()), "photo.png", "image/png")},
            headers=inspector,
            content_type="multipart/form-data",
        )
        assert photo.status_code == 201, photo.get_json()
        ids[f"{key}_photo"] = photo.get_json()["id"]
        findings = client.get(f"{API}/findings?location={code}", headers=coordinator).get_json()
        ids[f"{key}_finding"] = finding = findings["items"][0]["id"]
        answer = client.post(
            f"{API}/findings/{finding}/responses", json={"text": "Besteld"}, headers=coordinator
        )
        assert answer.status_code == 201, answer.get_json()
        ids[f"{key}_response"] = answer.get_json()["id"]
        evidence = client.post(
            f"{API}/findings/{finding}/responses/{ids[f'{key}_response']}/photos",
            data={"photo": (io.BytesIO(png_bytes()), "photo.png", "image/png")},
            headers=coordinator,
            content_type="multipart/form-data",
        )
        assert evidence.status_code == 201, evidence.get_json()
        ids[f"{key}_evidence"] = evidence.get_json()["id"]
    return {"users": users, "ids": ids}


def request_kwargs(method: str, template: str, role: str | None, world, make_submission):
    """A valid body for the row, so that only the caller decides the status."""
    if template == "/exports/regions.geojson":
        return {"query_string": {"level": "province"}}
    if (method, template) == ("POST", "/auth/tokens"):
        username = world["users"][role or "inspector"].username
        return {"json": {"username": username, "password": "correct horse battery"}}
    if (method, template) == ("POST", "/users"):
        return {"json": {"username": "nieuw", "password": "een lang wachtwoord", "role": "viewer"}}
    if (method, template) == ("PATCH", "/users/{user}"):
        return {"json": {"active": True}}
    if (method, template) == ("POST", "/locations"):
        return {
            "json": {
                "code": "NIEUW-1",
                "name": "Nieuwe noodopvang",
                "type": "noodopvang",
                "municipality": "Groningen",
                "province": "Groningen",
                "latitude": 53.2194,
                "longitude": 6.5665,
                "capacity": 150,
            }
        }
    if template.endswith("/reactions"):
        return {
            "json": {"text": "Wij herkennen het beeld.", "corrections": {"HYG-01": "Hersteld."}}
        }
    if template.endswith("/adopt"):
        return {"json": {"handling": "De reactie is meegewogen."}}
    if method == "PATCH":
        return {"json": {"capacity": 320, "name": "Hernoemde locatie"}}
    if (method, template) == ("POST", "/location-types"):
        return {
            "json": {
                "code": "asielhotel",
                "name_nl": "Asielhotel",
                "name_en": "Asylum hotel",
                "kind": "emergency",
                "responsible": "COA",
            }
        }
    if (method, template) == ("POST", "/norm-sets"):
        return {"json": new_norm_set_version()}
    if method == "POST" and template.endswith("/responses"):
        return {"json": {"text": "De toiletten zijn gerepareerd", "planned_date": "2026-12-01"}}
    if (method, template) == ("POST", "/inspections"):
        return {"json": make_submission(location="OWN", id=str(uuid.uuid4()))}
    if method == "POST" and template.endswith("/photos"):
        return {
            "data": {"photo": (io.BytesIO(png_bytes()), "photo.png", "image/png")},
            "content_type": "multipart/form-data",
        }
    return {}


def reports_in_every_state(client, login, world, make_submission) -> dict[str, int]:
    """Reports of three more visits to OWN: a concept, one in the hearing (the manager has
    reacted, so it may be adopted) and an adopted one."""
    users = world["users"]
    inspector = login(users["inspector"].username)
    manager = login(users["manager"].username)
    coordinator = login(users["coordinator"].username)
    ids = {}
    for state in ("concept", "hearing", "adopted"):
        body = make_submission(location="OWN")
        assert client.post(f"{API}/inspections", json=body, headers=inspector).status_code == 201
        made = client.post(f"{API}/inspections/{body['id']}/report", headers=inspector)
        report_id = made.get_json()["id"]
        if state != "concept":
            client.post(f"{API}/reports/{report_id}/send", headers=inspector)
            reaction = {"text": "Gezien.", "corrections": {}}
            client.post(f"{API}/reports/{report_id}/reactions", json=reaction, headers=manager)
        if state == "adopted":
            handling = {"handling": "Meegewogen."}
            client.post(f"{API}/reports/{report_id}/adopt", json=handling, headers=coordinator)
        ids[f"{state}_report"] = report_id
    return ids


def test_the_table_covers_every_endpoint_for_every_role(client):
    """A new endpoint without rows for all five callers fails here."""
    document = client.get(f"{API}/openapi.json").get_json()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = {(method, openapi_path(template), role) for method, template, role, _ in ACCESS}

    missing = sorted(
        (method, path, str(role))
        for method, path in documented
        for role in ROLES
        if (method, path, role) not in covered
    )
    stale = sorted({(m, p) for m, p, _ in covered} - documented)

    assert missing == []
    assert stale == []


def test_the_table_has_no_duplicate_rows():
    rows = [(method, template, role) for method, template, role, _ in ACCESS]
    assert len(rows) == len(set(rows))


@pytest.mark.parametrize(
    ("method", "template", "role", "expected"),
    ACCESS,
    ids=[f"{m} {t} {r or 'anonymous'}" for m, t, r, _ in ACCESS],
)
def test_access(client, login, world, make_submission, method, template, role, expected):
    headers = login(world["users"][role].username) if role else {}
    values = {
        "own": "OWN",
        "other": "OTHER",
        "catalogue": "nl-children",
        "version": "2023.1",
        "user": world["users"]["inspector"].username,
    }
    if "/reports/" in template:
        values.update(reports_in_every_state(client, login, world, make_submission))
    path = API + template.format(type="azc", **values, **world["ids"])
    kwargs = request_kwargs(method, template, role, world, make_submission)

    response = client.open(path, method=method, headers=headers, **kwargs)

    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected >= 400:
        error = response.get_json()["error"]
        assert error["code"] == {401: "unauthorized", 403: "forbidden", 404: "not_found"}[expected]
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_no_longer_works(client, login, world):
    headers = login(world["users"]["viewer"].username)

    assert client.delete(f"{API}/auth/tokens/current", headers=headers).status_code == 204

    assert client.get(f"{API}/locations", headers=headers).status_code == 401
    assert client.delete(f"{API}/auth/tokens/current", headers=headers).status_code == 401


def test_a_manager_lists_only_the_inspections_and_locations_of_their_own(client, login, world):
    headers = login(world["users"]["manager"].username)

    inspections = client.get(f"{API}/inspections", headers=headers).get_json()
    locations = client.get(f"{API}/locations", headers=headers).get_json()
    filtered = client.get(f"{API}/inspections?location=OTHER", headers=headers)

    assert [i["location"] for i in inspections["items"]] == ["OWN"]
    assert inspections["total"] == 1
    assert [loc["code"] for loc in locations["items"]] == ["OWN"]
    assert locations["total"] == 1
    assert filtered.status_code == 404


def test_others_list_every_location_and_inspection(client, login, world):
    for role in ("inspector", "coordinator"):
        headers = login(world["users"][role].username)
        inspections = client.get(f"{API}/inspections", headers=headers).get_json()
        assert sorted(i["location"] for i in inspections["items"]) == ["OTHER", "OWN"], role
    for role in ("inspector", "coordinator", "viewer"):
        headers = login(world["users"][role].username)
        locations = client.get(f"{API}/locations", headers=headers).get_json()
        assert [loc["code"] for loc in locations["items"]] == ["OTHER", "OWN"], role


@pytest.mark.parametrize(
    ("method", "path", "role", "kwargs", "expected"),
    [
        ("POST", "/locations", None, {"json": {"code": "x"}}, 401),
        ("GET", "/forms/azc", None, {"query_string": {"lang": "de"}}, 401),
        ("POST", "/inspections", None, {"json": {"id": "not-a-uuid"}}, 401),
        ("POST", "/locations", "viewer", {"json": {"code": "x"}}, 403),
        ("POST", "/norm-sets", "inspector", {"json": {"catalogue": "x"}}, 403),
        ("POST", "/inspections", "manager", {"json": {"id": "not-a-uuid"}}, 403),
        (
            "POST",
            "/inspections/no-such-inspection/photos",
            "viewer",
            {"data": {"norm": "x" * 40}, "content_type": "multipart/form-data"},
            403,
        ),
    ],
    ids=[
        "anonymous-location",
        "anonymous-form",
        "anonymous-inspection",
        "viewer-location",
        "inspector-norm-set",
        "manager-inspection",
        "viewer-photo",
    ],
)
def test_who_calls_is_checked_before_what_is_sent(
    client, norm_set, headers_for, method, path, role, kwargs, expected
):
    """An invalid body from someone who may not call at all is refused for who they are."""
    headers = headers_for(role) if role else {}

    response = client.open(API + path, method=method, headers=headers, **kwargs)

    assert response.status_code == expected, response.get_json()
    assert "fields" not in response.get_json()["error"]
