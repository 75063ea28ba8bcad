"""The shipped catalogue: 2026.1 takes over from 2023.1 at midnight on 12 June 2026, Dutch time."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import yaml

from inspection.db import db
from inspection.engine import parse_norm_set
from inspection.errors import ValidationFailed
from inspection.norm_sets import load_norm_set, read_document, shipped_norm_set_files
from inspection.submissions import Submission, submit_inspection

# 23:30 on 11 June and 00:30 on 12 June in Amsterdam (summer time, UTC+2): both are
# 11 June in UTC, so only the local date tells the versions apart.
LAST_EVENING = datetime.fromisoformat("2026-06-11T23:30:00+02:00")
FIRST_NIGHT = datetime.fromisoformat("2026-06-12T00:30:00+02:00")


@pytest.fixture
def shipped(app):
    for path in shipped_norm_set_files():
        load_norm_set(read_document(path))
    db.session.commit()


@pytest.fixture
def inspector(create_user):
    return create_user("inspector")


@pytest.fixture
def crisis(create_location):
    return create_location(code="SPORTHAL", type="crisisnoodopvang")


def submit(answers, inspector, observed_at, location="SPORTHAL"):
    submission = Submission(
        id=str(uuid.uuid4()), location=location, observed_at=observed_at, answers=answers
    )
    inspection, _ = submit_inspection(submission, inspector)
    db.session.commit()
    return inspection


def outcomes(inspection):
    return {r["norm"]: r for r in inspection.results}


def test_the_same_answers_are_scored_by_2023_1_until_midnight_and_2026_1_after(
    shipped, crisis, inspector, passing_answers
):
    # Answers both versions ask: a child moved three times in a year, three of them on
    # the standard route (2026.1 asks how many were beyond it, and nobody answered).
    answers = {
        code: value
        for code, value in passing_answers.items()
        if code not in ("sleeping_area_m2", "max_relocations_12_months")
    }
    answers["max_relocations_12_months"] = 3

    before = submit(answers, inspector, LAST_EVENING)
    after = submit(answers, inspector, FIRST_NIGHT)

    assert before.norm_set.version == "2023.1"
    assert after.norm_set.version == "2026.1"
    assert outcomes(before)["FAM-02"]["outcome"] == "fail"
    assert outcomes(before)["FAM-02"]["threshold"] == {"max": 2}
    assert outcomes(after)["FAM-02"]["outcome"] == "unanswered"
    assert before.status == "below_norm"
    assert after.status == "meets_norms"  # what it did answer, it meets


def test_2026_1_judges_the_smallest_bedroom_not_the_average(
    shipped, crisis, inspector, passing_answers
):
    answers = {k: v for k, v in passing_answers.items() if k != "sleeping_area_m2"}
    answers.update(
        smallest_bedroom_m2_per_person=3.4,
        max_relocations_beyond_route_12_months=0,
        children_moved_over_limit=0,
        school_age_children_without_school_over_90_days=0,
        children_over_stay_limit=0,
    )

    inspection = submit(answers, inspector, FIRST_NIGHT)

    liv01 = outcomes(inspection)["LIV-01"]
    assert liv01["outcome"] == "fail"
    assert liv01["severity"] == "critical"  # below 3.5 m2
    assert liv01["threshold"] == {"min": 4.0, "critical_min": 3.5}
    assert inspection.status == "critical"


def test_an_item_of_2026_1_is_refused_on_the_last_day_of_2023_1(
    shipped, crisis, inspector, passing_answers
):
    with pytest.raises(ValidationFailed) as refused:
        submit({**passing_answers, "smallest_bedroom_m2_per_person": 5.0}, inspector, LAST_EVENING)

    assert "answers.smallest_bedroom_m2_per_person" in refused.value.fields


def test_a_count_of_children_cannot_exceed_the_children_it_counts(
    shipped, crisis, inspector, passing_answers
):
    answers = {k: v for k, v in passing_answers.items() if k != "sleeping_area_m2"}
    answers.update(school_age_children=10, school_age_children_without_school_over_90_days=11)

    with pytest.raises(ValidationFailed) as refused:
        submit(answers, inspector, FIRST_NIGHT)

    assert "answers.school_age_children_without_school_over_90_days" in refused.value.fields


# The location types the service ships with (the location_types table after migrating).
SHIPPED_TYPES = (
    "aanmeldcentrum", "proces-opvanglocatie", "azc", "gemeentelijke-noodopvang", "noodopvang",
    "crisisnoodopvang", "nachtopvang", "kleinschalige-amv-opvang", "beschermde-opvang",
)  # fmt: skip


def _document(version):
    path = next(p for p in shipped_norm_set_files() if p.name == f"nl-children-{version}.yaml")
    return parse_norm_set(yaml.safe_load(path.read_text(encoding="utf-8")), SHIPPED_TYPES)


def test_count_items_are_asked_where_their_norm_applies_and_never_scored():
    document = _document("2026.1")
    crisis = [item.code for item in document.items_for("crisisnoodopvang")]
    azc = [item.code for item in document.items_for("azc")]

    # The stay limit is a crisis shelter's: an azc is not asked how many exceed it.
    assert "children_over_stay_limit" in crisis
    assert "children_over_stay_limit" not in azc
    for code in ("children_moved_over_limit", "school_age_children_without_school_over_90_days"):
        assert code in crisis and code in azc
    # The count follows the worst case it counts, in the same group of the form.
    assert crisis.index("children_over_stay_limit") == crisis.index("max_child_stay_days") + 1
    scored = {code for norm in document.norms for code in norm.items}
    assert "children_over_stay_limit" not in scored


def test_every_2026_1_item_has_help_and_every_threshold_says_where_it_comes_from():
    document = _document("2026.1")
    assert [code for code, item in document.items.items() if item.help is None] == []
    for norm in document.norms:
        assert norm.source.strip(), norm.code
        if norm.basis == "proposal":
            assert "proposal" in norm.source.lower(), norm.code
    # Corrections the review asked for, as the inspector reads them.
    items = document.items
    assert "melding brandveilig gebruik" in items["fire_safety_notification_filed"].label.nl
    assert "gebruiksmelding" not in items["fire_safety_notification_filed"].label.nl
    assert "24/7" not in items["staff_on_site_24h"].label.nl
    assert "Zijn kinderen" in items["children_consulted_last_quarter"].label.nl
    assert "(MOB)" in items["amv_presence_checked_daily"].help.nl
    assert "4 t/m 17 jaar" in items["school_age_children"].label.nl
    norms = {norm.code: norm for norm in document.norms}
    assert "art. 6.7" in norms["SAF-05"].source
    assert norms["HEA-04"].basis == "source" and "art. 25(1)" in norms["HEA-04"].source
    assert norms["FOOD-02"].basis == "proposal"
    assert norms["EDU-03"].basis == "proposal"
    assert "Nederlandse Arbeidsinspectie" in norms["HEA-05"].source


def test_2023_1_is_left_as_it_was_shipped():
    document = _document("2023.1")
    norms = {norm.code: norm for norm in document.norms}
    assert "art. 6.1.2" in norms["SAF-05"].source
    assert norms["LIV-01"].items == {"sleeping_area_m2", "residents_present"}


def test_2026_1_applies_the_norms_for_unaccompanied_minors_to_their_housing_only():
    document = _document("2026.1")
    applies = {norm.code: norm.applies_to for norm in document.norms}

    for code in ("LIV-07", "LIV-08"):
        assert set(applies[code]) == {"kleinschalige-amv-opvang", "beschermde-opvang"}
    amv = [item.code for item in document.items_for("kleinschalige-amv-opvang")]
    assert {"max_children_per_bedroom", "bedrooms_separated_by_sex"} <= set(amv)
    assert "max_children_per_bedroom" not in [i.code for i in document.items_for("azc")]
    fam04 = next(norm for norm in document.norms if norm.code == "FAM-04")
    assert fam04.rule.threshold("nachtopvang") == {"max": 3, "critical_max": 14}
    assert fam04.rule.threshold("aanmeldcentrum") == {"max": 14, "critical_max": 30}
    assert fam04.rule.threshold("crisisnoodopvang") == {"max": 7, "critical_max": 30}
    assert "azc" not in applies["FAM-04"]


def test_at_an_amv_house_five_children_in_one_bedroom_fail_the_norm(
    shipped, create_location, inspector, passing_answers
):
    create_location(code="KWV-1", type="kleinschalige-amv-opvang")
    answers = {k: v for k, v in passing_answers.items() if k != "sleeping_area_m2"}
    answers.update(max_children_per_bedroom=5, bedrooms_separated_by_sex=True)

    inspection = submit(answers, inspector, FIRST_NIGHT, location="KWV-1")

    assert outcomes(inspection)["LIV-07"]["outcome"] == "fail"
    assert outcomes(inspection)["LIV-07"]["threshold"] == {"max": 4}
    assert outcomes(inspection)["LIV-08"]["outcome"] == "pass"
    assert outcomes(inspection)["FAM-04"]["outcome"] == "not_applicable"
