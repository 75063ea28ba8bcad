"""The check before serving production: ``flask --app app check production`` (``make serve``).

It refuses to go on while anyone could log in with a password printed in the
README (the demo users), or while ``SECRET_KEY`` is missing or short: without
it every gunicorn worker would make a key of its own. The check reads the
database, so it runs as a command before the server starts, never when the
app is imported.
"""

from __future__ import annotations

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from inspection.db import db
from inspection.models import User
from inspection.settings import from_environment

# 32 random bytes as hex are 64 characters; fewer than 32 characters is guessable.
MIN_SECRET_KEY_LENGTH = 32

check_cli = AppGroup("check", help="Checks before going live.")


def production_problems() -> list[str]:
    """What stands in the way of serving production, in words for the operator; empty if nothing.

    Reads the users table in the current app context; changes nothing.
    """
    problems = []
    secret = from_environment("SECRET_KEY") or ""
    if not secret:
        problems.append(
            "SECRET_KEY is not set: set it in the environment (SECRET_KEY or "
            "INSPECTION_SECRET_KEY) to a long random value, e.g. "
            "the output of `python3 -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is {len(secret)} characters long; use at least {MIN_SECRET_KEY_LENGTH}"
        )
    demo = demo_users_present()
    if demo:
        problems.append(
            f"the demo users {', '.join(demo)} still log in with the passwords in the README: "
            "start from a database without the demo (flask --app app db upgrade on an empty "
            "database), or deactivate them"
        )
    return problems


def demo_users_present() -> list[str]:
    """The active demo users whose password is still the published demo password."""
    from inspection.demo.loader import DEMO_USERS

    hasher = PasswordHasher()
    users = db.session.scalars(
        select(User).where(User.username.in_(DEMO_USERS), User.active.is_(True))
    )
    found = []
    for user in users:
        try:
            hasher.verify(user.password_hash, DEMO_USERS[user.username][1])
        except (VerificationError, InvalidHashError):
            continue
        found.append(user.username)
    return sorted(found)


@check_cli.command("production")
def check_production() -> None:
    """Refuse (exit status 1) when the service is not fit to serve production."""
    problems = production_problems()
    db.session.rollback()
    if problems:
        for problem in problems:
            click.echo(f"Not ready for production: {problem}.", err=True)
        raise SystemExit(1)
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        click.echo(
            "Note: the database is a SQLite file; fine on one machine, PostgreSQL "
            "(DATABASE_URL) when several machines serve.",
            err=True,
        )
    click.echo("Ready for production.")
