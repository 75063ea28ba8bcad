"""Submissions as phones send them: namespaces, split sends, photos, refusals, hostile XML."""

from __future__ import annotations

import io
import uuid

import pytest
from conftest import basic, fill_instance, jpeg, message_of

from inspection.db import db
from inspection.models import AuditEvent, Inspection, Photo

FORM = "inspection-crisisnoodopvang"
OBSERVED = "2026-11-20T10:15:00.000+01:00"


@pytest.fixture
def phone(locations, inspector):
    return basic("veldwerker")


@pytest.fixture
def form_xml(phone, download):
    return download(FORM, phone)


@pytest.fixture
def visit(passing_answers):
    return dict(passing_answers, location="HAL-1", observed_at=OBSERVED)


def stored_count() -> int:
    return db.session.query(Inspection).count()


@pytest.mark.parametrize("namespaced", [False, True])
def test_instances_with_and_without_namespaces_are_read_alike(
    namespaced, phone, form_xml, visit, send, passing_answers
):
    instance_id = str(uuid.uuid4())
    xml = fill_instance(form_xml, visit, instance_id, namespaced=namespaced)
    assert (b'xmlns="http://www.w3.org/2002/xforms"' in xml) is namespaced
    response = send(xml, phone)
    assert response.status_code == 201, response.data
    inspection = db.session.get(Inspection, instance_id)
    assert inspection.answers == passing_answers
    assert inspection.location.code == "HAL-1"
    assert inspection.status == "meets_norms"


def test_the_submission_is_audited_as_the_inspector(phone, form_xml, visit, send, inspector):
    instance_id = str(uuid.uuid4())
    assert send(fill_instance(form_xml, visit, instance_id), phone).status_code == 201
    event = db.session.query(AuditEvent).filter_by(action="inspection.submitted").one()
    assert (event.subject_id, event.actor_id) == (instance_id, inspector.id)


def test_a_submission_split_by_size_arrives_whole_and_once(phone, form_xml, visit, send):
    instance_id = str(uuid.uuid4())
    values = dict(visit, photo_SAF="a.jpg", photo_FOOD="b.jpg")
    xml = fill_instance(form_xml, values, instance_id)
    first = send(xml, phone, {"a.jpg": jpeg((255, 0, 0))})
    second = send(xml, phone, {"b.jpg": jpeg((0, 255, 0))})
    assert (first.status_code, second.status_code) == (201, 201)
    assert db.session.query(Photo).filter_by(inspection_id=instance_id).count() == 2
    resend = send(xml, phone, {"a.jpg": jpeg((255, 0, 0)), "b.jpg": jpeg((0, 255, 0))})
    assert resend.status_code == 202
    assert db.session.query(Photo).count() == 2
    assert stored_count() == 1


def test_another_photo_under_the_same_instance_is_a_conflict(phone, form_xml, visit, send):
    instance_id = str(uuid.uuid4())
    xml = fill_instance(form_xml, dict(visit, photo_SAF="a.jpg"), instance_id)
    assert send(xml, phone, {"a.jpg": jpeg((255, 0, 0))}).status_code == 201
    other = send(xml, phone, {"a.jpg": jpeg((0, 0, 255))})
    assert other.status_code == 409
    assert "andere inhoud" in message_of(other)


def test_a_photo_that_is_no_image_refuses_the_whole_submission(phone, form_xml, visit, send):
    xml = fill_instance(form_xml, dict(visit, photo_SAF="a.jpg"))
    response = send(xml, phone, {"a.jpg": b"GIF89a not a photo"})
    assert response.status_code == 415
    assert "JPEG" in message_of(response)
    assert stored_count() == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"location": "NERGENS"}, "- Locatie: er is geen locatie met code NERGENS"),
        (
            {"observed_at": "2026-11-20T10:15:00"},
            "- Tijdstip van het bezoek: mist de tijdzone (bijvoorbeeld +01:00)",
        ),
        (
            {"observed_at": "2099-01-01T10:00:00+01:00"},
            "- Tijdstip van het bezoek: ligt meer dan 10 minuten in de toekomst",
        ),
        ({"observed_at": "gisteren"}, "- Tijdstip van het bezoek: is geen geldige datum en tijd"),
        (
            {"toilets_working": "veel"},
            "- Aantal werkende toiletten voor bewoners: moet een geheel getal zijn",
        ),
        ({"toilets_working": "2.5"}, "zonder decimalen"),
        ({"hot_water_available": "ja"}, "moet ja of nee zijn"),
        ({"residents_present": 6000}, "mag hoogstens 5000 zijn"),
        ({"position": "95 7.0 1 5"}, "- Positie: breedtegraad: moet liggen tussen -90 en 90"),
        ({"location": ""}, "- Locatie: ontbreekt"),
    ],
)
def test_refusals_name_the_question_in_dutch(
    changes, expected, phone, form_xml, visit, send, passing_answers
):
    response = send(fill_instance(form_xml, dict(visit, **changes)), phone)
    assert response.status_code == 422, response.data
    text = message_of(response)
    assert text.startswith("De inspectie is niet opgeslagen")
    assert expected in text
    assert stored_count() == 0


def test_a_phone_set_to_english_reads_english(phone, form_xml, visit, send):
    xml = fill_instance(form_xml, dict(visit, children_present=300))
    response = send(xml, dict(phone, **{"Accept-Language": "en-GB,en;q=0.8"}))
    assert response.status_code == 422
    text = message_of(response)
    assert text.startswith("The inspection was not stored")
    assert (
        "- Number of children (aged 0-17) at the location: must not exceed "
        "Number of residents at the location (200)" in text
    )
    assert response.headers["Content-Language"] == "en"


def test_an_instance_without_an_instance_id_is_refused(phone, form_xml, visit, send):
    xml = fill_instance(form_xml, dict(visit, instanceID=""))
    response = send(xml, phone)
    assert response.status_code == 422
    assert "- meta/instanceID: ontbreekt" in message_of(response)


def test_an_answer_to_an_unknown_question_is_refused(phone, send):
    xml = (
        b"<data><location>HAL-1</location><observed_at>" + OBSERVED.encode() + b"</observed_at>"
        b"<pool_depth>3</pool_depth><meta><instanceID>uuid:"
        + str(uuid.uuid4()).encode()
        + b"</instanceID></meta></data>"
    )
    response = send(xml, phone)
    assert response.status_code == 422
    assert "- pool_depth: onbekende vraag" in message_of(response)


def test_an_element_twice_is_refused_not_guessed(phone, send):
    xml = (
        b"<data><g><toilets_working>2</toilets_working></g><toilets_working>9</toilets_working>"
        b"</data>"
    )
    response = send(xml, phone)
    assert response.status_code == 400
    assert "toilets_working" in message_of(response)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<d><location>&b;</location></d>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<d><location>&x;</location></d>",
        b"<d><location>HAL-1</location>",
        b"not xml at all",
        b"<d><location>\x00</location></d>",
    ],
    ids=["entity-expansion", "external-entity", "unclosed", "text", "nul"],
)
def test_hostile_or_broken_xml_is_refused(xml, phone, send):
    response = send(xml, phone)
    assert response.status_code == 400
    assert message_of(response).startswith("De inzending is onleesbaar")
    assert b"root:" not in response.data
    assert stored_count() == 0


def test_a_post_without_the_instance_part_is_refused(client, phone):
    response = client.post(
        "/openrosa/submission",
        data={"other": (io.BytesIO(b"<d/>"), "x.xml", "text/xml")},
        headers=phone,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "xml_submission_file" in message_of(response)


def test_sizes_are_limited(app, phone, form_xml, visit, send):
    app.config["OPENROSA_XML_MAX_BYTES"] = 2048
    big = send(fill_instance(form_xml, visit), phone)
    assert big.status_code == 413
    assert message_of(big).startswith("De inzending is te groot")
    assert "Het formulier mag hoogstens 2 kB groot zijn" in message_of(big)

    # Over what the server announced plus the multipart margin: refused while reading.
    app.config["OPENROSA_XML_MAX_BYTES"] = 16 * 1024
    app.config["PHOTO_MAX_BYTES"] = 16 * 1024
    xml = fill_instance(form_xml, dict(visit, photo_SAF="big.jpg"))
    too_much = send(xml, phone, {"big.jpg": b"\xff" * (200 * 1024)})
    assert too_much.status_code == 413
    assert too_much.headers["X-OpenRosa-Version"] == "1.0"
    assert "Een verzending mag hoogstens 32 kB groot zijn" in message_of(too_much)
    assert stored_count() == 0


def test_a_size_limit_is_named_in_the_phones_language(app, phone, form_xml, visit, send):
    app.config["OPENROSA_XML_MAX_BYTES"] = 2560
    xml = fill_instance(form_xml, visit)

    dutch = send(xml, phone)
    english = send(xml, dict(phone, **{"Accept-Language": "en-GB,en;q=0.8"}))

    assert "Het formulier mag hoogstens 2,5 kB groot zijn" in message_of(dutch)
    assert "The instance may be at most 2.5 kB" in message_of(english)
    assert "bytes" not in message_of(dutch) + message_of(english)


def test_every_answer_under_openrosa_carries_the_protocol_header(client, phone):
    for response in (
        client.put("/openrosa/submission", headers=phone),
        client.get("/openrosa/nothing-here", headers=phone),
        client.get("/openrosa/formList"),
        client.get("/openrosa/forms/unknown.xml", headers=phone),
    ):
        assert response.headers["X-OpenRosa-Version"] == "1.0"
        assert response.status_code >= 400
