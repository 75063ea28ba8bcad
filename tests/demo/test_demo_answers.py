"""The demo data: the locations file and the generator of visits and answers."""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from inspection.demo.answers import (
    CONTEXT_ITEMS,
    generate_answers,
    make_consistent,
    quality_trajectory,
    visit_schedule,
)

LOCATIONS_CSV = Path(__file__).resolve().parents[2] / "inspection" / "data" / "demo-locations.csv"
COLUMNS = [
    "code", "name", "type", "operator", "municipality", "province",
    "latitude", "longitude", "capacity", "confidential", "active",
]  # fmt: skip
PROVINCES = {
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
}  # fmt: skip
TYPES = ("azc", "noodopvang", "crisisnoodopvang")
# Every location type the service ships with, as the shipped norm sets name them.
SHIPPED_TYPES = (
    "aanmeldcentrum", "proces-opvanglocatie", "azc", "gemeentelijke-noodopvang", "noodopvang",
    "crisisnoodopvang", "nachtopvang", "kleinschalige-amv-opvang", "beschermde-opvang",
)  # fmt: skip

# Written out here, from docs/norms.md, rather than imported: the test must catch a
# generator that forgets or misspells an item.
ITEMS = [
    "residents_present", "children_present", "infants_present", "school_age_children",
    "unaccompanied_minors_present", "families_present", "amv_separated_from_adults",
    "staff_on_site_24h", "night_staff_child_protection_trained",
    "safeguarding_protocol_in_place", "staff_with_vog_pct", "fire_safety_notification_filed",
    "escape_routes_clear", "fire_detection_working", "amv_guardian_within_5_working_days",
    "amv_presence_checked_daily", "sleeping_area_m2", "families_in_own_lockable_unit",
    "max_adults_per_room", "sleeping_rooms_have_window", "bed_and_storage_per_person",
    "quiet_hours_enforced", "toilets_working", "showers_working", "hot_water_available",
    "baby_changing_facilities", "cleaning_schedule_followed", "drinking_water_24h",
    "meals_per_day", "warm_meal_daily", "infant_food_available_24h", "special_diets_provided",
    "meals_per_day_minors", "medical_intake_pct", "gp_care_access",
    "jgz_intake_within_6_weeks_pct", "vulnerability_assessment_within_30_days",
    "medical_records_transferred", "max_days_without_school", "school_reachable_safely",
    "homework_space_available", "indoor_play_area_m2", "daily_outdoor_access",
    "activity_days_per_week", "families_housed_together", "max_relocations_12_months",
    "min_move_notice_days", "max_child_stay_days", "information_in_understood_language",
    "complaints_route_for_children", "children_consulted_last_quarter",
    # added by 2026.1
    "smallest_bedroom_m2_per_person", "max_relocations_beyond_route_12_months",
    "school_age_children_without_school_over_90_days", "children_moved_over_limit",
    "children_over_stay_limit", "max_children_per_bedroom", "bedrooms_separated_by_sex",
]  # fmt: skip
BOOLEANS = {
    "amv_separated_from_adults", "staff_on_site_24h", "night_staff_child_protection_trained",
    "safeguarding_protocol_in_place", "fire_safety_notification_filed", "escape_routes_clear",
    "fire_detection_working", "amv_guardian_within_5_working_days", "amv_presence_checked_daily",
    "sleeping_rooms_have_window", "bed_and_storage_per_person", "quiet_hours_enforced",
    "hot_water_available", "baby_changing_facilities", "cleaning_schedule_followed",
    "drinking_water_24h", "warm_meal_daily", "infant_food_available_24h",
    "special_diets_provided", "gp_care_access", "vulnerability_assessment_within_30_days",
    "medical_records_transferred", "school_reachable_safely", "homework_space_available",
    "daily_outdoor_access", "families_housed_together", "information_in_understood_language",
    "complaints_route_for_children", "children_consulted_last_quarter",
    "bedrooms_separated_by_sex",
}  # fmt: skip
PERCENTAGES = {"staff_with_vog_pct", "medical_intake_pct", "jgz_intake_within_6_weeks_pct"}
AREAS = {"sleeping_area_m2", "indoor_play_area_m2", "smallest_bedroom_m2_per_person"}
INTEGERS = set(ITEMS) - BOOLEANS - PERCENTAGES - AREAS


def _rows() -> list[dict[str, str]]:
    with LOCATIONS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sample(location_type: str, quality: float, seeds: range, capacity: int = 300) -> list[dict]:
    return [
        generate_answers(random.Random(seed), location_type, capacity, quality) for seed in seeds
    ]


# -- the locations file ------------------------------------------------------------------


def test_locations_file_has_the_columns_and_enough_unique_codes():
    with LOCATIONS_CSV.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == COLUMNS
    rows = _rows()
    assert len(rows) >= 40
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == len(codes), [c for c, n in Counter(codes).items() if n > 1]
    for code in codes:
        assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", code), code
    for row in rows:
        assert None not in row, f"{row['code']}: more fields than columns (unquoted comma?)"
        assert all(row[column].strip() for column in COLUMNS), row


def test_every_province_has_at_least_two_locations():
    per_province = Counter(row["province"] for row in _rows())
    assert set(per_province) == PROVINCES
    assert min(per_province.values()) >= 2, per_province


def test_every_type_of_the_reception_system_in_a_sensible_mix():
    per_type = Counter(row["type"] for row in _rows())
    assert set(per_type) == set(SHIPPED_TYPES)
    assert per_type["azc"] >= 15
    assert per_type["noodopvang"] >= 5
    assert per_type["crisisnoodopvang"] >= 10
    rows = {row["code"]: row for row in _rows()}
    # The arrival centres are arrival centres; protected reception is Nidos'.
    assert rows["TER-APEL"]["type"] == rows["BUDEL"]["type"] == "aanmeldcentrum"
    for row in rows.values():
        if row["type"] == "beschermde-opvang":
            assert row["confidential"] == "true" and row["operator"] == "Nidos", row["code"]


def test_flags_are_true_or_false_and_some_locations_are_closed():
    rows = _rows()
    for row in rows:
        assert row["confidential"] in ("true", "false"), row["code"]
        assert row["active"] in ("true", "false"), row["code"]
    inactive = {row["code"] for row in rows if row["active"] == "false"}
    # The Heumensoord camp closed in 2016; the Ocean Majesty left Velsen in 2024.
    assert {"HEUMENSOORD", "VELSEN"} <= inactive
    assert len(inactive) <= 4


def test_confidential_shelters_cover_both_generalisation_cases():
    rows = _rows()
    confidential = [row for row in rows if row["confidential"] == "true"]
    assert len(confidential) >= 2
    open_by_municipality = Counter(
        row["municipality"] for row in rows if row["confidential"] == "false"
    )
    with_peers = [row for row in confidential if open_by_municipality[row["municipality"]] >= 1]
    alone = [
        row
        for row in confidential
        if sum(other["municipality"] == row["municipality"] for other in rows) == 1
    ]
    assert with_peers, "no confidential shelter has a non-confidential neighbour to generalise to"
    assert alone, "no confidential shelter is alone in its municipality"
    for row in confidential:
        assert "vertrouwelijk" in row["name"].lower(), row["name"]


def test_coordinates_lie_in_the_netherlands_and_are_distinct():
    rows = _rows()
    points = []
    for row in rows:
        for column in ("latitude", "longitude"):
            assert re.fullmatch(r"\d+\.\d{5,6}", row[column]), (row["code"], row[column])
        lat, lon = float(row["latitude"]), float(row["longitude"])
        assert 50.75 <= lat <= 53.55, row["code"]
        assert 3.35 <= lon <= 7.23, row["code"]
        points.append((round(lat, 4), round(lon, 4)))
    assert len(set(points)) == len(points)


def test_capacities_are_realistic():
    rows = {row["code"]: row for row in _rows()}
    limits = {
        "azc": (20, 2500),
        "proces-opvanglocatie": (50, 2000),
        "aanmeldcentrum": (300, 2500),
        "noodopvang": (50, 1200),
        "gemeentelijke-noodopvang": (20, 600),
        "crisisnoodopvang": (40, 600),
        "nachtopvang": (40, 700),
        "kleinschalige-amv-opvang": (8, 100),
        "beschermde-opvang": (8, 60),
    }
    for code, row in rows.items():
        low, high = limits[row["type"]]
        assert low <= int(row["capacity"]) <= high, code
    assert int(rows["TER-APEL"]["capacity"]) == 2000
    assert int(rows["MUSSELKANAAL"]["capacity"]) == 428
    assert int(rows["MAASTRICHT"]["capacity"]) == 650
    assert int(rows["ZUIDWOLDE"]["capacity"]) <= 200
    assert rows["HEUMENSOORD"]["municipality"] == "Heumen"
    assert rows["TER-APEL"]["municipality"] == "Westerwolde"
    assert rows["BUDEL"]["municipality"] == "Cranendonck"


# -- generate_answers ----------------------------------------------------------------------


def _check_visit(answers: dict, capacity: int) -> None:
    assert set(answers) <= set(ITEMS), set(answers) - set(ITEMS)
    missing = set(ITEMS) - set(answers)
    assert len(missing) <= 4
    assert not missing & set(CONTEXT_ITEMS)
    for code, value in answers.items():
        if code in BOOLEANS:
            assert type(value) is bool, (code, value)
        elif code in PERCENTAGES:
            assert type(value) in (int, float) and 0 <= value <= 100, (code, value)
        elif code in AREAS:
            assert type(value) is float and 0 <= value <= 100000, (code, value)
            assert value == round(value, 1), (code, value)
        else:
            assert type(value) is int, (code, value)
            top = 7 if code == "activity_days_per_week" else 5000
            assert 0 <= value <= top, (code, value)
    residents = answers["residents_present"]
    children = answers["children_present"]
    assert children <= residents
    assert answers["families_present"] <= residents
    for code in ("infants_present", "school_age_children", "unaccompanied_minors_present"):
        assert answers[code] <= children, code
    # Nothing is counted for children who are not there; children eat no less than adults.
    if children == 0:
        for code in ("max_relocations_12_months", "max_child_stay_days", "min_move_notice_days"):
            assert answers.get(code, 0) == 0, (code, answers)
    if answers["school_age_children"] == 0:
        assert answers.get("max_days_without_school", 0) == 0
    if "meals_per_day" in answers and "meals_per_day_minors" in answers:
        assert answers["meals_per_day_minors"] >= answers["meals_per_day"]
    if "max_children_per_bedroom" in answers:
        assert answers["max_children_per_bedroom"] <= children
    if "families_in_own_lockable_unit" in answers:
        assert answers["families_in_own_lockable_unit"] <= answers["families_present"]
    # The counts of children agree with the worst cases they count.
    for count, worst, limit, of in (
        ("children_moved_over_limit", "max_relocations_beyond_route_12_months", 2, children),
        (
            "school_age_children_without_school_over_90_days",
            "max_days_without_school",
            90,
            answers["school_age_children"],
        ),
    ):
        if count in answers and worst in answers:
            assert (answers[count] > 0) == (answers[worst] > limit and of > 0), (count, answers)
            assert answers[count] <= of
    if (
        "max_relocations_beyond_route_12_months" in answers
        and "max_relocations_12_months" in answers
    ):
        assert answers["max_relocations_beyond_route_12_months"] < max(
            1, answers["max_relocations_12_months"]
        )
    assert residents <= math.floor(1.3 * capacity)


@pytest.mark.parametrize("location_type", SHIPPED_TYPES)
def test_answers_keep_the_invariants_and_types(location_type):
    for capacity in (0, 1, 12, 40, 300, 2000, 5000):
        for quality in (0.0, 0.2, 0.5, 0.8, 1.0):
            for seed in range(25):
                rng = random.Random(f"{location_type}-{capacity}-{quality}-{seed}")
                _check_visit(generate_answers(rng, location_type, capacity, quality), capacity)


def test_answers_cover_every_item_except_occasional_omissions():
    visits = [
        answers for location_type in TYPES for answers in _sample(location_type, 0.6, range(700))
    ]
    incomplete = [a for a in visits if set(a) != set(ITEMS)]
    assert 0.01 * len(visits) <= len(incomplete) <= 0.10 * len(visits)
    omitted = Counter(code for a in incomplete for code in set(ITEMS) - set(a))
    assert len(omitted) > 10  # not always the same item


def test_some_visits_make_child_norms_not_applicable():
    visits = [a for t in TYPES for a in _sample(t, 0.7, range(300))]
    amv = [a["unaccompanied_minors_present"] for a in visits]
    infants = [a["infants_present"] for a in visits]
    children = [a["children_present"] for a in visits]
    assert 0 in amv and max(amv) > 0
    assert 0 in infants and max(infants) > 0
    assert 0 in children and max(children) > 0


def test_residents_track_capacity_by_type():
    for location_type, (low, high) in {
        "azc": (0.8, 1.05),
        "crisisnoodopvang": (0.7, 1.3),
    }.items():
        visits = _sample(location_type, 0.5, range(200), capacity=1000)
        ratios = [a["residents_present"] / 1000 for a in visits]
        assert low <= min(ratios) and max(ratios) <= high, location_type
    crisis = [a["residents_present"] for a in _sample("crisisnoodopvang", 0.5, range(200), 100)]
    assert max(crisis) > 100  # crisis shelters sometimes run over capacity


def test_same_seed_gives_the_same_answers():
    for location_type in TYPES:
        first = generate_answers(random.Random(42), location_type, 500, 0.55)
        second = generate_answers(random.Random(42), location_type, 500, 0.55)
        assert first == second
        assert list(first) == list(second)
    others = {str(generate_answers(random.Random(s), "azc", 500, 0.55)) for s in range(10)}
    assert len(others) == 10


def test_the_global_random_generator_is_never_used(monkeypatch):
    state = random.getstate()

    def forbidden(*args, **kwargs):
        raise AssertionError("the global random generator was used")

    for name in (
        "random",
        "randint",
        "randrange",
        "uniform",
        "gauss",
        "choice",
        "sample",
        "shuffle",
        "getrandbits",
        "normalvariate",
        "choices",
        "triangular",
    ):
        monkeypatch.setattr(random, name, forbidden)
    rng = random.Random(7)
    for location_type in TYPES:
        generate_answers(rng, location_type, 300, 0.5)
        visit_schedule(rng, location_type, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        quality_trajectory(rng, location_type, 8)
    monkeypatch.undo()
    assert random.getstate() == state


def _boolean_pass_share(visits: list[dict]) -> float:
    values = [value for a in visits for code, value in a.items() if code in BOOLEANS]
    return sum(values) / len(values)


def test_poor_crisis_shelters_fail_far_more_yes_no_items_than_good_azcs():
    crisis = _boolean_pass_share(_sample("crisisnoodopvang", 0.2, range(300)))
    azc = _boolean_pass_share(_sample("azc", 0.9, range(300)))
    assert crisis < azc - 0.3


@pytest.mark.parametrize("location_type", TYPES)
def test_higher_quality_passes_more_items(location_type):
    shares = [
        _boolean_pass_share(_sample(location_type, quality, range(200)))
        for quality in (0.0, 0.3, 0.6, 0.9)
    ]
    assert shares == sorted(shares), shares
    assert shares[-1] - shares[0] > 0.2


def test_the_types_differ_at_the_same_quality():
    shares = [_boolean_pass_share(_sample(t, 0.6, range(300))) for t in TYPES]
    assert shares[0] > shares[1] > shares[2], shares


def _median(visits: list[dict], fn, *codes: str) -> float:
    """The median of fn(answers[code], ...) over the visits that answered all codes."""
    return statistics.median(
        fn(*(a[code] for code in codes)) for a in visits if all(code in a for code in codes)
    )


def test_crisis_shelters_are_structurally_worse():
    crisis = _sample("crisisnoodopvang", 0.4, range(300))
    azc = _sample("azc", 0.85, range(300))

    def per_toilet(visits):
        return _median(visits, lambda r, t: r / t, "residents_present", "toilets_working")

    def area_per_person(visits):
        return _median(visits, lambda s, r: s / r, "sleeping_area_m2", "residents_present")

    def identity(value):
        return value

    assert 25 <= per_toilet(crisis) <= 60
    assert per_toilet(azc) <= 10
    assert 3.0 <= area_per_person(crisis) <= 4.0
    assert area_per_person(azc) >= 4.0
    assert _median(crisis, identity, "max_child_stay_days") > 7
    school = [
        a["max_days_without_school"]
        for a in crisis
        if "max_days_without_school" in a and a["school_age_children"]
    ]
    assert min(school) >= 14  # weeks without school at the least
    assert _median(crisis, identity, "max_days_without_school") > _median(
        azc, identity, "max_days_without_school"
    )
    no_play = [a for a in crisis if a.get("indoor_play_area_m2") == 0.0 and a["children_present"]]
    assert len(no_play) > 0.3 * len(crisis)


def test_good_azcs_fail_now_and_then():
    azc = _sample("azc", 0.85, range(400))
    vog = [a["staff_with_vog_pct"] for a in azc if "staff_with_vog_pct" in a]
    late_vog = [v for v in vog if v < 100]
    assert 0 < len(late_vog) < 0.3 * len(vog)
    assert all(v >= 95 for v in vog)
    assert any(a.get("jgz_intake_within_6_weeks_pct", 100) < 100 for a in azc)
    assert any(a.get("max_relocations_12_months", 0) > 2 for a in azc)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hotel", 100, 0.5), "location type"),
        (("azc", -1, 0.5), "capacity"),
        (("azc", 100.0, 0.5), "capacity"),
        (("azc", 100, 1.5), "quality"),
        (("azc", 100, -0.1), "quality"),
        (("azc", 100, float("nan")), "quality"),
    ],
)
def test_generate_answers_refuses_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        generate_answers(random.Random(1), *args)


# -- visit_schedule ------------------------------------------------------------------------


@pytest.mark.parametrize("location_type", TYPES)
def test_visits_are_on_working_days_in_working_hours_in_range_and_sorted(location_type):
    start, end = dt.date(2023, 3, 1), dt.date(2025, 2, 28)
    for seed in range(40):
        visits = visit_schedule(random.Random(seed), location_type, start, end)
        assert visits
        assert visits == sorted(visits)
        assert len(set(visits)) == len(visits)
        for visit in visits:
            assert visit.tzinfo is not None and visit.utcoffset() is not None
            assert visit.tzinfo.key == "Europe/Amsterdam"
            # Both offsets occur: winter (+01:00) and summer (+02:00) time.
            assert visit.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
            assert visit.weekday() < 5
            assert dt.time(8, 0) <= visit.timetz().replace(tzinfo=None) < dt.time(18, 0)
            assert start <= visit.date() <= end


def test_visit_frequency_depends_on_the_type():
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)

    def per_year(location_type):
        return statistics.mean(
            len(visit_schedule(random.Random(s), location_type, start, end)) for s in range(100)
        )

    azc, nood, crisis = per_year("azc"), per_year("noodopvang"), per_year("crisisnoodopvang")
    assert 3 <= azc <= 5.5  # about quarterly
    assert 6 <= nood <= 9  # every 6-8 weeks
    assert 10 <= crisis <= 17  # every 3-5 weeks
    gaps = [
        (b - a).days
        for s in range(50)
        for visits in [visit_schedule(random.Random(s), "crisisnoodopvang", start, end)]
        for a, b in zip(visits, visits[1:], strict=False)
    ]
    assert min(gaps) >= 18 and max(gaps) <= 40


def test_visit_schedule_handles_short_and_reversed_ranges():
    day = dt.date(2024, 6, 8)  # a Saturday: no working day in range
    assert visit_schedule(random.Random(1), "crisisnoodopvang", day, day) == []
    with pytest.raises(ValueError):
        visit_schedule(random.Random(1), "azc", dt.date(2024, 2, 1), dt.date(2024, 1, 1))


# -- quality_trajectory --------------------------------------------------------------------


def test_trajectory_has_one_quality_per_visit_within_bounds():
    for location_type in TYPES:
        for n in (0, 1, 7, 30):
            qualities = quality_trajectory(random.Random(n), location_type, n)
            assert len(qualities) == n
            assert all(isinstance(q, float) and 0.0 <= q <= 1.0 for q in qualities)
    assert quality_trajectory(random.Random(5), "azc", 9) == quality_trajectory(
        random.Random(5), "azc", 9
    )


def test_trajectories_start_at_the_level_of_their_type():
    starts = {
        t: statistics.mean(quality_trajectory(random.Random(s), t, 1)[0] for s in range(400))
        for t in TYPES
    }
    assert abs(starts["azc"] - 0.85) < 0.06
    assert abs(starts["noodopvang"] - 0.68) < 0.06
    assert abs(starts["crisisnoodopvang"] - 0.55) < 0.06
    spread = statistics.pstdev(
        quality_trajectory(random.Random(s), "noodopvang", 1)[0] for s in range(400)
    )
    assert spread > 0.03


def test_locations_improve_after_a_bad_visit():
    after_bad, after_good = [], []
    for seed in range(400):
        for location_type in TYPES:
            qualities = quality_trajectory(random.Random(seed), location_type, 10)
            for before, after in zip(qualities, qualities[1:], strict=False):
                (after_bad if before < 0.5 else after_good).append(after - before)
    assert len(after_bad) > 200
    assert statistics.mean(after_bad) > 0.1
    assert statistics.mean(after_bad) > statistics.mean(after_good) + 0.1
    assert sum(change > 0 for change in after_bad) > 0.8 * len(after_bad)


def test_generated_answers_are_accepted_by_the_shipped_norm_set():
    """Whatever the seed, the demo never produces a checklist the API would refuse."""
    import yaml

    from inspection.engine import parse_norm_set, validate_answers
    from inspection.norm_sets import shipped_norm_set_files

    for path in shipped_norm_set_files():
        document = parse_norm_set(yaml.safe_load(path.read_text(encoding="utf-8")), SHIPPED_TYPES)
        rng = random.Random(20261129)
        for n in range(3000):
            kind = ("azc", "noodopvang", "crisisnoodopvang")[n % 3]
            capacity = rng.choice((0, 1, 5, 40, 300, 2000))
            checklist = [item.code for item in document.items_for(kind)]
            answers = generate_answers(rng, kind, capacity, rng.random(), checklist)
            assert set(answers) <= set(checklist)
            assert validate_answers(answers, document) == {}, (kind, capacity, answers)


@pytest.mark.parametrize("location_type", ["kleinschalige-amv-opvang", "beschermde-opvang"])
def test_housing_for_unaccompanied_minors_has_no_families_or_infants(location_type):
    for seed in range(200):
        answers = generate_answers(random.Random(seed), location_type, 40, 0.7)
        assert answers["families_present"] == answers["infants_present"] == 0
        assert answers["unaccompanied_minors_present"] == answers["children_present"]
        assert answers["children_present"] == answers["residents_present"]


def test_the_arrival_centre_sometimes_runs_over_its_cap():
    visits = _sample("aanmeldcentrum", 0.6, range(300), capacity=2000)
    over = [a["residents_present"] for a in visits if a["residents_present"] > 2000]
    assert 0.1 * len(visits) <= len(over) <= 0.5 * len(visits)


def test_make_consistent_repairs_what_a_carried_over_failure_breaks():
    carried = {
        "residents_present": 100,
        "children_present": 0,
        "families_present": 3,
        "families_in_own_lockable_unit": 5,  # carried over from a visit with more families
        "school_age_children": 0,
        "max_days_without_school": 120,
        "max_relocations_12_months": 4,
        "max_relocations_beyond_route_12_months": 3,
        "children_moved_over_limit": 2,
        "max_child_stay_days": 40,
        "meals_per_day": 4,
        "meals_per_day_minors": 3,
    }

    fixed = make_consistent(carried, "crisisnoodopvang")

    assert fixed["families_in_own_lockable_unit"] == 3
    assert fixed["max_days_without_school"] == 0
    assert fixed["max_child_stay_days"] == fixed["max_relocations_12_months"] == 0
    assert fixed["children_moved_over_limit"] == 0
    assert fixed["meals_per_day_minors"] == 4
    with_children = make_consistent(
        {**carried, "children_present": 30, "school_age_children": 20}, "crisisnoodopvang"
    )
    assert with_children["children_moved_over_limit"] == 2
    assert with_children["max_relocations_12_months"] == 4
    assert with_children["max_days_without_school"] == 120
