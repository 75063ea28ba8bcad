"""A production database gets the default norm catalogue without any demo data."""

from __future__ import annotations

import copy

import yaml

from inspection.db import db
from inspection.models import AuditEvent, Inspection, Location, NormSet, User
from inspection.norm_sets import (
    DEFAULT_NORM_SET_FILE,
    load_norm_set,
    read_document,
    shipped_norm_set_files,
)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def shipped_versions() -> set[tuple[str, str]]:
    documents = [read_document(path) for path in shipped_norm_set_files()]
    return {(document["catalogue"], str(document["version"])) for document in documents}


def test_load_default_stores_the_shipped_catalogue_and_nothing_else(cli):
    result = cli.invoke(args=["norms", "load-default"])

    assert result.exit_code == 0, result.output
    assert "Loaded nl-children 2023.1, in force from 2023-05-03" in result.output
    stored = {(ns.catalogue, ns.version) for ns in db.session.scalars(db.select(NormSet))}
    assert ("nl-children", "2023.1") in stored
    assert stored == shipped_versions()
    assert (count(Location), count(User), count(Inspection)) == (0, 0, 0)
    assert db.session.scalars(db.select(AuditEvent.action)).all() == ["norm_set.loaded"] * len(
        stored
    )


def test_load_default_again_changes_nothing(cli):
    assert cli.invoke(args=["norms", "load-default"]).exit_code == 0
    events = count(AuditEvent)

    again = cli.invoke(args=["norms", "load-default"])

    assert again.exit_code == 0, again.output
    assert "Already loaded: nl-children 2023.1, in force from 2023-05-03" in again.output
    assert "Loaded " not in again.output
    assert count(NormSet) == len(shipped_versions())
    assert count(AuditEvent) == events


def test_load_default_after_a_manual_load_of_the_same_file(cli):
    assert cli.invoke(args=["norms", "load", str(DEFAULT_NORM_SET_FILE)]).exit_code == 0

    result = cli.invoke(args=["norms", "load-default"])

    assert result.exit_code == 0, result.output
    assert "Already loaded: nl-children 2023.1" in result.output
    assert count(NormSet) == len(shipped_versions())


def test_a_stored_version_with_another_document_is_not_replaced(cli, app):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    document["title"]["en"] = "Locally changed norms"
    load_norm_set(document)
    db.session.commit()

    result = cli.invoke(args=["norms", "load-default"])

    assert result.exit_code != 0
    assert "nl-children 2023.1 is stored with another document" in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    stored = db.session.scalars(db.select(NormSet)).all()
    assert [(ns.version, ns.document["title"]["en"]) for ns in stored] == [
        ("2023.1", "Locally changed norms")
    ]


def test_after_load_default_inspectors_get_their_checklist(cli, client, headers_for):
    assert cli.invoke(args=["norms", "load-default"]).exit_code == 0
    headers = headers_for("inspector")

    response = client.get("/api/v1/forms/crisisnoodopvang?on=2026-11-20", headers=headers)

    assert response.status_code == 200, response.get_json()
    form = response.get_json()
    assert form["catalogue"] == "nl-children"
    codes = {item["code"] for group in form["groups"] for item in group["items"]}
    assert {"residents_present", "toilets_working"} <= codes


def test_the_shipped_documents_are_norm_set_documents():
    for path in shipped_norm_set_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.name == f"{document['catalogue']}-{document['version']}.yaml"
