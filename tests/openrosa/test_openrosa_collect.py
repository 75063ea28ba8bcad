"""ODK Collect's conversation with the server, replayed request by request.

Collect: lists the forms, downloads one, asks HEAD /submission (credentials,
size), POSTs the instance with its photos; it resends when it did not see the
answer, and an edited copy under the same instanceID must not overwrite what
was stored.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from conftest import (
    basic,
    fill_instance,
    jpeg,
    listed_forms,
    message_of,
)

from inspection.db import db
from inspection.models import Inspection, Photo
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, json_ready, load_norm_set, read_document

FORM = "inspection-crisisnoodopvang"


def test_collect_lists_downloads_and_submits_with_photos(
    client, locations, inspector, passing_answers, download, send, login
):
    # Collect first asks without credentials and expects Basic to be offered.
    anonymous = client.get("/openrosa/formList", headers={"X-OpenRosa-Version": "1.0"})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic ")
    assert anonymous.headers["X-OpenRosa-Version"] == "1.0"

    phone = basic("veldwerker")
    listing = client.get("/openrosa/formList", headers=phone)
    assert listing.status_code == 200
    assert listing.headers["X-OpenRosa-Version"] == "1.0"
    assert listing.mimetype == "text/xml"
    forms = listed_forms(listing)
    assert set(forms) == {"inspection-azc", "inspection-noodopvang", "inspection-crisisnoodopvang"}
    entry = forms[FORM]
    assert entry["version"].startswith("2023.1-")
    assert entry["downloadUrl"] == f"http://localhost/openrosa/forms/{FORM}.xml"

    form_xml = download(FORM, phone)
    assert entry["hash"] == "md5:" + hashlib.md5(form_xml).hexdigest()

    assert client.head("/openrosa/submission").status_code == 401
    probe = client.head("/openrosa/submission", headers=phone)
    assert probe.status_code == 204
    assert int(probe.headers["X-OpenRosa-Accept-Content-Length"]) >= 8 * 1024 * 1024

    instance_id = str(uuid.uuid4())
    values = dict(passing_answers, location="HAL-1", observed_at="2026-11-20T10:15:00.000+01:00")
    values.update(
        position="52.99 7.06 12.0 8.5",
        photo_SAF="1700000001.jpg",
        photo_HYG="1700000002.jpg",
        **{"note_HYG-01": "twee toiletten defect"},
    )
    xml = fill_instance(form_xml, values, instance_id)
    photos = {"1700000001.jpg": jpeg((200, 0, 0)), "1700000002.jpg": jpeg((0, 0, 200))}

    first = send(xml, phone, photos)
    assert first.status_code == 201, first.data
    assert "Inspectie ontvangen" in message_of(first)
    assert "Sporthal Zuid" in message_of(first)

    # What the team sees: the same inspection through the JSON API.
    api = client.get(f"/api/v1/inspections/{instance_id}", headers=login("veldwerker"))
    assert api.status_code == 200
    stored = api.get_json()
    assert stored["location"] == "HAL-1"
    assert stored["inspector"] == "veldwerker"
    assert stored["answers"] == passing_answers
    assert stored["notes"] == {"HYG-01": "twee toiletten defect"}
    assert stored["position"] == {"latitude": 52.99, "longitude": 7.06, "accuracy_m": 8.5}
    assert stored["observed_at"] == "2026-11-20T10:15:00+01:00"
    assert stored["score"]["status"] == "meets_norms"
    listed = client.get(f"/api/v1/inspections/{instance_id}/photos", headers=login("veldwerker"))
    assert len(listed.get_json()) == 2

    # The answer got lost on the way back: Collect sends the same again.
    again = send(xml, phone, photos)
    assert again.status_code in (201, 202)
    assert "al ontvangen" in message_of(again)
    assert db.session.query(Inspection).count() == 1
    assert db.session.query(Photo).count() == 2

    # An edited copy under the same instanceID is refused, and nothing changes.
    changed = fill_instance(form_xml, dict(values, toilets_working=2), instance_id)
    conflict = send(changed, phone)
    assert conflict.status_code == 409
    assert "andere inhoud" in message_of(conflict)
    db.session.expire_all()
    assert db.session.get(Inspection, instance_id).answers["toilets_working"] == 20


def test_a_refused_instance_tells_the_inspector_why_in_dutch(
    client, locations, inspector, passing_answers, download, send
):
    phone = basic("veldwerker")
    form_xml = download(FORM, phone)
    values = dict(
        passing_answers,
        location="HAL-1",
        observed_at="2026-11-20T10:15:00+01:00",
        children_present=300,
    )
    refused = send(fill_instance(form_xml, values), phone)
    assert refused.status_code == 422
    text = message_of(refused)
    assert text.startswith("De inspectie is niet opgeslagen")
    assert (
        "Aantal kinderen (0-17 jaar) op de locatie: mag niet groter zijn dan "
        "Aantal bewoners op de locatie (200)" in text
    )
    assert refused.headers["X-OpenRosa-Version"] == "1.0"
    assert db.session.query(Inspection).count() == 0


def test_a_new_norm_set_in_force_changes_the_forms_version_and_hash(
    client, locations, inspector, download
):
    phone = basic("veldwerker")
    before = listed_forms(client.get("/openrosa/formList", headers=phone))[FORM]
    old_form = download(FORM, phone)

    document = json_ready(read_document(DEFAULT_NORM_SET_FILE))
    document["version"] = "2099.1-test"
    document["valid_from"] = date.today().isoformat()
    document["items"][0]["label"]["nl"] = "Aantal bewoners volgens de bezettingslijst"
    load_norm_set(document)
    db.session.commit()

    after = listed_forms(client.get("/openrosa/formList", headers=phone))[FORM]
    assert after["version"].startswith("2099.1-test-")
    assert after["hash"] != before["hash"]
    new_form = download(FORM, phone)
    assert after["hash"] == "md5:" + hashlib.md5(new_form).hexdigest()
    assert "Aantal bewoners volgens de bezettingslijst" in new_form.decode()
    assert new_form != old_form
