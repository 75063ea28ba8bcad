"""A location's picture by day is kept with its picture: a past day reads what the visits gave.

The rows of ``location_picture_days`` are written at write time (a visit in
order extends them, a late one or a rescoring remakes them), by the migration
for databases that had visits before, and again for a day whose version in
force was loaded after them. What every writer leaves must equal what the
visits, taken in order, give.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime

import yaml
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from inspection.db import db
from inspection.models import LocationPictureDay, NormSet
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, load_norm_set, read_document
from inspection.picture.query import picture_rows
from inspection.submissions import Submission, submit_inspection


def visit(code, inspector, when, answers):
    submission = Submission(str(uuid.uuid4()), code, datetime.fromisoformat(when), answers)
    inspection, _ = submit_inspection(submission, inspector)
    db.session.commit()
    return inspection


def days_of():
    """Every location's rows, in order."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(LocationPictureDay).order_by(
            LocationPictureDay.location_id, LocationPictureDay.valid_from
        )
    ).all()
    return [
        (
            r.location_id,
            r.valid_from,
            r.norm_set_id,
            r.status,
            r.overall,
            r.coverage,
            r.failed_norms,
            r.critical_norms,
            r.failing_since,
            r.latest_inspection_id,
            r.latest_observed_at,
            r.children_present,
        )  # fmt: skip
        for r in rows
    ]


def later_version():
    """A version from 1 September 2025 without HYG-01."""
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    document["version"] = "2025.2"
    document["valid_from"] = "2025-09-01"
    document["norms"] = [n for n in document["norms"] if n["code"] != "HYG-01"]
    return document


def versions_by_day():
    """Every row's location, first day and the version it was made with."""
    db.session.expire_all()
    return db.session.execute(
        select(LocationPictureDay.location_id, LocationPictureDay.valid_from, NormSet.version)
        .join(NormSet, NormSet.id == LocationPictureDay.norm_set_id)
        .order_by(LocationPictureDay.location_id, LocationPictureDay.valid_from)
    ).all()


def on(day, code):
    return picture_rows(day).set_index("code").loc[code]


def test_each_day_reads_the_picture_the_visits_gave_by_then(
    norm_set, create_location, create_user, passing_answers
):
    create_location(code="ZWOLLE", type="noodopvang")
    inspector = create_user("inspector")
    visit("ZWOLLE", inspector, "2026-03-02T10:00:00+01:00", passing_answers)
    visit(
        "ZWOLLE",
        inspector,
        "2026-03-09T10:00:00+01:00",
        {"residents_present": 100, "toilets_working": 3},
    )
    # Only the toilets are checked: the rest of the picture stands, the toilets fail.
    assert on(date(2026, 3, 1), "ZWOLLE")["status"] == "not_inspected"
    assert on(date(2026, 3, 5), "ZWOLLE")["status"] == "meets_norms"
    assert on(date(2026, 3, 9), "ZWOLLE")["failed_norms"] == ["HYG-01"]
    # A phone that synced late: a visit between the two, failing the drinking water.
    visit("ZWOLLE", inspector, "2026-03-04T10:00:00+01:00", {"drinking_water_24h": False})

    assert on(date(2026, 3, 3), "ZWOLLE")["status"] == "meets_norms"
    assert on(date(2026, 3, 4), "ZWOLLE")["failed_norms"] == ["HYG-05"]
    assert on(date(2026, 3, 9), "ZWOLLE")["failed_norms"] == ["HYG-01", "HYG-05"]


def test_the_migration_fills_the_days_as_the_writes_make_them(
    app, norm_set, create_location, create_user, passing_answers
):
    create_location(code="LEEK", type="crisisnoodopvang")
    create_location(code="ZWOLLE", type="noodopvang")
    create_location(code="NEVER")
    inspector = create_user("inspector")
    visit("LEEK", inspector, "2025-01-10T09:00:00+01:00", passing_answers)
    visit("LEEK", inspector, "2025-06-10T09:00:00+02:00", {"toilets_working": 1})
    visit("ZWOLLE", inspector, "2025-03-30T01:30:00+01:00", {"staff_on_site_24h": False})
    visit("LEEK", inspector, "2025-02-10T09:00:00+01:00", {"children_present": 12})
    written = days_of()
    assert len(written) >= 5  # visits and the days outcomes went stale
    db.session.remove()

    downgrade(revision="3b8d2f6c9e14")
    upgrade()
    db.engine.dispose()

    assert days_of() == written


def test_a_version_loaded_later_remakes_the_days_it_comes_into_force_on(
    norm_set, create_location, create_user, passing_answers, tmp_path
):
    create_location(code="LEEK", type="azc")
    inspector = create_user("inspector")
    visit("LEEK", inspector, "2025-03-02T10:00:00+01:00", {**passing_answers, "toilets_working": 5})
    assert on(date(2025, 9, 1), "LEEK")["failed_norms"] == ["HYG-01"]

    load_norm_set(yaml.safe_load(yaml.safe_dump(later_version())))
    db.session.commit()

    before, after = on(date(2025, 8, 31), "LEEK"), on(date(2025, 9, 1), "LEEK")
    assert (before["version"], before["failed_norms"]) == ("2023.1", ["HYG-01"])
    assert (after["version"], after["failed_norms"]) == ("2025.2", [])
    assert after["status"] == "meets_norms"


def test_a_rescoring_changes_the_past_days_of_the_visits_it_changes(
    cli, norm_set, create_location, create_user, passing_answers, tmp_path
):
    create_location(code="TER-APEL", type="azc")
    inspector = create_user("inspector")
    # 200 residents, 12 toilets: 16.7 per toilet, over the azc's 15 but not over 20.
    visit(
        "TER-APEL",
        inspector,
        "2026-05-20T10:15:00+02:00",
        {**passing_answers, "toilets_working": 12},
    )
    assert on(date(2026, 5, 21), "TER-APEL")["failed_norms"] == ["HYG-01"]
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 20}
    path = tmp_path / "erratum.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1",
              "--document", str(path)]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert on(date(2026, 5, 21), "TER-APEL")["failed_norms"] == []


def test_a_retyped_location_has_its_past_days_made_for_its_new_type(
    client, norm_set, create_location, create_user, headers_for, passing_answers
):
    create_location(code="HAL", type="crisisnoodopvang")
    inspector = create_user("inspector")
    # Children staying 20 days: over the crisis shelter's limit (FAM-04, crisis shelters only).
    answers = {**passing_answers, "max_child_stay_days": 20}
    visit("HAL", inspector, "2026-05-20T10:15:00+02:00", answers)
    assert on(date(2026, 5, 21), "HAL")["failed_norms"] == ["FAM-04"]

    response = client.patch(
        "/api/v1/locations/HAL", json={"type": "noodopvang"}, headers=headers_for("coordinator")
    )

    assert response.status_code == 200, response.get_json()
    assert on(date(2026, 5, 21), "HAL")["failed_norms"] == []


def test_loading_a_version_with_the_command_remakes_the_days_at_once(
    cli, norm_set, create_location, create_user, passing_answers, tmp_path
):
    create_location(code="LEEK", type="azc")
    inspector = create_user("inspector")
    visit("LEEK", inspector, "2025-03-02T10:00:00+01:00", passing_answers)
    path = tmp_path / "2025.2.yaml"
    path.write_text(yaml.safe_dump(later_version()), encoding="utf-8")

    result = cli.invoke(args=["norms", "load", str(path)])

    assert result.exit_code == 0, result.output
    rows = [(day, version) for *_, day, version in versions_by_day()]
    assert (date(2025, 9, 1), "2025.2") in rows
