"""Norm sets: everyone reads them; coordinators load new versions, never overwriting old ones."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, read_document

NORM_SETS = "/api/v1/norm-sets"


@pytest.fixture
def default_document() -> dict[str, Any]:
    return json_ready(read_document(DEFAULT_NORM_SET_FILE))


@pytest.fixture
def new_version(default_document) -> dict[str, Any]:
    """The default document as the next version: what a coordinator would upload."""
    document = copy.deepcopy(default_document)
    document.update(version="2024.1", valid_from="2024-06-01")
    return document


@pytest.fixture
def coordinator(norm_set, headers_for):
    return headers_for("coordinator")


def assert_error_shape(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    if "fields" in error:
        assert all(
            isinstance(problems, list) and all(isinstance(p, str) for p in problems)
            for problems in error["fields"].values()
        )
    return error


def test_everyone_lists_the_stored_versions(client, norm_set, headers_for):
    for role in ("inspector", "manager", "viewer"):
        response = client.get(NORM_SETS, headers=headers_for(role))

        assert response.status_code == 200
        [summary] = response.get_json()
        assert summary["catalogue"] == "nl-children"
        assert summary["version"] == "2023.1"
        assert summary["valid_from"] == "2023-05-03"
        assert summary["norms"] == 39
        assert summary["title"] == {
            "nl": "Minimumnormen voor kinderen in de asielopvang",
            "en": "Minimum quality norms for children in asylum reception",
        }
        assert "document" not in summary


def test_one_version_comes_with_its_whole_document(client, norm_set, headers_for, default_document):
    response = client.get(f"{NORM_SETS}/nl-children/2023.1", headers=headers_for("viewer"))

    assert response.status_code == 200
    got = response.get_json()
    assert (got["catalogue"], got["version"], got["valid_from"]) == (
        "nl-children",
        "2023.1",
        "2023-05-03",
    )
    assert got["document"] == default_document
    hyg01 = next(n for n in got["document"]["norms"] if n["code"] == "HYG-01")
    assert hyg01["rule"]["max"] == {"default": 20, "azc": 10}


@pytest.mark.parametrize("path", ["nl-children/2099.9", "other-catalogue/2023.1"])
def test_an_unknown_version_is_404(client, coordinator, path):
    response = client.get(f"{NORM_SETS}/{path}", headers=coordinator)

    assert_error_shape(response, 404, "not_found")


def test_a_coordinator_loads_a_new_version(client, coordinator, new_version, headers_for):
    response = client.post(NORM_SETS, json=new_version, headers=coordinator)

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["catalogue"], created["version"], created["valid_from"]) == (
        "nl-children",
        "2024.1",
        "2024-06-01",
    )
    assert created["norms"] == 39
    assert created["document"] == new_version
    inspector = headers_for("inspector")
    listed = client.get(NORM_SETS, headers=inspector).get_json()
    assert [(n["version"], n["valid_from"]) for n in listed] == [
        ("2023.1", "2023-05-03"),
        ("2024.1", "2024-06-01"),
    ]
    fetched = client.get(f"{NORM_SETS}/nl-children/2024.1", headers=inspector)
    assert fetched.get_json()["document"] == new_version


def test_loading_the_same_version_again_is_409_and_changes_nothing(
    client, coordinator, new_version
):
    assert client.post(NORM_SETS, json=new_version, headers=coordinator).status_code == 201
    changed = copy.deepcopy(new_version)
    changed["title"] = {"nl": "Gewijzigd", "en": "Changed"}

    again = client.post(NORM_SETS, json=new_version, headers=coordinator)
    altered = client.post(NORM_SETS, json=changed, headers=coordinator)

    assert_error_shape(again, 409, "conflict")
    assert_error_shape(altered, 409, "conflict")
    stored = client.get(f"{NORM_SETS}/nl-children/2024.1", headers=coordinator).get_json()
    assert stored["document"] == new_version
    assert len(client.get(NORM_SETS, headers=coordinator).get_json()) == 2


def test_a_new_version_starting_on_the_day_of_another_is_409(client, coordinator, new_version):
    same_day = {**new_version, "valid_from": "2023-05-03"}

    response = client.post(NORM_SETS, json=same_day, headers=coordinator)

    error = assert_error_shape(response, 409, "conflict")
    assert "2023-05-03" in error["message"]


def test_a_rule_on_an_unknown_item_is_422_naming_the_rule(client, coordinator, new_version):
    norms = new_version["norms"]
    saf03 = next(n for n in norms if n["code"] == "SAF-03")
    saf03["rule"] = {"item": "zwembad_open", "equals": True}

    response = client.post(NORM_SETS, json=new_version, headers=coordinator)

    error = assert_error_shape(response, 422, "validation_error")
    [path] = [field for field in error["fields"] if "rule" in field]
    assert path in {"norms[SAF-03].rule.item", f"norms[{norms.index(saf03)}].rule.item"}
    assert "zwembad_open" in " ".join(error["fields"][path])
    assert len(client.get(NORM_SETS, headers=coordinator).get_json()) == 1


def test_an_unknown_item_deep_in_a_combined_rule_is_named_by_its_path(
    client, coordinator, new_version
):
    saf05 = next(n for n in new_version["norms"] if n["code"] == "SAF-05")
    saf05["rule"]["all"][1] = {"item": "nooduitgang_groen", "equals": True}

    response = client.post(NORM_SETS, json=new_version, headers=coordinator)

    error = assert_error_shape(response, 422, "validation_error")
    assert [f for f in error["fields"] if "rule" in f] == ["norms[SAF-05].rule.all[1].item"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": 2024.1}, "version"),
        ({"valid_from": "1 juni 2024"}, "valid_from"),
        ({"norms": None}, "norms"),
        ({"items": "toilets_working"}, "items"),
    ],
)
def test_a_malformed_document_is_422_naming_the_field(
    client, coordinator, new_version, change, field
):
    response = client.post(NORM_SETS, json={**new_version, **change}, headers=coordinator)

    error = assert_error_shape(response, 422, "validation_error")
    assert field in error["fields"], error


def test_a_document_without_norms_is_422_naming_the_field(client, coordinator, new_version):
    del new_version["norms"]

    response = client.post(NORM_SETS, json=new_version, headers=coordinator)

    error = assert_error_shape(response, 422, "validation_error")
    assert "norms" in error["fields"]


def test_a_document_that_is_not_json_is_refused(client, coordinator):
    yaml_body = DEFAULT_NORM_SET_FILE.read_text(encoding="utf-8")

    as_yaml = client.post(
        NORM_SETS,
        data=yaml_body,
        headers={**coordinator, "Content-Type": "application/yaml"},
    )
    broken = client.post(
        NORM_SETS,
        data='{"catalogue": "nl-children",',
        headers={**coordinator, "Content-Type": "application/json"},
    )

    assert_error_shape(as_yaml, 415, "unsupported_media_type")
    assert_error_shape(broken, 400, "bad_request")
