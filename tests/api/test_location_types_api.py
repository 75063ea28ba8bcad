"""Location types are data: listed by the API, added by coordinators, named by norm sets."""

from __future__ import annotations

import copy

import pytest

from inspection.db import db
from inspection.models import AuditEvent
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, read_document

API = "/api/v1"
HOTEL = {
    "code": "asielhotel",
    "name_nl": "Asielhotel",
    "name_en": "Asylum hotel",
    "kind": "emergency",
    "responsible": "COA",
}


@pytest.fixture
def coordinator(headers_for):
    return headers_for("coordinator")


def test_the_types_of_the_reception_system_are_listed_with_names_and_who_answers(
    client, headers_for
):
    response = client.get(f"{API}/location-types", headers=headers_for("viewer"))

    assert response.status_code == 200
    types = {t["code"]: t for t in response.get_json()}
    # The three types locations had before stay, with their codes.
    assert {"azc", "noodopvang", "crisisnoodopvang"} <= set(types)
    assert types["aanmeldcentrum"]["name_en"] == "Arrival centre"
    assert types["beschermde-opvang"]["responsible"] == "Nidos"
    assert types["gemeentelijke-noodopvang"]["responsible"] == "municipality"
    assert types["kleinschalige-amv-opvang"]["kind"] == "unaccompanied_minors"
    assert {"nachtopvang", "proces-opvanglocatie"} <= set(types)


def test_a_coordinator_adds_a_type_that_locations_and_forms_can_use_at_once(
    client, coordinator, norm_set
):
    response = client.post(f"{API}/location-types", json=HOTEL, headers=coordinator)

    assert response.status_code == 201, response.get_json()
    assert response.get_json() == HOTEL
    listed = client.get(f"{API}/location-types", headers=coordinator).get_json()
    assert HOTEL in listed
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "location_type.created")
    ).one()
    assert event.subject_id == "asielhotel"
    assert event.details["responsible"] == "COA"

    location = client.post(
        f"{API}/locations",
        json={
            "code": "HOTEL-1",
            "name": "Asielhotel Groningen",
            "type": "asielhotel",
            "municipality": "Groningen",
            "province": "Groningen",
            "latitude": 53.2194,
            "longitude": 6.5665,
        },
        headers=coordinator,
    )
    assert location.status_code == 201, location.get_json()
    # Norms without applies_to apply to every type, a new one included.
    form = client.get(f"{API}/forms/asielhotel", headers=coordinator)
    assert form.status_code == 200, form.get_json()
    norms = [n["code"] for g in form.get_json()["groups"] for n in g["norms"]]
    assert "HYG-05" in norms and "FAM-04" not in norms


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "Hotel met spaties"}, "code"),
        ({"kind": "hotel"}, "kind"),
        ({"responsible": "Rijk"}, "responsible"),
        ({"name_nl": ""}, "name_nl"),
        ({"name_en": None}, "name_en"),
    ],
)
def test_a_bad_type_is_refused_naming_the_field(client, coordinator, change, field):
    response = client.post(f"{API}/location-types", json={**HOTEL, **change}, headers=coordinator)

    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_a_type_is_added_once(client, coordinator):
    assert client.post(f"{API}/location-types", json=HOTEL, headers=coordinator).status_code == 201
    again = client.post(f"{API}/location-types", json=HOTEL, headers=coordinator)

    assert again.status_code == 409
    assert again.get_json()["error"]["fields"] == {"code": ["already in use"]}


def test_a_location_of_an_unknown_type_is_refused_naming_the_type(client, coordinator):
    response = client.post(
        f"{API}/locations",
        json={
            "code": "HOTEL-1",
            "name": "Hotel",
            "type": "asielhotel",
            "municipality": "Groningen",
            "province": "Groningen",
            "latitude": 53.2194,
            "longitude": 6.5665,
        },
        headers=coordinator,
    )

    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["type"]
    filtered = client.get(f"{API}/locations?type=asielhotel", headers=coordinator)
    assert filtered.status_code == 422
    assert list(filtered.get_json()["error"]["fields"]) == ["type"]


def _document_naming_a_hotel():
    document = copy.deepcopy(json_ready(read_document(DEFAULT_NORM_SET_FILE)))
    document.update(version="2099.1", valid_from="2099-01-01")
    norm = next(n for n in document["norms"] if n["code"] == "FAM-04")
    norm["applies_to"] = ["crisisnoodopvang", "asielhotel"]
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 10, "asielhotel": 15}
    return document


def test_a_norm_set_may_name_only_types_that_exist(client, coordinator):
    document = _document_naming_a_hotel()

    refused = client.post(f"{API}/norm-sets", json=document, headers=coordinator)
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert "unknown location type 'asielhotel'" in fields["norms[FAM-04].applies_to"][0]
    assert "norms[HYG-01].rule.max.asielhotel" in fields

    assert client.post(f"{API}/location-types", json=HOTEL, headers=coordinator).status_code == 201
    accepted = client.post(f"{API}/norm-sets", json=document, headers=coordinator)
    assert accepted.status_code == 201, accepted.get_json()
    form = client.get(f"{API}/forms/asielhotel?on=2099-01-01", headers=coordinator).get_json()
    assert "FAM-04" in [n["code"] for g in form["groups"] for n in g["norms"]]


def test_a_type_no_stored_norm_set_has_a_threshold_for_is_refused(client, coordinator):
    codes = [t["code"] for t in client.get(f"{API}/location-types", headers=coordinator).json]
    document = copy.deepcopy(json_ready(read_document(DEFAULT_NORM_SET_FILE)))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    # A threshold for every type there is, and no default for a type added later.
    hyg01["rule"] = {
        "ratio": ["residents_present", "toilets_working"],
        "max": dict.fromkeys(codes, 20),
    }
    assert client.post(f"{API}/norm-sets", json=document, headers=coordinator).status_code == 201

    response = client.post(f"{API}/location-types", json=HOTEL, headers=coordinator)

    assert response.status_code == 422
    problem = response.get_json()["error"]["fields"]["code"][0]
    assert "nl-children 2023.1" in problem and "no bound for asielhotel" in problem
    listed = client.get(f"{API}/location-types", headers=coordinator).get_json()
    assert "asielhotel" not in [t["code"] for t in listed]
