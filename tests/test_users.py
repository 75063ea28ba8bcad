"""Coordinators create users from the command line; passwords are never stored readable."""

from __future__ import annotations

from inspection.db import db
from inspection.models import AuditEvent, User
from inspection.passwords import verify_password
from inspection.users import user_by_username


def test_creating_an_inspector_with_the_password_on_stdin(cli):
    result = cli.invoke(
        args=["users", "create", "j.devries", "--role", "inspector", "--password-stdin"],
        input="een lang wachtwoord\n",
    )

    assert result.exit_code == 0, result.output
    user = user_by_username("j.devries")
    assert user.role == "inspector"
    assert "een lang wachtwoord" not in user.password_hash
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user, "een lang wachtwoord")
    assert not verify_password(user, "een ander wachtwoord")


def test_a_manager_is_scoped_to_locations(cli, create_location):
    create_location(code="TER-APEL")
    create_location(code="BUDEL")

    result = cli.invoke(
        args=[
            "users",
            "create",
            "beheer.noord",
            "--role",
            "manager",
            "--location",
            "TER-APEL",
            "--location",
            "BUDEL",
            "--password-stdin",
        ],
        input="een lang wachtwoord\n",
    )

    assert result.exit_code == 0, result.output
    assert [loc.code for loc in user_by_username("beheer.noord").locations] == ["BUDEL", "TER-APEL"]


def test_refusals_name_the_problem(cli, create_location):
    create_location(code="TER-APEL")
    cases = [
        (["x.y", "--role", "admin"], "role: must be one of"),
        (["x.y", "--role", "inspector"], "password: must be at least 12"),
        (["X Y", "--role", "inspector"], "username:"),
        (["x.y", "--role", "manager", "--location", "NERGENS"], "unknown location NERGENS"),
        (["x.y", "--role", "viewer", "--location", "TER-APEL"], "only managers"),
    ]
    for args, message in cases:
        password = "kort\n" if "password" in message else "een lang wachtwoord\n"
        result = cli.invoke(args=["users", "create", *args, "--password-stdin"], input=password)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalars(db.select(User)).all() == []


def test_a_username_is_taken_once(cli):
    args = ["users", "create", "j.devries", "--role", "viewer", "--password-stdin"]
    assert cli.invoke(args=args, input="een lang wachtwoord\n").exit_code == 0

    again = cli.invoke(args=args, input="een lang wachtwoord\n")

    assert again.exit_code != 0
    assert "already exists" in again.output


def test_weak_passwords_are_refused_with_the_reason(cli):
    for password in (" " * 12, "aaaaaaaaaaaa", "wachtwoord12"):
        result = cli.invoke(
            args=["users", "create", "j.devries", "--role", "viewer", "--password-stdin"],
            input=password + "\n",
        )
        assert result.exit_code != 0, password
        assert "password: too easy to guess" in result.output, result.output
    assert db.session.scalars(db.select(User)).all() == []


# --- managing accounts --------------------------------------------------------------------


def api_login(client, username, password="correct horse battery"):
    response = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    if response.status_code != 201:
        return None
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def works(client, headers) -> bool:
    return client.get("/api/v1/norm-sets", headers=headers).status_code == 200


def actions_for(username: str) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.subject_id == username)
            .order_by(AuditEvent.id)
        )
    )


def test_users_list_shows_role_state_and_locations(cli, create_user, create_location):
    create_location(code="TER-APEL")
    create_user("manager", ("TER-APEL",), username="beheerder")
    create_user("viewer", username="analist").active = False
    db.session.commit()

    everyone = cli.invoke(args=["users", "list"])
    inactive = cli.invoke(args=["users", "list", "--inactive"])

    assert everyone.exit_code == 0, everyone.output
    assert everyone.output.splitlines() == [
        "analist\tviewer\tdeactivated\t",
        "beheerder\tmanager\tactive\tTER-APEL",
    ]
    assert inactive.output.splitlines() == ["analist\tviewer\tdeactivated\t"]


def test_deactivating_a_lost_phones_user_stops_their_tokens(cli, client, create_user, norm_set):
    create_user("inspector", username="inspecteur")
    phone = api_login(client, "inspecteur")

    result = cli.invoke(args=["users", "deactivate", "inspecteur"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Deactivated inspecteur; 1 tokens revoked"
    assert actions_for("inspecteur")[-2:] == ["user.updated", "user.tokens_revoked"]
    assert not works(client, phone)
    assert api_login(client, "inspecteur") is None

    again = cli.invoke(args=["users", "activate", "inspecteur"])

    assert again.exit_code == 0, again.output
    assert works(client, api_login(client, "inspecteur"))
    assert not works(client, phone)


def test_set_password_from_stdin_revokes_tokens(cli, client, create_user, norm_set):
    create_user("inspector", username="inspecteur")
    old = api_login(client, "inspecteur")

    result = cli.invoke(
        args=["users", "set-password", "inspecteur", "--password-stdin"],
        input="een nieuw lang wachtwoord\n",
    )

    assert result.exit_code == 0, result.output
    assert not works(client, old)
    assert api_login(client, "inspecteur") is None
    assert works(client, api_login(client, "inspecteur", "een nieuw lang wachtwoord"))
    weak = cli.invoke(
        args=["users", "set-password", "inspecteur", "--password-stdin"], input="aaaaaaaaaaaa\n"
    )
    assert weak.exit_code != 0
    assert "password: too easy to guess" in weak.output


def test_set_locations_replaces_a_managers_locations(cli, create_user, create_location):
    for code in ("TER-APEL", "BUDEL", "ZWOLLE"):
        create_location(code=code)
    create_user("manager", ("TER-APEL",), username="beheerder")

    result = cli.invoke(
        args=["users", "set-locations", "beheerder", "--location", "ZWOLLE", "--location", "BUDEL"]
    )
    refused = cli.invoke(args=["users", "set-locations", "beheerder", "--location", "NERGENS"])
    cleared = cli.invoke(args=["users", "set-locations", "beheerder"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Locations set for beheerder (BUDEL, ZWOLLE)"
    assert refused.exit_code != 0
    assert "locations: unknown location NERGENS" in refused.output
    assert cleared.output.strip() == "Locations set for beheerder (no locations)"
    assert user_by_username("beheerder").locations == []


def test_revoke_tokens_keeps_the_account(cli, client, create_user, norm_set):
    create_user("viewer", username="analist")
    first, second = api_login(client, "analist"), api_login(client, "analist")

    result = cli.invoke(args=["users", "revoke-tokens", "analist"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Revoked 2 tokens of analist"
    assert not works(client, first) and not works(client, second)
    assert works(client, api_login(client, "analist"))
    assert actions_for("analist")[-2:] == ["user.tokens_revoked", "auth.token_issued"]


def test_commands_on_an_unknown_user_say_so(cli):
    for args in (
        ["deactivate", "niemand"],
        ["activate", "niemand"],
        ["set-locations", "niemand"],
        ["revoke-tokens", "niemand"],
    ):
        result = cli.invoke(args=["users", *args])
        assert result.exit_code == 1, args
        assert "No user niemand" in result.output
