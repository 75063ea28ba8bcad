"""Coordinators load norm sets with the CLI; a version once stored never changes."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest
import yaml

from inspection.db import db
from inspection.models import AuditEvent, NormSet
from inspection.norm_sets import (
    DEFAULT_NORM_SET_FILE,
    load_norm_set,
    norm_set_in_force,
    read_document,
)


@pytest.fixture
def default_document():
    return read_document(DEFAULT_NORM_SET_FILE)


def write(tmp_path, document, name="norms.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_loading_the_default_catalogue(cli):
    result = cli.invoke(args=["norms", "load", str(DEFAULT_NORM_SET_FILE)])

    assert result.exit_code == 0, result.output
    assert "nl-children 2023.1" in result.output
    assert "2023-05-03" in result.output
    stored = db.session.scalars(db.select(NormSet)).one()
    assert (stored.catalogue, stored.version) == ("nl-children", "2023.1")
    assert len(stored.document["norms"]) == 39
    listing = cli.invoke(args=["norms", "list"])
    assert "nl-children\t2023.1\t2023-05-03" in listing.output
    assert db.session.scalars(db.select(AuditEvent.action)).all() == ["norm_set.loaded"]


def test_loading_the_same_version_twice_is_refused(cli):
    assert cli.invoke(args=["norms", "load", str(DEFAULT_NORM_SET_FILE)]).exit_code == 0

    again = cli.invoke(args=["norms", "load", str(DEFAULT_NORM_SET_FILE)])

    assert again.exit_code != 0
    assert "nl-children 2023.1 is already loaded" in again.output
    assert db.session.scalar(db.select(db.func.count()).select_from(NormSet)) == 1


def test_a_new_version_needs_its_own_start_date(cli, tmp_path, default_document):
    assert cli.invoke(args=["norms", "load", str(DEFAULT_NORM_SET_FILE)]).exit_code == 0
    document = copy.deepcopy(default_document)
    document["version"] = "2023.2"

    result = cli.invoke(args=["norms", "load", str(write(tmp_path, document))])

    assert result.exit_code != 0
    assert "already starts on 2023-05-03" in result.output


def test_a_malformed_norm_set_names_every_bad_part(cli, tmp_path, default_document):
    document = copy.deepcopy(default_document)
    norms = {norm["code"]: norm for norm in document["norms"]}
    norms["HYG-01"]["rule"]["ratio"] = ["residents_present", "toilets_workin"]
    norms["LIV-03"]["domain"] = "XYZ"
    norms["PAR-03"]["code"] = "PAR-02"
    norms["LIV-01"]["rule"]["min"] = 9
    norms["LIV-01"]["rule"]["max"] = 5
    norms["FAM-04"]["applies_to"] = ["sporthal"]
    document["domains"][0]["title"].pop("en")

    result = cli.invoke(args=["norms", "load", str(write(tmp_path, document))])

    assert result.exit_code != 0
    output = result.output
    assert "toilets_workin" in output
    assert "XYZ" in output
    assert "PAR-02" in output and "duplicate" in output.lower()
    assert "LIV-01" in output
    assert "sporthal" in output
    assert "domains[0]" in output or "SAF" in output
    assert db.session.scalar(db.select(db.func.count()).select_from(NormSet)) == 0


def test_a_file_that_is_not_yaml_is_refused_with_a_message(cli, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("catalogue: [unclosed", encoding="utf-8")

    result = cli.invoke(args=["norms", "load", str(path)])

    assert result.exit_code != 0
    assert "not valid YAML or JSON" in result.output


def test_a_json_document_loads_too(cli, tmp_path, default_document):
    import json

    document = copy.deepcopy(default_document)
    document["valid_from"] = str(document["valid_from"])
    path = tmp_path / "norms.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    assert cli.invoke(args=["norms", "load", str(path)]).exit_code == 0


@pytest.mark.parametrize(
    ("observed_at", "version"),
    [
        # 23:30 UTC on 31 December is already 1 January in Amsterdam.
        ("2024-12-31T23:30:00+00:00", "2025.1"),
        ("2025-01-01T00:30:00+01:00", "2025.1"),
        ("2024-12-31T23:59:59+01:00", "2023.1"),
        ("2024-12-31T22:59:59+00:00", "2023.1"),
        ("2023-05-03T00:00:00+02:00", "2023.1"),
    ],
)
def test_the_version_in_force_follows_the_local_date(app, default_document, observed_at, version):
    load_norm_set(default_document)
    newer = copy.deepcopy(default_document)
    newer["version"] = "2025.1"
    newer["valid_from"] = "2025-01-01"
    load_norm_set(newer)

    chosen = norm_set_in_force("nl-children", datetime.fromisoformat(observed_at))

    assert chosen is not None and chosen.version == version


def test_before_the_first_version_nothing_is_in_force(app, default_document):
    load_norm_set(default_document)

    assert (
        norm_set_in_force("nl-children", datetime.fromisoformat("2023-05-02T23:59+02:00")) is None
    )


BAD_FILES = {
    "missing": (None, "does not exist"),
    "not_utf8": ("latin1", "is not UTF-8 text"),
    "huge_number": (
        'valid_from: 2023-05-03\nhuge: {"n": 9' + "9" * 5000 + "}\n",
        "huge.n: a number of 5001 digits",
    ),
    "deep": ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "nests too deeply"),
    "nul": ('catalogue: "nl\\0children"\n', "catalogue: contains a NUL character"),
    "surrogate": ('catalogue: "nl\\ud800"\n', "catalogue: contains a lone surrogate"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_one_clear_line_never_a_traceback(cli, tmp_path, case):
    content, expected = BAD_FILES[case]
    path = tmp_path / "norms.yaml"
    if content == "latin1":
        path.write_bytes("title: {nl: Kinderen in de opvang, en: Café}\n".encode("latin-1"))
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    result = cli.invoke(args=["norms", "load", str(path)])

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert expected in result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert len(result.output) < 500
    assert db.session.scalars(db.select(NormSet)).all() == []
