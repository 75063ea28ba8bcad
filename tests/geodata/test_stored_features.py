"""Today's GeoJSON is concatenated from features kept at write time: byte for byte the same
as the picture computed on reading, for every role and filter, after late visits, edits of
locations, changes made behind the service's back and the migration that added ``masked``."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from itertools import product
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from flask_migrate import downgrade, upgrade
from geo_helpers import API, GEOJSON_URL
from sqlalchemy import select

from geodata.exports import to_geojson
from geodata.features import collection_parts
from inspection.db import db
from inspection.demo.answers import generate_answers
from inspection.demo.loader import load_demo
from inspection.location_features import stored_features
from inspection.location_state import norm_set_for, today
from inspection.models import Location, LocationPicture, User
from inspection.norm_sets import compiled
from inspection.picture import PictureFilter, location_picture
from inspection.vocabulary import AMSTERDAM

FILTERS: list[dict[str, Any]] = [
    {},
    {"status": ["below"]},
    {"status": ["not_inspected", "meets_norms"]},
    {"status": ["incomplete"]},
    {"type": "azc"},
    {"province": "Groningen"},
    {"domain": "HYG"},
    {"domain": "SAF", "status": ["critical"]},
    {"type": "noodopvang", "province": "Overijssel", "status": ["below"]},
]
# The revision before the stored features said whether they are masked.
BEFORE_MASKED_FLAG = "a7c4d2e9f013"


@pytest.fixture
def demo(app, client, create_user, login):
    """Four months of demo visits, then late visits, edits and a location never inspected."""
    load_demo(seed=11, months=4)
    db.session.commit()
    locations = db.session.scalars(select(Location).order_by(Location.code)).all()
    secret = [loc for loc in locations if loc.confidential]
    assert len(secret) >= 2
    managed = (secret[0].code, locations[0].code, locations[1].code)
    names = {
        "inspector": create_user("inspector").username,
        "manager": create_user("manager", managed).username,
        "coordinator": create_user("coordinator").username,
        "viewer": create_user("viewer").username,
    }
    users = {role: (login(name), name) for role, name in names.items()}
    headers = {role: header for role, (header, _) in users.items()}
    # Late phones: visits observed weeks before visits already stored, some failing.
    observed = datetime.now(AMSTERDAM) - timedelta(days=20)
    for n, location in enumerate([*secret[:2], *locations[2:8]]):
        body = _visit(location, observed, quality=0.1 * n)
        response = client.post(f"{API}/inspections", json=body, headers=headers["inspector"])
        assert response.status_code == 201, response.get_json()
    # An edit through the API: the name and the point are part of the feature.
    response = client.patch(
        f"{API}/locations/{locations[3].code}",
        json={"name": "Anders genoemd", "latitude": 52.1234567, "longitude": 5.4321098},
        headers=headers["coordinator"],
    )
    assert response.status_code == 200, response.get_json()
    db.session.add(
        Location(
            code="NIEUW-1", name="Nog niet bezocht", type="azc", municipality="Zwolle",
            province="Overijssel", latitude=52.51, longitude=6.09, capacity=100,
        )
    )  # fmt: skip
    db.session.commit()
    return users


def _visit(location: Location, observed: datetime, quality: float) -> dict[str, Any]:
    """A checklist of the version in force, as the demo's inspectors fill them in."""
    items = list(compiled(norm_set_for(today())).items)
    answers = generate_answers(random.Random(quality), location.type, 300, quality, items)
    return {
        "id": str(uuid.uuid4()),
        "location": location.code,
        "observed_at": observed.isoformat(timespec="seconds"),
        "answers": answers,
        "notes": {},
    }


def _reference(username: str, filters: dict[str, Any]) -> bytes:
    """The GeoJSON as computed on reading, before features were kept."""
    user = db.session.scalars(select(User).where(User.username == username)).one()
    picture = location_picture(None, user=user, filters=PictureFilter.from_args(filters))
    return to_geojson(picture)


def _export(client, headers: dict[str, str], filters: dict[str, Any]) -> bytes:
    response = client.get(f"{GEOJSON_URL}?{urlencode(filters, doseq=True)}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    # Sent in parts, with its length announced (not chunked).
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    return response.get_data()


def _assert_same_for_all(client, demo) -> None:
    for (role, (headers, username)), filters in product(demo.items(), FILTERS):
        db.session.expire_all()
        assert _export(client, headers, filters) == _reference(username, filters), (role, filters)


def test_every_role_and_filter_gets_the_bytes_of_the_computed_picture(client, demo):
    _assert_same_for_all(client, demo)
    # The picture of a later day is today's picture.
    later = (today() + timedelta(days=3)).isoformat()
    headers, username = demo["viewer"]
    assert _export(client, headers, {"as_of": later}) == _reference(username, {})


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250])
def test_a_collection_in_parts_joins_to_the_collection(count):
    features = [{"type": "Feature", "properties": {"code": f"L-{n}"}} for n in range(count)]
    parts = collection_parts([orjson.dumps(feature) for feature in features])
    assert b"".join(parts) == orjson.dumps({"type": "FeatureCollection", "features": features})
    assert len(parts) == max(1, -(-count // 100))  # some 60 KB each for real features


def test_changes_behind_the_service_are_seen(client, demo):
    """A location changed without the service (a script, a console) and a feature lost."""
    first = db.session.scalars(select(Location).order_by(Location.code)).first()
    first.name = "Hernoemd buiten de service om"
    first.confidential = True
    db.session.execute(
        LocationPicture.__table__.update()
        .where(LocationPicture.location_id.in_(select(Location.id).where(Location.type == "azc")))
        .values(feature=None)
    )
    db.session.commit()
    _assert_same_for_all(client, demo)


@pytest.mark.parametrize("confidential", [False, True], ids=["public", "confidential"])
def test_the_etag_follows_the_bytes(client, demo, confidential):
    """A new visit changes the ETag, of a location the viewer sees masked as well."""
    viewer, _ = demo["viewer"]
    first = client.get(GEOJSON_URL, headers=viewer)
    again = client.get(GEOJSON_URL, headers={**viewer, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    location = db.session.scalars(
        select(Location).where(Location.active.is_(True), Location.confidential.is_(confidential))
    ).first()
    body = _visit(location, datetime.now(AMSTERDAM), quality=0.0)
    posted = client.post(f"{API}/inspections", json=body, headers=demo["inspector"][0])
    assert posted.status_code == 201
    changed = client.get(GEOJSON_URL, headers={**viewer, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_data() != first.get_data()


def _stored() -> dict[int, tuple[bytes, bytes]]:
    """The stored feature and digest of every location that has one."""
    rows = db.session.execute(
        select(
            LocationPicture.location_id, LocationPicture.feature, LocationPicture.feature_digest
        ).where(LocationPicture.feature.is_not(None))
    )
    return {key: (bytes(body), bytes(kept)) for key, body, kept in rows}


def test_the_migration_gives_stored_features_the_masked_flag_and_takes_it_back(client, demo):
    """A database whose features were stored before they said ``masked`` serves the flag
    after the upgrade: its features and digests are byte for byte what the service writes
    now, and every role's export is the computed one."""
    written = _stored()
    db.session.remove()

    downgrade(revision=BEFORE_MASKED_FLAG)
    db.engine.dispose()
    old = _stored()
    db.session.remove()
    upgrade()
    db.engine.dispose()

    assert len(written) > 40  # the demo's locations with a visit
    assert _stored() == written
    made = stored_features(db.session, list(written), pictured_only=True)
    assert {key: (m["feature"], m["feature_digest"]) for key, m in made.items()} == written
    # Down, each feature was as it was written before the flag: the same but for it.
    assert old.keys() == written.keys()
    for key, (body, kept) in written.items():
        assert body.endswith(b',"masked":false}}')
        assert old[key][0] == body.removesuffix(b',"masked":false}}') + b"}}"
        assert old[key][1] != kept
    _assert_same_for_all(client, demo)
