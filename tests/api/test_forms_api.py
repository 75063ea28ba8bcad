"""The checklist a phone shows: the items of the norms in force for a location type, grouped,
labelled in Dutch (the inspectors' language) or English."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, read_document

FORMS = "/api/v1/forms"
DOMAINS = ["SAF", "LIV", "HYG", "FOOD", "HEA", "EDU", "PLAY", "FAM", "PAR"]
NUMERIC = {"integer", "number", "percentage"}


@pytest.fixture
def catalogue() -> dict[str, Any]:
    return read_document(DEFAULT_NORM_SET_FILE)


@pytest.fixture
def inspector(norm_set, headers_for):
    return headers_for("inspector")


def get_form(client, headers, location_type: str, **query: str) -> dict[str, Any]:
    response = client.get(f"{FORMS}/{location_type}", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def items_of(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for group in form["groups"] for item in group["items"]}


def norms_of(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {norm["code"]: norm for group in form["groups"] for norm in group["norms"]}


def group_of(form: dict[str, Any], item_code: str) -> str:
    return next(
        g["code"] for g in form["groups"] if any(i["code"] == item_code for i in g["items"])
    )


def test_a_crisis_shelter_form_asks_about_length_of_stay_and_quiet_hours(
    client, inspector, catalogue
):
    crisis = get_form(client, inspector, "crisisnoodopvang", on="2026-11-20")
    azc = get_form(client, inspector, "azc", on="2026-11-20")

    assert {"max_child_stay_days", "quiet_hours_enforced"} <= set(items_of(crisis))
    assert group_of(crisis, "max_child_stay_days") == "FAM"
    assert group_of(crisis, "quiet_hours_enforced") == "LIV"
    assert {"FAM-04", "LIV-06", "HEA-01"} <= set(norms_of(crisis))
    assert "max_child_stay_days" not in items_of(azc)
    assert "quiet_hours_enforced" not in items_of(azc)
    assert not {"FAM-04", "LIV-06", "HEA-01"} & set(norms_of(azc))
    # Every item of the catalogue is asked in a crisis shelter; in an azc all but
    # those of the norms for emergency shelters only.
    all_items = [item["code"] for item in catalogue["items"]]
    assert sorted(items_of(crisis)) == sorted(all_items)
    assert set(all_items) - set(items_of(azc)) == {
        "max_child_stay_days",
        "quiet_hours_enforced",
        "medical_intake_pct",
    }


def test_the_head_counts_come_first_then_the_domains_in_catalogue_order(client, inspector):
    form = get_form(client, inspector, "noodopvang", on="2026-11-20")

    groups = [group["code"] for group in form["groups"]]
    general = form["groups"][0]

    assert groups == ["general", *DOMAINS]
    assert general["title"] == "Algemeen: aanwezigen"
    assert [i["code"] for i in general["items"]][:2] == ["residents_present", "children_present"]
    assert {"infants_present", "school_age_children", "unaccompanied_minors_present"} <= {
        i["code"] for i in general["items"]
    }
    assert general["norms"] == []
    # An item is asked once; a domain's norms are listed with it.
    codes = [item["code"] for group in form["groups"] for item in group["items"]]
    assert len(codes) == len(set(codes))
    for group in form["groups"][1:]:
        assert group["norms"], group["code"]
        assert all(n["code"].split("-")[0] == group["code"] for n in group["norms"])
    assert group_of(form, "toilets_working") == "HYG"
    assert group_of(form, "drinking_water_24h") == "HYG"


def test_dutch_by_default_english_on_request_both_as_in_the_catalogue(client, inspector, catalogue):
    dutch = get_form(client, inspector, "crisisnoodopvang", on="2026-11-20")
    explicit = get_form(client, inspector, "crisisnoodopvang", on="2026-11-20", lang="nl")
    english = get_form(client, inspector, "crisisnoodopvang", on="2026-11-20", lang="en")

    assert dutch == explicit
    assert (dutch["lang"], english["lang"]) == ("nl", "en")
    labels = {item["code"]: item["label"] for item in catalogue["items"]}
    for lang, form in (("nl", dutch), ("en", english)):
        for code, item in items_of(form).items():
            assert item["label"] == labels[code][lang], (lang, code)
        titles = {d["code"]: d["title"][lang] for d in catalogue["domains"]}
        for group in form["groups"][1:]:
            assert group["title"] == titles[group["code"]]
        norm_titles = {n["code"]: n["title"][lang] for n in catalogue["norms"]}
        for code, norm in norms_of(form).items():
            assert norm["title"] == norm_titles[code]
    assert (
        items_of(dutch)["toilets_working"]["label"] != items_of(english)["toilets_working"]["label"]
    )
    assert english["groups"][0]["title"] == "General: who is present"
    assert next(g for g in dutch["groups"] if g["code"] == "HYG")["title"] == "Hygiëne en sanitair"


def test_every_numeric_item_has_its_bounds(client, inspector, catalogue):
    form = get_form(client, inspector, "crisisnoodopvang", on="2026-11-20")

    bounds = {item["code"]: (item.get("min"), item.get("max")) for item in catalogue["items"]}
    items = items_of(form)
    numeric = {code: item for code, item in items.items() if item["type"] in NUMERIC}

    assert len(numeric) == 22
    for code, item in numeric.items():
        assert item["min"] is not None and item["max"] is not None, code
        assert (item["min"], item["max"]) == bounds[code], code
    assert (items["activity_days_per_week"]["min"], items["activity_days_per_week"]["max"]) == (
        0,
        7,
    )
    assert items["staff_with_vog_pct"]["max"] == 100
    assert items["children_present"]["max_item"] == "residents_present"
    assert items["sleeping_area_m2"]["unit"] == "m2"
    assert items["drinking_water_24h"]["type"] == "boolean"
    assert (items["drinking_water_24h"]["min"], items["drinking_water_24h"]["max"]) == (None, None)


def test_the_form_is_the_norm_set_in_force_on_the_day(client, norm_set, headers_for):
    coordinator = headers_for("coordinator")
    document = json_ready(read_document(DEFAULT_NORM_SET_FILE))
    items = [dict(item) for item in document["items"]]
    items[0] = {**items[0], "label": {"nl": "Bewoners (nieuw)", "en": "Residents (new)"}}
    newer = {**document, "version": "2024.1", "valid_from": "2024-06-01", "items": items}
    assert client.post("/api/v1/norm-sets", json=newer, headers=coordinator).status_code == 201

    before = get_form(client, coordinator, "azc", on="2024-05-31")
    after = get_form(client, coordinator, "azc", on="2024-06-01")
    first_day = get_form(client, coordinator, "azc", on="2023-05-03")

    assert (before["version"], before["valid_from"], before["on"]) == (
        "2023.1",
        "2023-05-03",
        "2024-05-31",
    )
    assert (after["version"], after["valid_from"]) == ("2024.1", "2024-06-01")
    assert first_day["version"] == "2023.1"
    assert items_of(before)["residents_present"]["label"] == "Aantal bewoners op de locatie"
    assert items_of(after)["residents_present"]["label"] == "Bewoners (nieuw)"
    assert (after["catalogue"], after["location_type"]) == ("nl-children", "azc")


def test_without_a_date_the_form_of_today_is_shown(client, inspector):
    form = get_form(client, inspector, "azc")

    assert form["version"] == "2023.1"
    assert form["on"] == datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()


def test_a_day_before_the_first_norm_set_is_404(client, inspector):
    response = client.get(f"{FORMS}/azc", query_string={"on": "2023-05-02"}, headers=inspector)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_an_unknown_location_type_is_404(client, inspector):
    response = client.get(f"{FORMS}/vakantiepark", headers=inspector)

    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert "crisisnoodopvang" in error["message"]


def test_no_norm_set_loaded_is_404(client, headers_for):
    response = client.get(f"{FORMS}/azc", headers=headers_for("inspector"))

    assert response.status_code == 404


@pytest.mark.parametrize(("query", "field"), [({"lang": "de"}, "lang"), ({"on": "gisteren"}, "on")])
def test_an_unknown_language_or_a_bad_date_is_422_naming_it(client, inspector, query, field):
    response = client.get(f"{FORMS}/azc", query_string=query, headers=inspector)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_each_norm_names_its_items_in_the_order_of_the_form(client, inspector):
    form = get_form(client, inspector, "azc", on="2026-11-20")
    order = [item["code"] for group in form["groups"] for item in group["items"]]
    norms = norms_of(form)
    # A ratio of two head counts: the general one first, then the domain's own.
    assert norms["HYG-01"]["items"] == ["residents_present", "toilets_working"]
    for norm in norms.values():
        assert norm["items"], norm["code"]
        assert set(norm["items"]) <= set(order), norm["code"]
        assert norm["items"] == sorted(norm["items"], key=order.index), norm["code"]
