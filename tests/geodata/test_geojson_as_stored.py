"""Today's GeoJSON as stored, for whoever sees every feature as it is kept
(``inspection.picture.as_stored``): the same bytes as the picture computed on reading and as
the path that masks, with outdated features made again in their place, whatever parts the
process kept from before; and its ETag, made from the request's inputs, follows every kind
of change."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from geo_helpers import API, BELOW_NORM, GEOJSON_URL, SECRET, features_by_code, strict_json
from sqlalchemy import select, update

from geodata.exports import to_geojson
from geodata.features import PER_PART, collection_parts
from inspection import exports
from inspection.cache import LruCache
from inspection.db import db
from inspection.location_state import today
from inspection.models import Location, LocationPicture, User
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document
from inspection.picture import PictureFilter, as_stored, location_picture
from inspection.picture.as_stored import parts_as_stored, sees_as_stored, selection
from inspection.picture.features import features_as_seen

# After the world's visits, so that a visit then makes the picture.
LATER = "2026-11-21T09:00:00+01:00"


def _user(role: str) -> User:
    return db.session.scalars(select(User).where(User.role == role)).one()


def _reference(role: str, filters: dict[str, Any]) -> bytes:
    """The GeoJSON as computed on reading, from the visits' picture."""
    picture = location_picture(None, user=_user(role), filters=PictureFilter.from_args(filters))
    return to_geojson(picture)


def _export(client, headers: dict[str, str], filters: dict[str, Any] | None = None) -> Any:
    response = client.get(f"{GEOJSON_URL}?{urlencode(filters or {}, doseq=True)}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _both_ways(role: str, filters: dict[str, Any]) -> tuple[bytes, bytes]:
    """The body read as stored, and as the path that masks reads it."""
    db.session.expire_all()
    user, chosen = _user(role), PictureFilter.from_args(filters)
    conditions = selection(user, chosen)
    assert sees_as_stored(user, conditions), (role, filters)
    stored = b"".join(parts_as_stored(conditions) or [])
    seen = b"".join(collection_parts(features_as_seen(user, chosen, conditions)))
    return stored, seen


@pytest.mark.parametrize(
    ("role", "filters"),
    [
        ("coordinator", {}),
        ("coordinator", {"status": ["below", "not_inspected"]}),
        ("coordinator", {"type": "noodopvang"}),
        ("coordinator", {"province": "Overijssel", "type": "azc"}),
        ("viewer", {"province": "Groningen"}),
        ("manager", {"type": "azc", "status": ["below_norm"]}),
    ],
)
def test_read_as_stored_it_is_the_computed_picture_and_the_masking_paths_bytes(
    client, world, role, filters
):
    stored, seen = _both_ways(role, filters)

    assert stored == seen == _reference(role, filters)
    assert _export(client, world[role], filters).get_data() == stored


def test_only_whoever_sees_every_feature_as_stored_reads_them_so(world):
    assert sees_as_stored(_user("coordinator"), selection(_user("coordinator"), PictureFilter()))
    viewer = _user("viewer")
    assert not sees_as_stored(viewer, selection(viewer, PictureFilter()))
    assert sees_as_stored(viewer, selection(viewer, PictureFilter(province="Groningen")))
    # The manager runs ZWOL-LOW and the confidential ZWOL-SECRET.
    manager = _user("manager")
    assert not sees_as_stored(manager, selection(manager, PictureFilter()))
    assert sees_as_stored(manager, selection(manager, PictureFilter(statuses=("below_norm",))))


def test_outdated_and_missing_features_are_made_in_their_place(client, world):
    """A location changed behind the service's back (its feature made before that), one whose
    feature was lost, and one never inspected (no picture): each in the order of the codes."""
    edited = db.session.scalars(select(Location).where(Location.code == "GRON-HALF")).one()
    edited.name = "Boot Groningen-Noord"  # ``updated_at`` moves; the stored feature stays
    lost = select(Location.id).where(Location.code == "ZWOL-LOW").scalar_subquery()
    db.session.execute(
        update(LocationPicture).where(LocationPicture.location_id == lost).values(feature=None)
    )
    db.session.commit()
    never = select(LocationPicture).join(Location).where(Location.code == "GRON-NEW")
    assert db.session.scalar(never) is None

    stored, seen = _both_ways("coordinator", {})
    body = _export(client, world["coordinator"]).get_data()

    assert body == stored == seen == _reference("coordinator", {})
    document = strict_json(body)
    shown = [feature["properties"]["code"] for feature in document["features"]]
    assert shown == sorted(shown) and len(shown) == 7
    features = features_by_code(document)
    assert features["GRON-HALF"]["properties"]["name"] == "Boot Groningen-Noord"
    assert features["GRON-NEW"]["properties"]["status"] == "not_inspected"
    assert features["ZWOL-LOW"]["properties"]["status"] == "below_norm"


def _etag_changes(client, headers: dict[str, str], change, filters: dict[str, Any] | None = None):
    """``change()`` makes the export answer 200 to its former ETag, with another ETag and body."""
    before = _export(client, headers, filters)
    again = client.get(
        f"{GEOJSON_URL}?{urlencode(filters or {}, doseq=True)}",
        headers={**headers, "If-None-Match": before.headers["ETag"]},
    )
    assert again.status_code == 304
    change()
    after = client.get(
        f"{GEOJSON_URL}?{urlencode(filters or {}, doseq=True)}",
        headers={**headers, "If-None-Match": before.headers["ETag"]},
    )
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.get_data() != before.get_data()
    return strict_json(after.get_data())


def test_the_etag_changes_after_a_submission(client, world, submit):
    def visit() -> None:
        submit("GRON-OK", BELOW_NORM, observed_at=LATER)

    after = _etag_changes(client, world["coordinator"], visit)

    assert features_by_code(after)["GRON-OK"]["properties"]["status"] == "below_norm"


def test_the_etag_changes_after_a_location_edit(client, world):
    def edit() -> None:
        response = client.patch(
            f"{API}/locations/GRON-NEW", json={"capacity": 120}, headers=world["coordinator"]
        )
        assert response.status_code == 200, response.get_json()

    after = _etag_changes(client, world["coordinator"], edit, {"province": "Groningen"})

    assert features_by_code(after)["GRON-NEW"]["properties"]["capacity"] == 120


def test_the_etag_changes_after_an_import(client, cli, world, tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text(
        "code,name,type,municipality,province,latitude,longitude\n"
        "GRON-OK,Azc Groningen-Zuid,azc,Groningen,Groningen,53.2194,6.5665\n",
        encoding="utf-8",
    )

    def load() -> None:
        result = cli.invoke(args=["locations", "import", str(path)])
        assert result.exit_code == 0, result.output

    after = _etag_changes(client, world["coordinator"], load)

    assert features_by_code(after)["GRON-OK"]["properties"]["name"] == "Azc Groningen-Zuid"


def test_the_etag_changes_after_a_rescoring(client, cli, world, tmp_path):
    """An erratum that lets ZWOL-LOW's toilets pass (``BELOW_NORM``: 25 residents per toilet)."""
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 30}
    path = tmp_path / "erratum.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    def rescore() -> None:
        result = cli.invoke(
            args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1",
                  "--document", str(path)]
        )  # fmt: skip
        assert result.exit_code == 0, result.output

    after = _etag_changes(client, world["coordinator"], rescore)

    assert features_by_code(after)["ZWOL-LOW"]["properties"]["status"] == "meets_norms"


def test_a_matching_etag_is_answered_without_reading(client, world, monkeypatch):
    """As a process that has not made this body yet: its ETag is known before it is made."""
    first = _export(client, world["coordinator"])
    monkeypatch.setattr(exports, "app_cache", lambda _name, size: LruCache(size))

    def unread(*_: Any) -> list[bytes]:
        raise AssertionError("the features were read for a 304")

    monkeypatch.setattr(exports, "geojson_of_today", unread)
    again = client.get(
        GEOJSON_URL, headers={**world["coordinator"], "If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_later_day_has_an_etag_of_its_own_each_day(client, world, monkeypatch):
    """The picture of a later day is today's, which the date changes (outcomes go stale)."""
    later = {"as_of": (exports.today() + timedelta(days=3)).isoformat()}
    first = _export(client, world["viewer"], later)
    tomorrow = exports.today() + timedelta(days=1)
    monkeypatch.setattr(exports, "today", lambda: tomorrow)

    assert _export(client, world["viewer"], later).headers["ETag"] != first.headers["ETag"]


def test_the_coordinator_sees_confidential_locations_as_stored(client, world):
    body = _export(client, world["coordinator"]).get_data()

    secret = features_by_code(strict_json(body))[SECRET["code"]]
    assert secret["properties"]["masked"] is False
    assert secret["properties"]["name"] == SECRET["name"]


@pytest.fixture
def many(world, create_location, submit) -> list[str]:
    """250 more locations (three parts of the body), a third of them inspected."""
    codes = [f"MEER-{n:03d}" for n in range(250)]
    for n, code in enumerate(codes):
        create_location(code=code, name=f"Locatie {n}", municipality="Groningen")
    for code in codes[::3]:
        submit(code)
    return codes


def test_kept_parts_give_way_to_every_change(client, world, many, submit, create_location):
    """Parts kept from earlier requests serve only where their features are unchanged: after
    a submission, an edit through the service, one behind its back and a new location that
    moves every later feature to another part, the body is the computed picture each time."""
    coordinator = world["coordinator"]

    def same() -> None:
        db.session.expire_all()
        body = _export(client, coordinator).get_data()
        assert body == _reference("coordinator", {})
        assert _export(client, coordinator, {"province": "Groningen"}).get_data() == (
            _reference("coordinator", {"province": "Groningen"})
        )

    same()
    submit(many[99], BELOW_NORM, observed_at=LATER)  # inspected before
    same()
    response = client.patch(f"{API}/locations/{many[1]}", json={"capacity": 7}, headers=coordinator)
    assert response.status_code == 200, response.get_json()
    same()
    behind = db.session.scalars(select(Location).where(Location.code == many[200])).one()
    behind.name = "Buiten de service om"  # its ``updated_at`` moves, its stored feature stays
    db.session.commit()
    same()
    create_location(code="MEER-0005", municipality="Groningen")  # between MEER-000 and -001
    same()


def test_a_part_kept_for_one_reader_serves_another(client, world, many):
    """The viewer's Groningen holds no confidential location: the same parts as stored."""
    filters = {"province": "Groningen"}
    coordinator = _export(client, world["coordinator"], filters)
    viewer = _export(client, world["viewer"], filters)

    assert viewer.get_data() == coordinator.get_data() == _reference("viewer", filters)
    assert viewer.headers["ETag"] != coordinator.headers["ETag"]


def test_a_feature_rewritten_while_the_body_is_made_is_read_another_way(
    client, world, many, submit, monkeypatch
):
    """A part whose features changed between the walk and their reading (a write at that
    moment) is not made of what was read: the whole body is read as the masking path does."""
    coordinator, filters = world["coordinator"], {"province": "Groningen"}
    _export(client, coordinator, filters)  # every part kept
    submit(many[99], BELOW_NORM, observed_at=LATER)
    seen = []

    def rewritten(keys: set[bytes]) -> dict[bytes, bytes]:
        seen.append(len(keys))
        return {}

    monkeypatch.setattr(as_stored, "_read", rewritten)

    assert _export(client, coordinator, filters).get_data() == _reference("coordinator", filters)
    assert seen == [PER_PART]  # the one part the visit changed


def test_the_etag_changes_when_a_version_loaded_today_comes_into_force(client, world):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    document.update(version="2026.9", valid_from=today().isoformat())

    def load() -> None:
        response = client.post(f"{API}/norm-sets", json=document, headers=world["coordinator"])
        assert response.status_code == 201, response.get_json()

    after = _etag_changes(client, world["coordinator"], load)

    shown = {f["properties"]["norm_set"] for f in after["features"]}
    assert shown - {None} == {"nl-children/2026.9"}
