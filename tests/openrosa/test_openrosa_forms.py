"""The XForms the phones download: made by pyxform from the norm set, checked by ODK Validate.

ODK Validate is the validator ODK ships with pyxform (a Java program): it
loads a form the way ODK Collect's form engine does and refuses what the
engine would refuse.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import pytest
from conftest import basic, fill_instance, listed_forms, primary_instance
from defusedxml.ElementTree import fromstring
from pyxform.validators.odk_validate import check_xform

from inspection.db import db
from inspection.norm_sets import (
    DEFAULT_NORM_SET_FILE,
    json_ready,
    load_norm_set,
    read_document,
)

H = "{http://www.w3.org/1999/xhtml}"
XF = "{http://www.w3.org/2002/xforms}"


def odk_validate(form_xml: bytes, tmp_path: Path) -> list[str]:
    """Run ODK Validate on a form; raises ``ODKValidateError`` when it refuses it."""
    path = tmp_path / f"form-{uuid.uuid4().hex}.xml"
    path.write_bytes(form_xml)
    return check_xform(str(path))


def translations(form_xml: bytes) -> dict[str, dict[str, str]]:
    """Per language, the itext texts of a form by id."""
    model = fromstring(form_xml).find(f"{H}head/{XF}model")
    return {
        translation.get("lang"): {
            text.get("id"): "".join(text.find(f"{XF}value").itertext())
            for text in translation.findall(f"{XF}text")
        }
        for translation in model.find(f"{XF}itext").findall(f"{XF}translation")
    }


def binds(form_xml: bytes) -> dict[str, dict[str, str]]:
    model = fromstring(form_xml).find(f"{H}head/{XF}model")
    return {bind.get("nodeset"): dict(bind.attrib) for bind in model.findall(f"{XF}bind")}


def test_every_listed_form_passes_odk_validate(client, locations, inspector, download, tmp_path):
    phone = basic("veldwerker")
    forms = listed_forms(client.get("/openrosa/formList", headers=phone))
    assert len(forms) == 3
    for form_id in forms:
        assert odk_validate(download(form_id, phone), tmp_path) == [], form_id


def test_the_form_asks_in_dutch_and_english_with_the_norms_bounds(locations, inspector, download):
    form_xml = download("inspection-azc", basic("veldwerker"))
    texts = translations(form_xml)
    assert set(texts) == {"Nederlands (nl)", "English (en)"}
    label = "/inspection/general/children_present:label"
    assert texts["Nederlands (nl)"][label] == "Aantal kinderen (0-17 jaar) op de locatie"
    assert texts["English (en)"][label] == "Number of children (aged 0-17) at the location"
    message = "/inspection/general/children_present:jr:constraintMsg"
    assert texts["Nederlands (nl)"][message] == (
        "Vul een waarde in van 0 tot en met 5000; niet meer dan: Aantal bewoners op de locatie"
    )

    rules = binds(form_xml)
    children = rules["/inspection/general/children_present"]
    assert children["type"] == "int"
    assert "/inspection/general/residents_present" in children["constraint"]
    assert rules["/inspection/LIV/sleeping_area_m2"]["type"] == "decimal"
    assert rules["/inspection/observed_at"]["type"] == "dateTime"
    assert rules["/inspection/observed_at"]["required"] == "true()"
    assert rules["/inspection/position"]["type"] == "geopoint"
    assert rules["/inspection/HYG/photo_HYG"]["type"] == "binary"
    assert rules["/inspection/meta/instanceID"]["{http://openrosa.org/javarosa}preload"] == "uid"
    # The visit time defaults to the moment the form is opened.
    setvalue = fromstring(form_xml).find(f"{H}head/{XF}model/{XF}setvalue")
    assert (setvalue.get("ref"), setvalue.get("value")) == ("/inspection/observed_at", "now()")


def test_the_primary_instance_is_named_by_item_codes(locations, inspector, download):
    root = primary_instance(download("inspection-azc", basic("veldwerker")))
    names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert {"location", "observed_at", "position", "instanceID"} <= names
    assert {"residents_present", "toilets_working", "note_HYG-01", "photo_HYG"} <= names
    # A norm that applies to emergency shelters only is not asked at an azc.
    assert "quiet_hours_enforced" not in names
    assert root.get("id") == "inspection-azc"


def test_a_boolean_is_a_choice_between_true_and_false(locations, inspector, download):
    form_xml = download("inspection-azc", basic("veldwerker"))
    model = fromstring(form_xml).find(f"{H}head/{XF}model")
    yes_no = next(i for i in model.findall(f"{XF}instance") if i.get("id") == "yes_no")
    assert [item.find(f"{XF}name").text for item in yes_no.iter(f"{XF}item")] == [
        "true",
        "false",
    ]


def location_choices(form_xml: bytes) -> list[str]:
    model = fromstring(form_xml).find(f"{H}head/{XF}model")
    listing = next(i for i in model.findall(f"{XF}instance") if i.get("id") == "locations")
    return [item.find(f"{XF}name").text for item in listing.iter(f"{XF}item")]


@pytest.mark.parametrize("role", ["inspector", "coordinator"])
def test_inspectors_and_coordinators_may_choose_a_confidential_shelter(
    role, locations, create_user, download
):
    user = create_user(role)
    assert location_choices(download("inspection-azc", basic(user.username))) == [
        "GEHEIM-1",
        "TER-APEL",
    ]


def test_other_roles_never_get_a_location_list(client, locations, create_user):
    for role in ("manager", "viewer"):
        user = create_user(role, ("TER-APEL",) if role == "manager" else ())
        response = client.get("/openrosa/forms/inspection-azc.xml", headers=basic(user.username))
        assert response.status_code == 403
        assert b"GEHEIM-1" not in response.data


def test_inactive_locations_are_not_offered_and_empty_types_not_listed(
    client, create_location, norm_set, inspector, download
):
    create_location(code="OPEN", type="azc")
    create_location(code="DICHT", type="azc", active=False)
    create_location(code="OUD", type="noodopvang", active=False)
    phone = basic("veldwerker")
    assert set(listed_forms(client.get("/openrosa/formList", headers=phone))) == {"inspection-azc"}
    assert location_choices(download("inspection-azc", phone)) == ["OPEN"]
    missing = client.get("/openrosa/forms/inspection-noodopvang.xml", headers=phone)
    assert missing.status_code == 404


def test_a_form_list_for_one_form_id(client, locations, inspector):
    response = client.get(
        "/openrosa/formList?formID=inspection-noodopvang", headers=basic("veldwerker")
    )
    assert list(listed_forms(response)) == ["inspection-noodopvang"]


def test_a_new_location_reaches_the_phones_as_a_new_version(
    client, locations, inspector, create_location
):
    phone = basic("veldwerker")
    before = listed_forms(client.get("/openrosa/formList", headers=phone))
    create_location(code="NIEUW-1", name="Nieuwe opvang", type="noodopvang")
    after = listed_forms(client.get("/openrosa/formList", headers=phone))
    assert after["inspection-noodopvang"]["version"] != before["inspection-noodopvang"]["version"]
    assert after["inspection-noodopvang"]["hash"] != before["inspection-noodopvang"]["hash"]
    assert after["inspection-azc"] == before["inspection-azc"]


def odd_norm_set() -> dict:
    """The default set, in force from 2024, with a choice item, a text item and odd codes."""
    document = copy.deepcopy(json_ready(read_document(DEFAULT_NORM_SET_FILE)))
    document["version"] = "2024.9"
    document["valid_from"] = "2024-01-01"
    document["domains"].append({"code": "X Y", "title": {"nl": "Overig", "en": "Other"}})
    document["items"] += [
        {
            "code": "heating",
            "type": "choice",
            "label": {"nl": "Verwarming", "en": "Heating"},
            "choices": [
                {"value": "central", "label": {"nl": "Centraal", "en": "Central"}},
                {"value": 2, "label": {"nl": "Kachel", "en": "Stove"}},
            ],
        },
        {"code": "house_rules", "type": "text", "label": {"nl": "Huisregels", "en": "Rules"}},
    ]
    document["norms"] += [
        {
            "code": "X Y/1",
            "domain": "X Y",
            "severity": "minor",
            "title": {"nl": "Verwarming", "en": "Heating"},
            "rule": {"item": "heating", "equals": 2},
            "basis": "proposal",
            "source": "test",
        },
        {
            "code": "X Y/2",
            "domain": "X Y",
            "severity": "minor",
            "title": {"nl": "Huisregels", "en": "House rules"},
            "rule": {"item": "house_rules", "equals": "posted"},
            "basis": "proposal",
            "source": "test",
        },
    ]
    return document


def test_location_names_are_escaped_in_the_form(tmp_path, app):
    from inspection.engine import parse_norm_set
    from inspection.openrosa.xforms import LocationOption, make_xform

    document = parse_norm_set(odd_norm_set())
    options = [LocationOption("A&B", "Opvang <A & B> ${x}")]
    form = make_xform(document, "azc", options)
    assert odk_validate(form.xml, tmp_path) == []
    assert "Opvang &lt;A &amp; B&gt; $ {x}" in form.xml.decode()


def test_choice_and_text_items_and_odd_codes_go_there_and_back(
    client, create_location, inspector, download, send, login, tmp_path
):
    load_norm_set(read_document(DEFAULT_NORM_SET_FILE))
    load_norm_set(odd_norm_set())
    db.session.commit()
    create_location(code="MET-KACHEL", type="azc")
    phone = basic("veldwerker")
    form_xml = download("inspection-azc", phone)
    assert odk_validate(form_xml, tmp_path) == []

    instance_id = str(uuid.uuid4())
    values = {
        "location": "MET-KACHEL",
        "observed_at": "2025-03-01T10:00:00+01:00",
        "heating": "2",
        "house_rules": "posted",
        "note_X_Y_1": "kachel in de hal",
    }
    response = send(fill_instance(form_xml, values, instance_id), phone)
    assert response.status_code == 201, response.data
    stored = client.get(f"/api/v1/inspections/{instance_id}", headers=login("veldwerker"))
    body = stored.get_json()
    assert body["answers"] == {"heating": 2, "house_rules": "posted"}
    assert body["notes"] == {"X Y/1": "kachel in de hal"}
    outcomes = {r["norm"]: r["outcome"] for r in body["results"]}
    assert outcomes["X Y/1"] == outcomes["X Y/2"] == "pass"


def test_an_item_named_like_a_form_field_leaves_its_form_out_rather_than_failing(
    client, create_location, inspector
):
    document = odd_norm_set()
    document["items"].append(
        {"code": "position", "type": "boolean", "label": {"nl": "Positie", "en": "Position"}}
    )
    document["norms"][-1]["rule"] = {"item": "position", "equals": True}
    load_norm_set(read_document(DEFAULT_NORM_SET_FILE))
    load_norm_set(document)
    db.session.commit()
    create_location(code="ERGENS", type="azc")
    response = client.get("/openrosa/formList", headers=basic("veldwerker"))
    assert response.status_code == 200
    assert listed_forms(response) == {}


def test_a_type_added_by_a_coordinator_gets_its_own_form(
    client, create_location, norm_set, inspector, download, tmp_path
):
    from inspection.location_types import add_location_type

    add_location_type(
        {
            "code": "asielhotel",
            "name_nl": "Asielhotel",
            "name_en": "Asylum hotel",
            "kind": "emergency",
            "responsible": "COA",
        }
    )
    create_location(code="HOTEL-1", name="Hotel De Poort", type="asielhotel")
    db.session.commit()
    phone = basic("veldwerker")

    assert set(listed_forms(client.get("/openrosa/formList", headers=phone))) == {
        "inspection-asielhotel"
    }
    form = download("inspection-asielhotel", phone)
    assert location_choices(form) == ["HOTEL-1"]
    assert odk_validate(form, tmp_path) == []
