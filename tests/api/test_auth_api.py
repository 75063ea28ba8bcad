"""Logging in: tokens for a password, kept hashed, expiring, revocable, rate limited."""

from __future__ import annotations

from datetime import timedelta

from inspection.auth import token_digest
from inspection.db import db, utcnow
from inspection.models import ApiToken, AuditEvent, FailedLogin

PASSWORD = "correct horse battery"


def post_login(client, username, password=PASSWORD, address="10.1.1.1"):
    return client.post(
        "/api/v1/auth/tokens",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_logging_in_gives_a_token_that_works(client, create_user, create_location):
    create_location(code="TER-APEL")
    create_user("manager", ("TER-APEL",), username="beheerder")

    response = post_login(client, "beheerder")

    assert response.status_code == 201
    body = response.get_json()
    assert body["user"] == {"username": "beheerder", "role": "manager", "locations": ["TER-APEL"]}
    assert body["expires_at"] > utcnow().isoformat()
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/locations/TER-APEL", headers=headers).status_code == 200


def test_tokens_are_stored_only_as_a_digest(client, create_user):
    create_user("inspector", username="inspecteur")

    token = post_login(client, "inspecteur").get_json()["token"]

    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert stored == [token_digest(token)]
    assert token not in stored


def test_a_wrong_password_is_refused_recorded_and_audited(client, create_user):
    create_user("inspector", username="inspecteur")

    wrong = post_login(client, "inspecteur", "not the password")
    unknown = post_login(client, "niemand")

    assert wrong.status_code == unknown.status_code == 401
    # The same answer for both: the response does not tell which usernames exist.
    assert wrong.get_json() == unknown.get_json()
    assert db.session.scalar(db.select(db.func.count()).select_from(FailedLogin)) == 2
    failed = db.session.scalars(
        db.select(AuditEvent.subject_id).where(AuditEvent.action == "auth.login_failed")
    ).all()
    assert sorted(failed) == ["inspecteur", "niemand"]


def test_old_failures_no_longer_count(app, client, create_user):
    create_user("inspector", username="inspecteur")
    long_ago = utcnow() - timedelta(minutes=16)
    for _ in range(5):
        db.session.add(
            FailedLogin(username="inspecteur", address="10.0.0.1", attempted_at=long_ago)
        )
    db.session.commit()

    assert post_login(client, "inspecteur").status_code == 201
    # The next failure clears the expired ones: the table does not grow without end.
    assert post_login(client, "inspecteur", "fout").status_code == 401
    assert db.session.scalar(db.select(db.func.count()).select_from(FailedLogin)) == 1


def test_no_or_a_bad_token_is_401(client, norm_set):
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eDp5"}):
        response = client.get("/api/v1/norm-sets", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_expired_token_is_refused(client, create_user, login, norm_set):
    create_user("viewer", username="analist")
    headers = login("analist")
    for token in db.session.scalars(db.select(ApiToken)):
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert client.get("/api/v1/norm-sets", headers=headers).status_code == 401


def test_logging_out_revokes_the_token(client, create_user, login, norm_set):
    create_user("viewer", username="analist")
    headers = login("analist")
    other = login("analist")

    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204

    assert client.get("/api/v1/norm-sets", headers=headers).status_code == 401
    assert client.get("/api/v1/norm-sets", headers=other).status_code == 200


def test_a_deactivated_user_cannot_log_in_or_use_a_token(client, create_user, login, norm_set):
    user = create_user("viewer", username="analist")
    headers = login("analist")
    user.active = False
    db.session.commit()

    assert client.get("/api/v1/norm-sets", headers=headers).status_code == 401
    assert post_login(client, "analist").status_code == 401


def test_a_login_without_password_names_the_field(client):
    response = client.post("/api/v1/auth/tokens", json={"username": "x"})

    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]
