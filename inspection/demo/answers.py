"""Realistic checklist answers, visit dates and quality histories for demo data.

Everything here is pure and deterministic: every random choice comes from the
``random.Random`` the caller passes in (never the global generator), so the
same seed always gives the same answers, dates and qualities.

``quality`` runs from 0 (very poor) to 1 (everything in order). It moves the
chance that each norm of ``nl-children 2023.1`` passes, monotonically, and
the location type adds structural differences at the same quality:

* ``azc``: mostly in order; occasional failures (a few staff without a VOG,
  late JGZ intakes, children moved too often);
* ``noodopvang``: in between;
* ``crisisnoodopvang``: overcrowded halls (3-4 m2 of sleeping area per
  person), 25-60 residents per toilet, children staying weeks instead of at
  most 7 days, weeks without school and no indoor play area.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Collection

from inspection.vocabulary import AMSTERDAM

# How each shipped location type is run, as one of three profiles (the first
# three types'): an arrival centre runs like an emergency shelter that fills up
# in waves, housing for unaccompanied minors like an azc without families.
PROFILE = {
    "azc": "azc",
    "proces-opvanglocatie": "azc",
    "kleinschalige-amv-opvang": "azc",
    "beschermde-opvang": "azc",
    "noodopvang": "noodopvang",
    "gemeentelijke-noodopvang": "noodopvang",
    "aanmeldcentrum": "noodopvang",
    "crisisnoodopvang": "crisisnoodopvang",
    "nachtopvang": "crisisnoodopvang",
}
LOCATION_TYPES = tuple(PROFILE)
# Types that house unaccompanied minors only: no families, no infants.
MINORS_ONLY = ("kleinschalige-amv-opvang", "beschermde-opvang")
ARRIVAL = "aanmeldcentrum"

# The context items: head counts an inspector always fills in.
CONTEXT_ITEMS = (
    "residents_present",
    "children_present",
    "infants_present",
    "school_age_children",
    "unaccompanied_minors_present",
    "families_present",
)

# Every item of the shipped norm sets (2023.1, then what 2026.1 added), in checklist order.
ITEM_CODES = (
    *CONTEXT_ITEMS,
    "amv_separated_from_adults",
    "staff_on_site_24h",
    "night_staff_child_protection_trained",
    "safeguarding_protocol_in_place",
    "staff_with_vog_pct",
    "fire_safety_notification_filed",
    "escape_routes_clear",
    "fire_detection_working",
    "amv_guardian_within_5_working_days",
    "amv_presence_checked_daily",
    "sleeping_area_m2",
    "families_in_own_lockable_unit",
    "max_adults_per_room",
    "sleeping_rooms_have_window",
    "bed_and_storage_per_person",
    "quiet_hours_enforced",
    "toilets_working",
    "showers_working",
    "hot_water_available",
    "baby_changing_facilities",
    "cleaning_schedule_followed",
    "drinking_water_24h",
    "meals_per_day",
    "warm_meal_daily",
    "infant_food_available_24h",
    "special_diets_provided",
    "meals_per_day_minors",
    "medical_intake_pct",
    "gp_care_access",
    "jgz_intake_within_6_weeks_pct",
    "vulnerability_assessment_within_30_days",
    "medical_records_transferred",
    "max_days_without_school",
    "school_reachable_safely",
    "homework_space_available",
    "indoor_play_area_m2",
    "daily_outdoor_access",
    "activity_days_per_week",
    "families_housed_together",
    "max_relocations_12_months",
    "min_move_notice_days",
    "max_child_stay_days",
    "information_in_understood_language",
    "complaints_route_for_children",
    "children_consulted_last_quarter",
    # 2026.1: the smallest area per person of any bedroom, moves beyond the
    # standard route, and how many children each limit leaves out.
    "smallest_bedroom_m2_per_person",
    "max_relocations_beyond_route_12_months",
    "school_age_children_without_school_over_90_days",
    "children_moved_over_limit",
    "children_over_stay_limit",
    "max_children_per_bedroom",
    "bedrooms_separated_by_sex",
)

PERCENTAGE_ITEMS = ("staff_with_vog_pct", "medical_intake_pct", "jgz_intake_within_6_weeks_pct")
NUMBER_ITEMS = ("sleeping_area_m2", "indoor_play_area_m2", "smallest_bedroom_m2_per_person")

# Yes/no items, each with (difficulty, floor): the effective quality at which
# the item passes about half the time, and the share that passes even at the
# worst location (drinking water is almost always there; consulting children
# almost never happens where things are bad). True is the good answer for all.
_BOOLEAN_ITEMS: dict[str, tuple[float, float]] = {
    "amv_separated_from_adults": (0.35, 0.3),
    "staff_on_site_24h": (0.2, 0.5),
    "night_staff_child_protection_trained": (0.35, 0.2),
    "safeguarding_protocol_in_place": (0.35, 0.2),
    "fire_safety_notification_filed": (0.2, 0.4),
    "escape_routes_clear": (0.3, 0.3),
    "fire_detection_working": (0.2, 0.5),
    "amv_guardian_within_5_working_days": (0.45, 0.2),
    "amv_presence_checked_daily": (0.35, 0.3),
    "sleeping_rooms_have_window": (0.3, 0.3),
    "bed_and_storage_per_person": (0.4, 0.1),
    "quiet_hours_enforced": (0.35, 0.2),
    "hot_water_available": (0.25, 0.4),
    "baby_changing_facilities": (0.35, 0.2),
    "cleaning_schedule_followed": (0.35, 0.3),
    "drinking_water_24h": (0.05, 0.85),
    "warm_meal_daily": (0.3, 0.3),
    "infant_food_available_24h": (0.35, 0.2),
    "special_diets_provided": (0.4, 0.2),
    "gp_care_access": (0.3, 0.3),
    "vulnerability_assessment_within_30_days": (0.5, 0.1),
    "medical_records_transferred": (0.5, 0.1),
    "school_reachable_safely": (0.35, 0.3),
    "homework_space_available": (0.45, 0.1),
    "daily_outdoor_access": (0.3, 0.3),
    "families_housed_together": (0.2, 0.6),
    "information_in_understood_language": (0.35, 0.2),
    "complaints_route_for_children": (0.45, 0.1),
    "children_consulted_last_quarter": (0.5, 0.05),
}
# Drawn with the 2026.1 items, after all the others.
_LATER_BOOLEANS = ("bedrooms_separated_by_sex",)
BOOLEAN_ITEMS = (*_BOOLEAN_ITEMS, *_LATER_BOOLEANS)
INTEGER_ITEMS = tuple(
    code
    for code in ITEM_CODES
    if code not in BOOLEAN_ITEMS and code not in PERCENTAGE_ITEMS and code not in NUMBER_ITEMS
)

# How much worse a type does than an azc at the same quality.
_TYPE_PENALTY = {"azc": 0.0, "noodopvang": 0.08, "crisisnoodopvang": 0.12}
_STEEPNESS = 10.0

# Occupancy (residents / capacity), drawn uniformly. Crisis shelters run over capacity.
_OCCUPANCY = {"azc": (0.82, 1.02), "noodopvang": (0.65, 1.05), "crisisnoodopvang": (0.75, 1.25)}
# An arrival centre fills in waves and now and then runs well over its cap.
_ARRIVAL_OCCUPANCY = (0.7, 1.28)
_ARRIVAL_HAS_AMV = 0.9
MAX_OCCUPANCY = 1.3
_CHILD_SHARE = {"azc": (0.22, 0.42), "noodopvang": (0.08, 0.35), "crisisnoodopvang": (0.05, 0.35)}
_NO_CHILDREN = {"azc": 0.03, "noodopvang": 0.12, "crisisnoodopvang": 0.1}
_NO_INFANTS = 0.15
_HAS_AMV = {"azc": 0.35, "noodopvang": 0.25, "crisisnoodopvang": 0.3}

OMISSION_RATE = 0.05
MAX_OMITTED = 4
_INT_MAX = 5000

# Days between visits: azc about quarterly, noodopvang every 6-8 weeks,
# crisisnoodopvang every 3-5 weeks.
_VISIT_INTERVAL_DAYS = {"azc": (75, 105), "noodopvang": (42, 56), "crisisnoodopvang": (21, 35)}
# Visits start between 08:00 and 17:30 local time, so they end by 18:00.
_FIRST_START_MINUTE = 8 * 60
_LAST_START_MINUTE = 17 * 60 + 30
# Fixed-date public holidays (month, day) on which nobody inspects.
_HOLIDAYS = ((1, 1), (4, 27), (12, 25), (12, 26))

# Crisis shelters differ most: some are run well, others are overcrowded halls.
_BASE_QUALITY = {"azc": 0.85, "noodopvang": 0.68, "crisisnoodopvang": 0.55}
_QUALITY_SPREAD = {"azc": 0.06, "noodopvang": 0.1, "crisisnoodopvang": 0.15}
BAD_VISIT = 0.5


def generate_answers(
    rng: random.Random,
    location_type: str,
    capacity: int,
    quality: float,
    items: Collection[str] | None = None,
) -> dict[str, object]:
    """One visit's answers to ``items`` (default: every item of ``ITEM_CODES``).

    About one visit in twenty leaves up to four (non head-count) items out,
    as inspectors sometimes do. The same draws are made whatever ``items``
    holds, so a checklist of another version gets the same visit.
    """
    _check_type(location_type)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise ValueError(f"capacity must be a non-negative integer, not {capacity!r}")
    if (
        isinstance(quality, bool)
        or not isinstance(quality, int | float)
        or not (0.0 <= quality <= 1.0)
    ):
        raise ValueError(f"quality must be a number from 0 to 1, not {quality!r}")
    return _Visit(rng, location_type, capacity, float(quality)).answers(items)


def visit_schedule(
    rng: random.Random, location_type: str, start: dt.date, end: dt.date
) -> list[dt.datetime]:
    """Visit start times from ``start`` to ``end`` (both local dates, inclusive).

    Timezone-aware (Europe/Amsterdam), on working days, between 08:00 and
    17:30, sorted. Crisis shelters are visited most often.
    """
    _check_type(location_type)
    start, end = _as_date(start), _as_date(end)
    if start > end:
        raise ValueError(f"start {start} lies after end {end}")
    shortest, longest = _VISIT_INTERVAL_DAYS[PROFILE[location_type]]
    visits: list[dt.datetime] = []
    day = start + dt.timedelta(days=rng.randint(0, shortest))
    while True:
        day = _next_working_day(day)
        if day > end:
            return visits
        minute = rng.randrange(_FIRST_START_MINUTE, _LAST_START_MINUTE + 1, 5)
        visits.append(
            dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=AMSTERDAM)
        )
        day += dt.timedelta(days=rng.randint(shortest, longest))


def quality_trajectory(rng: random.Random, location_type: str, n_visits: int) -> list[float]:
    """The quality (0-1) found at each of ``n_visits`` consecutive visits.

    A location starts near its type's level (azc ~0.85, noodopvang ~0.65,
    crisisnoodopvang ~0.55, and far apart) and drifts around its own level; after a bad visit
    (below 0.5) it fixes things, so the next visit is noticeably better and
    part of that improvement lasts. Now and then something goes wrong anew.
    """
    _check_type(location_type)
    if isinstance(n_visits, bool) or not isinstance(n_visits, int) or n_visits < 0:
        raise ValueError(f"n_visits must be a non-negative integer, not {n_visits!r}")
    profile = PROFILE[location_type]
    level = _clamp(rng.gauss(_BASE_QUALITY[profile], _QUALITY_SPREAD[profile]))
    qualities: list[float] = []
    quality = _clamp(level + rng.gauss(0.0, 0.05))
    for index in range(n_visits):
        if index:
            previous = qualities[-1]
            if previous < BAD_VISIT:
                gain = rng.uniform(0.12, 0.3)
                quality = previous + gain
                level = min(0.95, level + 0.4 * gain)  # some fixes are for good
            else:
                quality = previous + 0.35 * (level - previous) + rng.gauss(0.0, 0.06)
            if rng.random() < 0.06:  # staff turnover, a sudden influx, a broken boiler
                quality -= rng.uniform(0.15, 0.35)
        quality = _clamp(quality)
        qualities.append(round(quality, 3))
    return qualities


class _Visit:
    """The answers of one visit; keeps the random calls in one fixed order."""

    def __init__(
        self, rng: random.Random, location_type: str, capacity: int, quality: float
    ) -> None:
        self.rng = rng
        self.code = location_type
        self.type = PROFILE[location_type]
        self.minors_only = location_type in MINORS_ONLY
        self.arrival = location_type == ARRIVAL
        self.capacity = capacity
        self.quality = quality
        self.crisis = self.type == "crisisnoodopvang"
        self.residents = self.children = self.families = 0
        self.per_person = 0.0
        self.school_age = 0

    def passes(self, difficulty: float | dict[str, float], floor: float = 0.1) -> bool:
        """Draw whether something is in order; likelier at higher quality."""
        if isinstance(difficulty, dict):
            difficulty = difficulty[self.type]
        effective = self.quality - _TYPE_PENALTY[self.type]
        chance = floor + (1.0 - floor) / (1.0 + math.exp(-_STEEPNESS * (effective - difficulty)))
        return self.rng.random() < chance

    def answers(self, items: Collection[str] | None = None) -> dict[str, object]:
        a: dict[str, object] = {}
        a.update(self._people())
        a.update(self._booleans())
        a.update(self._safety())
        a.update(self._living())
        a.update(self._hygiene())
        a.update(self._food_and_health())
        a.update(self._education_and_play())
        a.update(self._family())
        a.update(self._counts(a))
        asked = ITEM_CODES if items is None else [code for code in ITEM_CODES if code in items]
        ordered = {code: a[code] for code in asked}
        if self.rng.random() < OMISSION_RATE:
            optional = [code for code in asked if code not in CONTEXT_ITEMS]
            omitted = min(len(optional), self.rng.randint(1, MAX_OMITTED))
            for code in self.rng.sample(optional, omitted):
                del ordered[code]
        return ordered

    # -- head counts ---------------------------------------------------------------
    def _people(self) -> dict[str, int]:
        rng, t = self.rng, self.type
        ceiling = min(math.floor(self.capacity * MAX_OCCUPANCY), _INT_MAX)
        occupancy = _ARRIVAL_OCCUPANCY if self.arrival else _OCCUPANCY[t]
        residents = min(round(self.capacity * rng.uniform(*occupancy)), ceiling)
        if self.minors_only:
            return self._minors_only(residents)
        if rng.random() < _NO_CHILDREN[t]:
            children = 0
        else:
            children = min(residents, round(residents * rng.uniform(*_CHILD_SHARE[t])))
        families = min(children, max(1, round(children / rng.uniform(1.7, 2.6)))) if children else 0
        if children and rng.random() >= _NO_INFANTS:
            infants = min(children, round(children * rng.uniform(0.04, 0.14)))
        else:
            infants = 0
        school_age = min(children, round(children * rng.uniform(0.5, 0.75)))
        self.school_age = school_age
        # Unaccompanied minors arrive at the arrival centre first.
        if children and rng.random() < (_ARRIVAL_HAS_AMV if self.arrival else _HAS_AMV[t]):
            amv = min(children, max(1, round(children * rng.uniform(0.03, 0.2))))
        else:
            amv = 0
        self.residents, self.children, self.families = residents, children, families
        return {
            "residents_present": residents,
            "children_present": children,
            "infants_present": infants,
            "school_age_children": school_age,
            "unaccompanied_minors_present": amv,
            "families_present": families,
        }

    def _minors_only(self, residents: int) -> dict[str, int]:
        """Housing for unaccompanied minors: every resident is one, none is a parent."""
        rng = self.rng
        school_age = round(residents * rng.uniform(0.85, 1.0))
        self.residents, self.children, self.families = residents, residents, 0
        self.school_age = school_age
        return {
            "residents_present": residents,
            "children_present": residents,
            "infants_present": 0,
            "school_age_children": school_age,
            "unaccompanied_minors_present": residents,
            "families_present": 0,
        }

    def _booleans(self) -> dict[str, bool]:
        return {
            code: self.passes(difficulty, floor)
            for code, (difficulty, floor) in _BOOLEAN_ITEMS.items()
        }

    # -- safety ----------------------------------------------------------------------
    def _safety(self) -> dict[str, object]:
        rng = self.rng
        if self.passes({"azc": 0.55, "noodopvang": 0.45, "crisisnoodopvang": 0.4}):
            vog: int | float = 100
        else:
            lowest = {"azc": 95.0, "noodopvang": 85.0, "crisisnoodopvang": 70.0}[self.type]
            vog = round(rng.uniform(lowest, 99.5), 1)
        return {"staff_with_vog_pct": vog}

    # -- living space ------------------------------------------------------------------
    def _living(self) -> dict[str, object]:
        rng, t = self.rng, self.type
        residents, families = self.residents, self.families
        if self.crisis:
            # A hall: 3-4 m2 a person, a little more where the shelter is run well.
            per_person = min(6.0, max(2.5, 2.9 + 1.6 * self.quality + rng.gauss(0.0, 0.25)))
        elif self.passes({"azc": 0.3, "noodopvang": 0.35}):
            per_person = rng.uniform(4.1, 7.5 if t == "azc" else 6.0)
        elif rng.random() < 0.25:
            per_person = rng.uniform(3.0, 3.45)
        else:
            per_person = rng.uniform(3.55, 3.9)
        sleeping_area = round(per_person * (residents or self.capacity or 1), 1)
        self.per_person = per_person

        if not families:
            lockable = 0
        elif self.passes({"azc": 0.25, "noodopvang": 0.35, "crisisnoodopvang": 0.38}):
            lockable = families
        else:
            share = {"azc": (0.7, 0.95), "noodopvang": (0.4, 0.95), "crisisnoodopvang": (0.0, 0.6)}
            lockable = min(families - 1, round(families * rng.uniform(*share[t])))

        if self.passes({"azc": 0.25, "noodopvang": 0.35, "crisisnoodopvang": 0.45}):
            adults_per_room = rng.randint(1, 4) if t == "azc" else rng.randint(2, 6)
        elif self.crisis:
            adults_per_room = rng.randint(12, 80)  # one dormitory hall
        else:
            adults_per_room = rng.randint(7, 14)
        # A room never holds more adults than the location does.
        adults_per_room = min(adults_per_room, max(residents - self.children, 0))
        return {
            "sleeping_area_m2": float(sleeping_area),
            "families_in_own_lockable_unit": lockable,
            "max_adults_per_room": adults_per_room,
        }

    # -- hygiene -------------------------------------------------------------------------
    def _hygiene(self) -> dict[str, int]:
        rng = self.rng
        people = self.residents or self.capacity or 1
        if self.crisis:
            # Few toilets: 25-60 residents each where it is poor, ~17 at best.
            per_toilet = min(70.0, max(12.0, 62.0 - 45.0 * self.quality + rng.gauss(0.0, 5.0)))
            per_shower = min(70.0, max(10.0, 55.0 - 40.0 * self.quality + rng.gauss(0.0, 5.0)))
        elif self.type == "azc":
            per_toilet = rng.uniform(4.0, 10.0) if self.passes(0.3) else rng.uniform(10.5, 18.0)
            per_shower = rng.uniform(5.0, 15.0) if self.passes(0.3) else rng.uniform(21.0, 30.0)
        else:
            per_toilet = rng.uniform(8.0, 20.0) if self.passes(0.35) else rng.uniform(20.5, 45.0)
            per_shower = rng.uniform(8.0, 20.0) if self.passes(0.35) else rng.uniform(21.0, 40.0)
        return {
            "toilets_working": max(1, math.ceil(people / per_toilet)),
            "showers_working": max(1, math.ceil(people / per_shower)),
        }

    # -- food and health ---------------------------------------------------------------
    def _food_and_health(self) -> dict[str, object]:
        rng, t = self.rng, self.type
        meals = rng.choice((3, 3, 3, 4)) if self.passes(0.25, 0.3) else 2
        meals_minors = rng.randint(5, 6) if self.passes(0.4) else rng.randint(3, 4)
        meals_minors = max(meals_minors, meals)  # children never get fewer than adults
        if self.passes({"azc": 0.3, "noodopvang": 0.4, "crisisnoodopvang": 0.35}):
            intake: int | float = 100
        else:
            lowest = {"azc": 85.0, "noodopvang": 60.0, "crisisnoodopvang": 30.0}[t]
            intake = round(rng.uniform(lowest, 99.0), 1)
        if self.passes({"azc": 0.6, "noodopvang": 0.45, "crisisnoodopvang": 0.45}):
            jgz: int | float = 100
        else:  # the JGZ intake came late for some children
            lowest = {"azc": 60.0, "noodopvang": 40.0, "crisisnoodopvang": 10.0}[t]
            jgz = round(rng.uniform(lowest, 98.0), 1)
        return {
            "meals_per_day": meals,
            "meals_per_day_minors": meals_minors,
            "medical_intake_pct": intake,
            "jgz_intake_within_6_weeks_pct": jgz,
        }

    # -- education and play ------------------------------------------------------------
    def _education_and_play(self) -> dict[str, object]:
        rng, t = self.rng, self.type
        children = self.children
        school_ok = self.passes({"azc": 0.35, "noodopvang": 0.4, "crisisnoodopvang": 0.45})
        if t == "azc":
            days_without_school = rng.randint(0, 60) if school_ok else rng.randint(91, 150)
        elif t == "noodopvang":
            days_without_school = rng.randint(14, 90) if school_ok else rng.randint(91, 180)
        else:  # weeks without school at the very least
            days_without_school = rng.randint(21, 90) if school_ok else rng.randint(91, 240)

        if self.passes({"azc": 0.3, "noodopvang": 0.4, "crisisnoodopvang": 0.55}):
            per_child = rng.uniform(2.4, 6.0 if t == "azc" else 4.0)
        elif self.crisis and rng.random() < 0.7:
            per_child = 0.0  # no indoor play area at all
        else:
            per_child = rng.uniform(0.2 if self.crisis else 0.8, 2.2)
        if children:
            play_area = round(per_child * children, 1)
        else:
            play_area = round(rng.uniform(20.0, 80.0), 1) if per_child else 0.0

        activity_days = rng.randint(5, 7) if self.passes(0.35) else rng.randint(0, 4)
        if not self.school_age:
            days_without_school = 0
        return {
            "max_days_without_school": days_without_school,
            "indoor_play_area_m2": float(play_area),
            "activity_days_per_week": activity_days,
        }

    # -- family life and stability -----------------------------------------------------
    def _family(self) -> dict[str, int]:
        rng, t = self.rng, self.type
        if self.passes({"azc": 0.55, "noodopvang": 0.45, "crisisnoodopvang": 0.5}):
            relocations = rng.randint(0, 2) if t == "azc" else rng.randint(1, 2)
        else:
            relocations = rng.randint(3, {"azc": 5, "noodopvang": 6, "crisisnoodopvang": 8}[t])
        notice = rng.randint(7, 28) if self.passes(0.4) else rng.randint(0, 6)
        if t == "azc":
            stay = rng.randint(60, 700)
        elif t == "noodopvang":
            stay = rng.randint(14, 240)
        elif self.passes(0.5):
            stay = rng.randint(2, 7)
        elif rng.random() < 0.3 + 0.6 * (1.0 - self.quality):
            stay = rng.randint(31, 180)  # far beyond the week a crisis shelter is meant for
        else:
            stay = rng.randint(8, 30)
        if not self.children:  # nobody to count: no stays, no moves
            relocations = notice = stay = 0
        return {
            "max_relocations_12_months": relocations,
            "min_move_notice_days": notice,
            "max_child_stay_days": stay,
        }

    # -- the smallest bedroom and the children counted -------------------------------
    def _counts(self, a: dict[str, object]) -> dict[str, object]:
        """What 2026.1 asks besides: drawn last, so that earlier answers keep their draws."""
        rng, children = self.rng, self.children
        # A hall is one room; elsewhere some rooms are fuller than the average.
        spread = (0.92, 1.0) if self.crisis else (0.7, 1.0)
        smallest = round(self.per_person * rng.uniform(*spread), 1)
        relocations = int(a["max_relocations_12_months"])
        route = rng.randint(1, 3)  # arrival centre, process reception, azc
        beyond = max(0, relocations - route)
        moved = min(children, rng.randint(1, max(1, children // 8))) if beyond > 2 else 0
        school_age = int(a["school_age_children"])
        days = int(a["max_days_without_school"])
        without = min(school_age, rng.randint(1, max(1, school_age // 4))) if days > 90 else 0
        stay = int(a["max_child_stay_days"])
        limit = stay_limit(self.code)
        staying = min(children, rng.randint(1, max(1, children // 2))) if stay > limit else 0
        # Housing for unaccompanied minors: small bedrooms, boys and girls apart.
        if self.passes(0.3):
            per_bedroom = rng.randint(1, 4) if self.minors_only else rng.randint(1, 6)
        else:
            per_bedroom = rng.randint(5, 8)
        return {
            "max_children_per_bedroom": min(children, per_bedroom),
            "bedrooms_separated_by_sex": self.passes(0.3, 0.4),
            "smallest_bedroom_m2_per_person": smallest,
            "max_relocations_beyond_route_12_months": beyond,
            "school_age_children_without_school_over_90_days": without,
            "children_moved_over_limit": moved,
            "children_over_stay_limit": staying,
        }


def stay_limit(location_type: str) -> int:
    """The days a child may stay at a location of this type (FAM-04 of 2026.1)."""
    return {"nachtopvang": 3, ARRIVAL: 14}.get(location_type, 7)


# Each count of children, the worst case it counts, its limit and what bounds it.
_COUNTS = (
    ("children_moved_over_limit", "max_relocations_beyond_route_12_months", "children_present"),
    (
        "school_age_children_without_school_over_90_days",
        "max_days_without_school",
        "school_age_children",
    ),
    ("children_over_stay_limit", "max_child_stay_days", "children_present"),
)
# An answer that can be no larger than another (as the norm sets' max_item say).
_BOUNDED_BY = {
    "children_present": "residents_present",
    "infants_present": "children_present",
    "school_age_children": "children_present",
    "unaccompanied_minors_present": "children_present",
    "families_present": "residents_present",
    "families_in_own_lockable_unit": "families_present",
    "max_adults_per_room": "residents_present",
    "max_children_per_bedroom": "children_present",
}


def make_consistent(answers: dict[str, object], location_type: str) -> dict[str, object]:
    """Answers that agree with each other, after some were carried over from an earlier
    visit: nothing larger than what bounds it, counts that agree with their worst case,
    no stays or moves without children, and no fewer meals for children than adults."""
    a = dict(answers)

    def number(code: str) -> int:
        return int(a[code])  # type: ignore[call-overload]

    for code, bound in _BOUNDED_BY.items():
        if code in a and bound in a and number(code) > number(bound):
            a[code] = number(bound)
    if a.get("children_present") == 0:
        for code in (
            "max_relocations_12_months",
            "max_relocations_beyond_route_12_months",
            "min_move_notice_days",
            "max_child_stay_days",
        ):
            if code in a:
                a[code] = 0
    if a.get("school_age_children") == 0 and "max_days_without_school" in a:
        a["max_days_without_school"] = 0
    if "max_relocations_beyond_route_12_months" in a and "max_relocations_12_months" in a:
        beyond = number("max_relocations_beyond_route_12_months")
        if beyond and number("max_relocations_12_months") <= beyond:
            a["max_relocations_12_months"] = beyond + 1
    limits = {
        "max_relocations_beyond_route_12_months": 2,
        "max_days_without_school": 90,
        "max_child_stay_days": stay_limit(location_type),
    }
    for count, worst, of in _COUNTS:
        if count not in a or worst not in a or of not in a:
            continue
        over = number(worst) > limits[worst] and number(of) > 0
        if not over:
            a[count] = 0
        elif not 0 < number(count) <= number(of):
            a[count] = 1
    if "meals_per_day" in a and "meals_per_day_minors" in a:
        a["meals_per_day_minors"] = max(number("meals_per_day_minors"), number("meals_per_day"))
    return a


def _check_type(location_type: str) -> None:
    if location_type not in LOCATION_TYPES:
        raise ValueError(
            f"unknown location type {location_type!r}; use one of {', '.join(LOCATION_TYPES)}"
        )


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _next_working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5 or (day.month, day.day) in _HOLIDAYS:
        day += dt.timedelta(days=1)
    return day


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
