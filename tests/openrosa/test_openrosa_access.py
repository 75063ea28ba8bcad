"""Who may use the OpenRosa endpoints, and logging in with HTTP Basic as ODK Collect does.

The access-matrix test of the JSON API walks its OpenAPI document; these
endpoints are not in it, so they have their own table: every endpoint, for
every role and for nobody.
"""

from __future__ import annotations

import base64
import io
import uuid

import pytest
from conftest import PASSWORD, basic, fill_instance, message_of

from inspection.db import db
from inspection.models import AuditEvent, FailedLogin

ANON, INSP, MGR, COORD, VIEW = None, "inspector", "manager", "coordinator", "viewer"
ROLES = (ANON, INSP, MGR, COORD, VIEW)
# (method, path) -> status per role, in the order of ROLES.
ACCESS: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/openrosa/formList"): (401, 200, 403, 200, 403),
    ("GET", "/openrosa/forms/inspection-azc.xml"): (401, 200, 403, 200, 403),
    ("HEAD", "/openrosa/submission"): (401, 204, 403, 204, 403),
    ("GET", "/openrosa/submission"): (401, 204, 403, 204, 403),
    ("POST", "/openrosa/submission"): (401, 201, 403, 201, 403),
}


def test_the_table_covers_every_openrosa_endpoint(app):
    # Flask answers HEAD wherever it answers GET; only the submission's HEAD is ours.
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/openrosa")
        for method in rule.methods - {"OPTIONS", "HEAD"}
    }
    listed = {(m, p.replace("inspection-azc.xml", "<form_id>.xml")) for m, p in ACCESS}
    assert served | {("HEAD", "/openrosa/submission")} == listed | {("GET", "/openrosa/submission")}


@pytest.mark.parametrize(
    ("method", "path", "role", "expected"),
    [
        (method, path, role, status)
        for (method, path), statuses in ACCESS.items()
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_access(
    method, path, role, expected, client, locations, create_user, download, passing_answers
):
    headers = {"X-OpenRosa-Version": "1.0"}
    if role is not None:
        user = create_user(role, ("TER-APEL",) if role == MGR else ())
        headers.update(basic(user.username))
    kwargs = {}
    if method == "POST":
        form_xml = download("inspection-azc", basic(create_user("inspector").username))
        answers = {k: v for k, v in passing_answers.items() if k not in NOT_AT_AZC}
        xml = fill_instance(
            form_xml,
            dict(answers, location="TER-APEL", observed_at="2026-11-20T10:15:00+01:00"),
            str(uuid.uuid4()),
        )
        kwargs = {"data": {"xml_submission_file": (io.BytesIO(xml), "i.xml")}}
    response = client.open(path, method=method, headers=headers, **kwargs)
    assert response.status_code == expected, response.data
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Inspecties", charset="UTF-8"'
    if expected == 403:
        assert b"GEHEIM" not in response.data and b"TER-APEL" not in response.data


NOT_AT_AZC = {"quiet_hours_enforced", "medical_intake_pct", "max_child_stay_days"}


def test_a_wrong_password_is_challenged_again_and_counted(client, locations, inspector):
    response = client.get("/openrosa/formList", headers=basic("veldwerker", "verkeerd"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert message_of(response) == "Onbekende gebruiker of onjuist wachtwoord."
    assert db.session.query(FailedLogin).filter_by(username="veldwerker").count() == 1
    assert db.session.query(AuditEvent).filter_by(action="auth.login_failed").count() == 1


def test_the_challenge_itself_is_not_a_failed_login(client, locations, inspector):
    for _ in range(10):
        assert client.get("/openrosa/formList").status_code == 401
    assert db.session.query(FailedLogin).count() == 0
    assert client.get("/openrosa/formList", headers=basic("veldwerker")).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Basic", "Basic !!!", "Basic " + base64.b64encode(b"no colon").decode(), "Bearer abc"],
)
def test_malformed_credentials_are_challenged(header, client, locations):
    response = client.get("/openrosa/formList", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_a_deactivated_account_cannot_log_in(client, locations, inspector):
    inspector.active = False
    db.session.commit()
    assert client.get("/openrosa/formList", headers=basic("veldwerker")).status_code == 401


def test_failures_count_towards_the_same_limit_as_the_token_endpoint(
    app, client, locations, inspector
):
    limit = app.config["LOGIN_FAILURES_PER_USERNAME"]
    for _ in range(limit - 1):
        assert client.get("/openrosa/formList", headers=basic("veldwerker", "x")).status_code == 401
    token = client.post("/api/v1/auth/tokens", json={"username": "veldwerker", "password": "x"})
    assert token.status_code == 401

    # The limit is reached, also for the right password, on both doors.
    blocked = client.get("/openrosa/formList", headers=basic("veldwerker"))
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert message_of(blocked).startswith("Te veel mislukte aanmeldpogingen")
    api = client.post("/api/v1/auth/tokens", json={"username": "veldwerker", "password": PASSWORD})
    assert api.status_code == 429
