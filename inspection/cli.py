"""Command-line interface: thin wrappers over the operations the API uses.

Each command is one transaction (``inspection.db.unit_of_work``): it commits
when the operation succeeds and rolls back, with the operation's message, when
it does not.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from inspection.db import db, unit_of_work
from inspection.errors import DomainError

norms_cli = AppGroup("norms", help="Load and inspect norm sets.")
locations_cli = AppGroup("locations", help="Manage reception locations.")
users_cli = AppGroup("users", help="Manage users.")
demo_cli = AppGroup("demo", help="Demonstration data.")


@contextmanager
def transaction() -> Iterator[None]:
    """Commit on success; on a domain error roll back and exit with its message."""
    try:
        with unit_of_work():
            yield
    except DomainError as exc:
        raise click.ClickException(exc.describe()) from exc


@norms_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
def norms_load(file: str) -> None:
    """Validate the norm set document in FILE (YAML or JSON) and store it."""
    from inspection.location_state import remake_days_after_a_version
    from inspection.norm_sets import load_norm_set, read_document

    with transaction():
        norm_set = load_norm_set(read_document(file))
        remake_days_after_a_version(db.session)
    click.echo(
        f"Loaded {norm_set.catalogue} {norm_set.version}, "
        f"in force from {norm_set.valid_from.isoformat()}"
    )


@norms_cli.command("load-default")
def norms_load_default() -> None:
    """Store the default catalogue the service ships (every version), without any demo data.

    Versions already stored are left as they are, so running it again changes nothing.
    """
    from inspection.location_state import remake_days_after_a_version
    from inspection.norm_sets import load_shipped_norm_sets

    with transaction():
        shipped = load_shipped_norm_sets()
        if any(version.loaded for version in shipped):
            remake_days_after_a_version(db.session)
    for version in shipped:
        state = "Loaded" if version.loaded else "Already loaded:"
        click.echo(
            f"{state} {version.catalogue} {version.version}, "
            f"in force from {version.valid_from.isoformat()}"
        )


@norms_cli.command("list")
def norms_list() -> None:
    """List the stored norm sets."""
    from inspection.norm_sets import all_norm_sets

    for ns in all_norm_sets():
        click.echo(f"{ns.catalogue}\t{ns.version}\t{ns.valid_from.isoformat()}")


@norms_cli.command("rescore")
@click.option("--catalogue", required=True)
@click.option("--version", "version", required=True)
@click.option(
    "--document",
    type=click.Path(dir_okay=False),
    help="A corrected document (erratum) of the same version to store first.",
)
def norms_rescore(catalogue: str, version: str, document: str | None) -> None:
    """Score the stored inspections of a norm set version again (audited)."""
    from inspection.errors import NotFound
    from inspection.norm_sets import get_norm_set, read_document
    from inspection.rescoring import correct_norm_set, rescore

    with transaction():
        correction = None
        if document:
            norm_set = get_norm_set(catalogue, version)
            if norm_set is None:
                raise NotFound(f"No norm set {catalogue} {version}")
            correction = correct_norm_set(norm_set, read_document(document), None)
        report = rescore(catalogue, version, correction=correction)
    click.echo(
        f"Rescored {report.rescored} inspections of {catalogue} {version}: {report.changed} changed"
    )


@locations_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--allow-unprotect",
    is_flag=True,
    help="Allow the file to make protected shelters public (confidential true to false).",
)
def locations_import(file: str, allow_unprotect: bool) -> None:
    """Create or update locations from a CSV (latitude/longitude columns) or vector file.

    A row changes only what it gives: an absent column or an empty cell keeps
    the stored value.
    """
    from inspection.locations import import_locations

    with transaction():
        report = import_locations(file, allow_unprotect=allow_unprotect)
    click.echo(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged")
    if report.unprotected:
        click.echo(f"Made public (no longer confidential): {', '.join(report.unprotected)}")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help="inspector, manager, coordinator or viewer")
@click.option("--location", "locations", multiple=True, help="A location code (managers).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    username: str, role: str, locations: tuple[str, ...], password_stdin: bool
) -> None:
    """Create a user; the password is read from standard input or prompted for."""
    from inspection.users import create_user

    password = _read_password(password_stdin)
    with transaction():
        user = create_user(username, password, role, locations)
    scope = f" for {', '.join(loc.code for loc in user.locations)}" if user.locations else ""
    click.echo(f"Created {user.role} {user.username}{scope}")


@users_cli.command("list")
@click.option("--role", help="Only users of this role.")
@click.option("--active/--inactive", default=None, help="Only active or only deactivated users.")
def users_list(role: str | None, active: bool | None) -> None:
    """List users: username, role, active or not, locations (managers)."""
    from inspection.users import list_users

    for user in list_users(role, active):
        state = "active" if user.active else "deactivated"
        codes = ",".join(loc.code for loc in user.locations)
        click.echo(f"{user.username}\t{user.role}\t{state}\t{codes}")


@users_cli.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Deactivate a user: no more logins, and their tokens stop working at once."""
    _change_user(username, {"active": False}, "Deactivated")


@users_cli.command("activate")
@click.argument("username")
def users_activate(username: str) -> None:
    """Let a deactivated user log in again."""
    _change_user(username, {"active": True}, "Activated")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Give a user a new password; their tokens stop working at once."""
    _change_user(username, {"password": _read_password(password_stdin)}, "New password for")


@users_cli.command("set-locations")
@click.argument("username")
@click.option("--location", "locations", multiple=True, help="A location code; none clears.")
def users_set_locations(username: str, locations: tuple[str, ...]) -> None:
    """Set the locations a manager sees (replacing the ones they had)."""
    _change_user(username, {"locations": list(locations)}, "Locations set for")


@users_cli.command("revoke-tokens")
@click.argument("username")
def users_revoke_tokens(username: str) -> None:
    """Revoke every token of a user (a lost phone): they must log in again."""
    from inspection.users import get_user, revoke_tokens

    with transaction():
        revoked = revoke_tokens(get_user(username))
    click.echo(f"Revoked {revoked} tokens of {username}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _change_user(username: str, changes: dict[str, object], done: str) -> None:
    from inspection.users import active_tokens, get_user, update_user

    with transaction():
        user = get_user(username)
        tokens = active_tokens(user)
        update_user(user, changes)
        revoked = tokens - active_tokens(user)
    scope = f" ({', '.join(loc.code for loc in user.locations) or 'no locations'})"
    suffix = f"; {revoked} tokens revoked" if revoked else ""
    click.echo(f"{done} {user.username}{scope if 'locations' in changes else ''}{suffix}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when locations already exist.")
@click.option("--seed", default=2023, show_default=True, help="Seed of the generated visits.")
@click.option("--months", default=18, show_default=True, help="How far back visits go.")
def demo_load(if_empty: bool, seed: int, months: int) -> None:
    """Load demonstration locations, users and inspections."""
    from inspection.demo.loader import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("The database already has locations; demo data not loaded.")
        return
    with transaction():
        report = load_demo(seed=seed, months=months)
    click.echo(
        f"Demo loaded: {report.locations} locations, {report.inspections} inspections, "
        f"users {', '.join(report.users)}"
    )


regions_cli = AppGroup("regions", help="Region boundaries (provinces, municipalities).")


@regions_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--level",
    required=True,
    type=click.Choice(["province", "municipality"]),
    help="Which regions the file holds; those stored before are replaced.",
)
@click.option(
    "--name-field", required=True, help="The attribute with the region name, e.g. statnaam."
)
@click.option("--layer", help="The layer to read, when the file has several.")
def regions_import(file: str, level: str, name_field: str, layer: str | None) -> None:
    """Load boundary polygons from FILE (any vector file with a coordinate reference system)."""
    from inspection.regions import import_regions

    with transaction():
        report = import_regions(file, level, name_field, layer=layer)
    click.echo(
        f"Loaded {report.regions} {level} boundaries; {report.repaired} invalid geometries "
        f"repaired, {report.merged} features merged by name"
    )


report_cli = AppGroup("report", help="Reports.")


@report_cli.command("national")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The picture at the end of this day (Europe/Amsterdam); today when omitted.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="FILE.pdf or FILE.html.",
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option(
    "--internal",
    is_flag=True,
    help="The coordinators' version, with confidential locations named (not for publication).",
)
def report_national(as_of, out: str, lang: str, internal: bool) -> None:  # type: ignore[no-untyped-def]
    """Write the national report: by default as published, confidential locations masked."""
    from inspection.reports.documents import national_report_document
    from inspection.reports.national import internal_reader, public_reader
    from inspection.reports.workflow import today

    kind = out.rsplit(".", 1)[-1].lower()
    if kind not in ("pdf", "html"):
        raise click.BadParameter("the file must end in .pdf or .html", param_hint="--out")
    day = as_of.date() if as_of else today()
    if not date(1900, 1, 1) <= day <= date(9998, 12, 31):
        # The trend reaches two years back: the years 1900 to 9998, as for the API.
        raise click.BadParameter("a date in the years 1900 to 9998", param_hint="--as-of")
    reader = internal_reader() if internal else public_reader()
    with transaction():
        document = national_report_document(day, reader, kind, lang)
    with open(out, "wb") as file:
        file.write(document.body)
    click.echo(f"Wrote the national report on {day.isoformat()} to {out}")


def register_commands(app: Flask) -> None:
    from inspection.production import check_cli

    groups = (norms_cli, locations_cli, users_cli, demo_cli, regions_cli, check_cli, report_cli)
    for group in groups:
        app.cli.add_command(group)
