"""Coordinators manage accounts through the API: a lost phone or a leaked password is one call."""

from __future__ import annotations

import json

import pytest

from inspection.db import db
from inspection.models import AuditEvent, User

USERS = "/api/v1/users"
PASSWORD = "correct horse battery"


@pytest.fixture
def coordinator(create_user, login):
    create_user("coordinator", username="coordinator")
    return login("coordinator")


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_a_coordinator_creates_a_manager_who_can_log_in(
    client, coordinator, create_location, login
):
    create_location(code="TER-APEL")
    body = {
        "username": "beheer.noord",
        "password": "een lang wachtwoord",
        "role": "manager",
        "locations": ["TER-APEL"],
    }

    response = client.post(USERS, json=body, headers=coordinator)

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["username"] == "beheer.noord"
    assert created["role"] == "manager"
    assert created["locations"] == ["TER-APEL"]
    assert created["active"] is True
    assert "password" not in created
    login("beheer.noord", "een lang wachtwoord")
    [event] = [e for e in events("user.created") if e.subject_id == "beheer.noord"]
    assert event.actor_id == db.session.scalar(
        db.select(User.id).where(User.username == "coordinator")
    )
    assert "een lang wachtwoord" not in json.dumps(event.details)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        pytest.param(" " * 12, "too easy to guess", id="twelve-spaces"),
        pytest.param("a" * 12, "too easy to guess", id="one-letter-repeated"),
        pytest.param("password1234", "too easy to guess", id="common-password"),
        pytest.param("qwertyuiopas", "too easy to guess", id="keyboard-walk"),
        pytest.param("welkom01", "at least 12 characters", id="short"),
    ],
)
def test_a_weak_password_is_refused_naming_the_field_and_why(client, coordinator, password, why):
    body = {"username": "j.devries", "password": password, "role": "inspector"}

    response = client.post(USERS, json=body, headers=coordinator)

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert list(error["fields"]) == ["password"]
    assert why in error["fields"]["password"][0]
    assert db.session.scalar(db.select(User).where(User.username == "j.devries")) is None


def test_a_password_built_on_the_username_is_refused(client, coordinator):
    body = {"username": "jdevries", "password": "jdevriesjdevries", "role": "inspector"}

    response = client.post(USERS, json=body, headers=coordinator)

    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


def test_creating_refusals_name_the_field(client, coordinator):
    cases = [
        ({"username": "X Y", "password": PASSWORD, "role": "inspector"}, "username"),
        ({"username": "x.y", "password": PASSWORD, "role": "admin"}, "role"),
        ({"username": "x.y", "password": PASSWORD, "role": "viewer", "locations": ["A"]}, None),
        ({"username": "x.y", "password": PASSWORD, "role": "manager", "locations": ["NOPE"]}, None),
        ({"username": "x.y", "role": "inspector"}, "password"),
    ]
    for body, field in cases:
        response = client.post(USERS, json=body, headers=coordinator)
        assert response.status_code == 422, (body, response.get_json())
        assert list(response.get_json()["error"]["fields"]) == [field or "locations"], body
    taken = client.post(
        USERS,
        json={"username": "coordinator", "password": PASSWORD, "role": "viewer"},
        headers=coordinator,
    )
    assert taken.status_code == 409
    assert taken.get_json()["error"]["fields"] == {"username": ["already in use"]}


def test_deactivating_ends_the_users_sessions_at_once(
    client, coordinator, create_user, login, norm_set
):
    create_user("inspector", username="inspecteur")
    phone, laptop = login("inspecteur"), login("inspecteur")
    assert client.get("/api/v1/norm-sets", headers=phone).status_code == 200

    response = client.patch(f"{USERS}/inspecteur", json={"active": False}, headers=coordinator)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is False
    for headers in (phone, laptop):
        assert client.get("/api/v1/norm-sets", headers=headers).status_code == 401
    refused = client.post(
        "/api/v1/auth/tokens", json={"username": "inspecteur", "password": PASSWORD}
    )
    assert refused.status_code == 401
    [updated] = events("user.updated")
    assert updated.details["changes"] == {"active": {"before": True, "after": False}}
    [revoked] = events("user.tokens_revoked")
    assert revoked.details == {"tokens": 2, "reason": "deactivated"}

    again = client.patch(f"{USERS}/inspecteur", json={"active": True}, headers=coordinator)

    assert again.status_code == 200
    login("inspecteur")
    assert client.get("/api/v1/norm-sets", headers=phone).status_code == 401


def test_a_new_password_revokes_the_old_tokens(client, coordinator, create_user, login, norm_set):
    create_user("inspector", username="inspecteur")
    old = login("inspecteur")

    response = client.patch(
        f"{USERS}/inspecteur", json={"password": "een nieuw lang wachtwoord"}, headers=coordinator
    )

    assert response.status_code == 200, response.get_json()
    assert client.get("/api/v1/norm-sets", headers=old).status_code == 401
    refused = client.post(
        "/api/v1/auth/tokens", json={"username": "inspecteur", "password": PASSWORD}
    )
    assert refused.status_code == 401
    login("inspecteur", "een nieuw lang wachtwoord")
    [updated] = events("user.updated")
    assert updated.details["changes"] == {"password": {"changed": True}}
    assert "nieuw" not in json.dumps([e.details for e in events("user.updated")])
    assert events("user.tokens_revoked")[0].details["reason"] == "password changed"


def test_a_weak_new_password_changes_nothing(client, coordinator, create_user, login, norm_set):
    create_user("inspector", username="inspecteur")
    headers = login("inspecteur")

    response = client.patch(
        f"{USERS}/inspecteur", json={"password": "aaaaaaaaaaaa"}, headers=coordinator
    )

    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/norm-sets", headers=headers).status_code == 200
    login("inspecteur")


def test_roles_and_locations_change_together(client, coordinator, create_user, create_location):
    create_location(code="TER-APEL")
    create_location(code="BUDEL")
    create_user("manager", ("TER-APEL",), username="beheerder")

    moved = client.patch(
        f"{USERS}/beheerder", json={"locations": ["BUDEL", "TER-APEL"]}, headers=coordinator
    )
    promoted = client.patch(f"{USERS}/beheerder", json={"role": "inspector"}, headers=coordinator)
    scoped = client.patch(f"{USERS}/beheerder", json={"locations": ["BUDEL"]}, headers=coordinator)

    assert moved.get_json()["locations"] == ["BUDEL", "TER-APEL"]
    # Only managers are scoped: another role drops the locations.
    assert promoted.status_code == 200
    assert promoted.get_json()["locations"] == []
    assert scoped.status_code == 422
    assert "locations" in scoped.get_json()["error"]["fields"]
    changes = [e.details["changes"] for e in events("user.updated")]
    assert changes == [
        {"locations": {"before": ["TER-APEL"], "after": ["BUDEL", "TER-APEL"]}},
        {
            "role": {"before": "manager", "after": "inspector"},
            "locations": {"before": ["BUDEL", "TER-APEL"], "after": []},
        },
    ]


def test_the_last_active_coordinator_stays(client, coordinator, create_user):
    alone = client.patch(f"{USERS}/coordinator", json={"active": False}, headers=coordinator)
    demoted = client.patch(f"{USERS}/coordinator", json={"role": "viewer"}, headers=coordinator)

    assert alone.status_code == demoted.status_code == 409
    assert "active" in alone.get_json()["error"]["fields"]
    assert "role" in demoted.get_json()["error"]["fields"]

    create_user("coordinator", username="tweede")
    assert (
        client.patch(f"{USERS}/coordinator", json={"active": False}, headers=coordinator)
    ).status_code == 200


def test_revoking_a_users_tokens(client, coordinator, create_user, login, norm_set):
    create_user("viewer", username="analist")
    lost_phone = login("analist")

    response = client.delete(f"{USERS}/analist/tokens", headers=coordinator)

    assert response.status_code == 204
    assert client.get("/api/v1/norm-sets", headers=lost_phone).status_code == 401
    assert client.get("/api/v1/norm-sets", headers=coordinator).status_code == 200
    [event] = events("user.tokens_revoked")
    assert (event.subject_id, event.details["tokens"]) == ("analist", 1)
    login("analist")  # the account itself still works


def test_listing_and_reading_users(client, coordinator, create_user, create_location):
    create_location(code="TER-APEL")
    create_user("manager", ("TER-APEL",), username="beheerder")
    create_user("viewer", username="analist").active = False
    db.session.commit()

    everyone = client.get(USERS, headers=coordinator).get_json()
    managers = client.get(USERS, query_string={"role": "manager"}, headers=coordinator)
    inactive = client.get(USERS, query_string={"active": "false"}, headers=coordinator)
    one = client.get(f"{USERS}/beheerder", headers=coordinator)

    assert [u["username"] for u in everyone["items"]] == ["analist", "beheerder", "coordinator"]
    assert everyone["total"] == 3
    assert [u["username"] for u in managers.get_json()["items"]] == ["beheerder"]
    assert [u["username"] for u in inactive.get_json()["items"]] == ["analist"]
    assert one.get_json()["locations"] == ["TER-APEL"]
    assert set(one.get_json()) == {"username", "role", "active", "locations", "created_at"}


def test_an_unknown_user_is_404(client, coordinator):
    for method, path in (
        ("GET", f"{USERS}/niemand"),
        ("PATCH", f"{USERS}/niemand"),
        ("DELETE", f"{USERS}/niemand/tokens"),
    ):
        response = client.open(path, method=method, json={"active": True}, headers=coordinator)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"
