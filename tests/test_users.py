"""Coordinators create users from the command line; passwords are never stored readable."""

from __future__ import annotations

from inspection.db import db
from inspection.models import User
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
