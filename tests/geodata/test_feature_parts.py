"""Every location's feature joined in parts at write time (``inspection.feature_parts``): the
coordinator's GeoJSON of every location is the computed picture's, byte for byte, whatever
changed and whoever changed it (the service, or SQL behind its back, which the database's
triggers see); the service leaves no change unjoined when it commits, parts split and go as
locations come and go, and on PostgreSQL writers never wait for each other on the parts."""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask_migrate import downgrade, upgrade
from geo_helpers import API, BELOW_NORM, CRITICAL, GEOJSON_URL, strict_json
from sqlalchemy import delete, event, insert, select, text, update

from geodata.exports import to_geojson
from inspection import feature_parts
from inspection.db import db
from inspection.locks import lock_key
from inspection.models import FeaturePart, FeaturePartChange, Location, LocationPicture, User
from inspection.picture import PictureFilter, location_picture

LATER = "2026-11-21T09:00:00+01:00"
# The revision before ``feature_parts``.
BEFORE_PARTS = "9d3f6a1c2e57"
# Features per part here: small, so that a few dozen locations make many parts.
SMALL = 3


@pytest.fixture(autouse=True)
def small_parts(monkeypatch) -> None:
    monkeypatch.setattr(feature_parts, "PER_PART", SMALL)


def _reference() -> bytes:
    coordinator = db.session.scalars(select(User).where(User.role == "coordinator")).one()
    return to_geojson(location_picture(None, user=coordinator, filters=PictureFilter()))


def _export(client, headers: dict[str, str]) -> bytes:
    db.session.expire_all()
    response = client.get(GEOJSON_URL, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data()


def _parts() -> list[tuple[str, bytes | None, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(FeaturePart.first_code, FeaturePart.body, FeaturePart.features)
    )
    return sorted((code, None if body is None else bytes(body), n) for code, body, n in rows)


def _named() -> list[str]:
    """The codes named as changed since their parts were joined."""
    return sorted(db.session.scalars(select(FeaturePartChange.code)))


def _codes() -> list[str]:
    return sorted(db.session.scalars(select(Location.code)))


def _assert_joined() -> None:
    """No change waits to be joined, each part begins at its first location's code, and none
    is empty (but the first) or holds more than twice ``PER_PART``."""
    assert _named() == []
    parts = _parts()
    assert parts[0][0] == ""
    codes = _codes()
    for n, (first, body, count) in enumerate(parts):
        assert body is not None, f"part {first!r} left unjoined"
        following = parts[n + 1][0] if n + 1 < len(parts) else None
        held = [c for c in codes if c >= first and (following is None or c < following)]
        assert count == len(held) == body.count(b'"type":"Feature"')
        assert count <= 2 * SMALL
        assert count or first == ""
        if first:
            assert held[0] == first


def _many(create_location, submit, count: int = 30) -> list[str]:
    codes = [f"MEER-{n:03d}" for n in range(count)]
    for n, code in enumerate(codes):
        create_location(code=code, name=f"Locatie {n}", municipality="Groningen")
    for code in codes[::3]:
        submit(code)
    return codes


def test_a_submission_joins_its_part_before_it_commits(client, world, create_location, submit):
    codes = _many(create_location, submit)
    # The fixture added locations behind the service's back; the service's writes joined them.
    _assert_joined()
    before = _parts()

    submit(codes[13], BELOW_NORM, observed_at=LATER)

    after = _parts()
    changed = [a[0] for a, b in zip(after, before, strict=True) if a != b]
    assert len(changed) == 1 and changed[0] <= codes[13]
    _assert_joined()
    body = _export(client, world["coordinator"])
    assert body == _reference()
    shown = {f["properties"]["code"]: f for f in strict_json(body)["features"]}
    assert shown[codes[13]]["properties"]["status"] == "below_norm"


def test_changes_behind_the_services_back_are_seen_by_the_triggers(
    client, world, create_location, submit
):
    """SQL that no code of the service wrote: the part is marked, the reader joins it itself."""
    codes = _many(create_location, submit)
    coordinator = world["coordinator"]
    changes = [
        update(Location).where(Location.code == codes[4]).values(name="Buiten de service om"),
        # A code that moves its location to another part.
        update(Location).where(Location.code == codes[6]).values(code="AAA-EERST"),
        delete(Location).where(Location.code == codes[8]),  # never inspected: no picture
        update(LocationPicture)
        .where(
            LocationPicture.location_id
            == select(Location.id).where(Location.code == codes[9]).scalar_subquery()
        )
        .values(feature=None),
        insert(Location).values(
            code="MEER-0135",
            name="Tussendoor",
            type="azc",
            operator="COA",
            municipality="Groningen",
            province="Groningen",
            latitude=53.2,
            longitude=6.5,
            capacity=10,
        ),
    ]
    for change in changes:
        db.session.execute(change)
        db.session.commit()

        assert _named(), change  # named by the database's triggers
        assert _export(client, coordinator) == _reference()

    submit(codes[20], CRITICAL, observed_at=LATER)  # the service joins whatever it finds

    _assert_joined()
    body = _export(client, coordinator)
    assert body == _reference()
    shown = [f["properties"]["code"] for f in strict_json(body)["features"]]
    assert shown[0] == "AAA-EERST" and "MEER-0135" in shown and codes[8] not in shown


def test_parts_split_as_locations_come_and_go(client, world, create_location, submit, headers_for):
    coordinator = world["coordinator"]
    codes = _many(create_location, submit, count=12)
    # Through the service: each new location joins its part, which splits past 2 * SMALL.
    for n in range(10):
        response = client.post(
            f"{API}/locations",
            json={
                "code": f"MEER-005-{n}",
                "name": f"Erbij {n}",
                "type": "azc",
                "municipality": "Groningen",
                "province": "Groningen",
                "latitude": 53.2,
                "longitude": 6.55,
            },
            headers=coordinator,
        )
        assert response.status_code == 201, response.get_json()
        _assert_joined()
    assert _export(client, coordinator) == _reference()
    # Gone behind the service's back: their parts empty, dropped at the next write.
    inspected = db.session.scalars(select(LocationPicture.location_id)).all()
    gone = select(Location.id).where(
        Location.code.like("MEER-005-%"), Location.id.not_in(inspected)
    )
    db.session.execute(delete(Location).where(Location.id.in_(gone)))
    db.session.commit()
    assert _export(client, coordinator) == _reference()
    submit(codes[0], BELOW_NORM, observed_at=LATER)

    _assert_joined()
    assert _export(client, coordinator) == _reference()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_sequence_of_changes_gives_the_computed_picture(
    client, world, create_location, submit, seed
):
    """Random submissions, edits through the service and behind its back, new locations and
    lost features, checked after each against the picture computed on reading."""
    rng = random.Random(seed)
    codes = _many(create_location, submit, count=15)
    coordinator = world["coordinator"]

    def submission() -> None:
        submit(rng.choice(codes), rng.choice([None, BELOW_NORM, CRITICAL]), observed_at=LATER)

    def edit() -> None:
        code = rng.choice(codes)
        changes: dict[str, Any] = {
            "name": f"Naam {rng.random():.6f}",
            "capacity": rng.randint(1, 99),
        }
        response = client.patch(f"{API}/locations/{code}", json=changes, headers=coordinator)
        assert response.status_code == 200, response.get_json()

    def behind() -> None:
        code = rng.choice(codes)
        db.session.execute(
            update(Location).where(Location.code == code).values(name=f"SQL {rng.random():.6f}")
        )
        db.session.commit()

    def new() -> None:
        code = f"MEER-{rng.randint(0, 20):03d}-{rng.randint(0, 999):03d}"
        if code not in codes:
            create_location(code=code, municipality="Groningen")
            codes.append(code)

    def lost() -> None:
        db.session.execute(
            update(LocationPicture)
            .values(feature=None)
            .where(
                LocationPicture.location_id.in_(
                    select(Location.id).where(Location.code == rng.choice(codes))
                )
            )
        )
        db.session.commit()

    for _ in range(25):
        rng.choice([submission, submission, edit, behind, new, lost])()
        assert _export(client, coordinator) == _reference()


def test_an_upgraded_database_serves_every_location_before_its_first_write_and_after(
    client, world, submit
):
    """The migration leaves one part to be joined; the reader joins it, the first write
    of a picture joins and splits it."""
    before = _export(client, world["coordinator"])
    db.session.remove()
    downgrade(revision=BEFORE_PARTS)
    upgrade()
    db.engine.dispose()

    assert _parts() == [("", None, 0)]
    assert _export(client, world["coordinator"]) == before == _reference()
    submit("GRON-NEW", BELOW_NORM, observed_at=LATER)

    _assert_joined()
    assert [n for _, _, n in _parts()] == [3, 3, 1]  # 7 locations: past twice 3, split
    assert _export(client, world["coordinator"]) == _reference()


@pytest.fixture
def patient_for_ten_seconds():
    """PostgreSQL gives up a lock wait after 10 s: a writer stuck behind another fails."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite lets one transaction write at a time")

    def impatient(connection, _record) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", impatient)
    yield
    event.remove(db.engine, "connect", impatient)
    db.session.remove()
    db.engine.dispose()


def test_writers_never_wait_for_each_other_on_the_parts(
    client, world, submit, patient_for_ten_seconds
):
    """Another transaction changed a location of the same part, joined the parts and is still
    open: a submission and an edit go through, and what the open one changed shows once it
    commits."""
    coordinator = world["coordinator"]
    with db.engine.connect() as other, other.begin():
        other.execute(
            update(Location).where(Location.code == "GRON-OK").values(name="Nog niet vastgelegd")
        )
        other.execute(update(FeaturePart).values(features=FeaturePart.features))  # every row
        other.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": lock_key(feature_parts.JOINING)},
        )

        submit("GRON-HALF", CRITICAL, observed_at=LATER)
        response = client.patch(
            f"{API}/locations/GRON-CRIT", json={"capacity": 12}, headers=coordinator
        )
        assert response.status_code == 200, response.get_json()
        assert _export(client, coordinator) == _reference()

    submit("GRON-NEW", BELOW_NORM, observed_at=LATER)  # the next writer joins what was left

    _assert_joined()
    body = _export(client, coordinator)
    assert body == _reference()
    shown = {f["properties"]["code"]: f["properties"] for f in strict_json(body)["features"]}
    assert shown["GRON-OK"]["name"] == "Nog niet vastgelegd"
    assert shown["GRON-HALF"]["status"] == "critical"
    assert shown["GRON-CRIT"]["capacity"] == 12
