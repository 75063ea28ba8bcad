"""How each kind of rule judges answers, seen through the result of its norm."""

import math

import pytest

from inspection.engine import score_answers


@pytest.fixture
def result_of(build, make_item, make_norm):
    """``result_of(rule, answers, items, location_type, **norm_fields)`` -> NormResult."""

    def result_of(rule, answers, items, location_type="noodopvang", **norm_fields):
        document = build(items, [make_norm("N-01", rule, **norm_fields)])
        (result,) = score_answers(answers, document, location_type).results
        return result

    return result_of


@pytest.fixture
def counts(make_item):
    return [
        make_item("residents_present"),
        make_item("toilets_working"),
        make_item("max_child_stay_days"),
    ]


@pytest.fixture
def areas(make_item):
    return [make_item("area_m2", "number"), make_item("children_present")]


# -- equals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [(True, "pass"), (False, "fail"), (None, "unanswered")],
)
def test_equals_passes_only_on_the_expected_answer(result_of, make_item, answer, outcome):
    items = [make_item("drinking_water_24h", "boolean")]
    rule = {"item": "drinking_water_24h", "equals": True}

    result = result_of(rule, {"drinking_water_24h": answer}, items)

    assert result.outcome == outcome
    assert result.threshold == {"equals": True}
    assert result.value == answer


def test_an_absent_answer_is_unanswered(result_of, make_item):
    items = [make_item("drinking_water_24h", "boolean")]

    result = result_of({"item": "drinking_water_24h", "equals": True}, {}, items)

    assert result.outcome == "unanswered"
    assert result.value is None


def test_equals_on_a_choice_item(result_of, make_item, label):
    choices = [
        {"value": "daily", "label": label("daily")},
        {"value": "weekly", "label": label("w")},
    ]
    items = [make_item("cleaning", "choice", min=None, max=None, choices=choices)]
    rule = {"item": "cleaning", "equals": "daily"}

    assert result_of(rule, {"cleaning": "daily"}, items).outcome == "pass"
    assert result_of(rule, {"cleaning": "weekly"}, items).outcome == "fail"


# -- item ranges ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("meals", "outcome"),
    [(2, "fail"), (3, "pass"), (4, "pass"), (5, "pass"), (6, "fail")],
)
def test_item_bounds_are_inclusive(result_of, make_item, meals, outcome):
    items = [make_item("meals_per_day")]

    result = result_of(
        {"item": "meals_per_day", "min": 3, "max": 5}, {"meals_per_day": meals}, items
    )

    assert result.outcome == outcome
    assert result.value == meals
    assert result.threshold == {"min": 3, "max": 5}


def test_a_percentage_below_100_fails_a_min_of_100(result_of, make_item):
    items = [make_item("staff_with_vog_pct", "percentage")]
    rule = {"item": "staff_with_vog_pct", "min": 100}

    assert result_of(rule, {"staff_with_vog_pct": 99.5}, items).outcome == "fail"
    assert result_of(rule, {"staff_with_vog_pct": 100}, items).outcome == "pass"


# -- ratios -----------------------------------------------------------------------


def test_a_ratio_exactly_at_its_bound_passes(result_of, counts):
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20}

    at_bound = result_of(rule, {"residents_present": 200, "toilets_working": 10}, counts)
    above = result_of(rule, {"residents_present": 201, "toilets_working": 10}, counts)

    assert (at_bound.outcome, at_bound.value) == ("pass", 20)
    assert above.outcome == "fail"
    assert above.value == pytest.approx(20.1)


@pytest.mark.parametrize(
    ("area", "children", "bound", "outcome"),
    [
        # 16.1 / 7 is 2.3000000000000003 in floating point: at the bound on paper.
        (16.1, 7, {"min": 2.3}, "pass"),
        (16.1, 7, {"max": 2.3}, "pass"),
        # 6.6 / 3 is 2.1999999999999997 in floating point.
        (6.6, 3, {"min": 2.2}, "pass"),
        (6.5, 3, {"min": 2.2}, "fail"),
        (16.2, 7, {"max": 2.3}, "fail"),
        (16.0, 7, {"min": 2.3}, "fail"),
    ],
)
def test_a_ratio_at_a_decimal_bound_passes(result_of, areas, area, children, bound, outcome):
    rule = {"ratio": ["area_m2", "children_present"], **bound}

    result = result_of(rule, {"area_m2": area, "children_present": children}, areas)

    assert result.outcome == outcome


def test_a_positive_count_over_zero_is_infinite_and_fails_a_max(result_of, counts):
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20}

    result = result_of(rule, {"residents_present": 12, "toilets_working": 0}, counts)

    assert result.outcome == "fail"
    assert result.value == math.inf
    assert result.to_dict()["value"] is None  # JSON has no infinity


def test_an_infinite_ratio_passes_a_min(result_of, areas):
    rule = {"ratio": ["area_m2", "children_present"], "min": 2.3}

    result = result_of(rule, {"area_m2": 50, "children_present": 0}, areas)

    assert (result.outcome, result.value) == ("pass", math.inf)


def test_zero_over_zero_makes_the_norm_not_applicable(result_of, counts):
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20}

    result = result_of(rule, {"residents_present": 0, "toilets_working": 0}, counts)

    assert result.outcome == "not_applicable"
    assert result.value is None


def test_zero_over_a_positive_count_is_zero(result_of, counts):
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20}

    result = result_of(rule, {"residents_present": 0, "toilets_working": 3}, counts)

    assert (result.outcome, result.value) == ("pass", 0)


@pytest.mark.parametrize(
    "answers",
    [{"residents_present": 10}, {"toilets_working": 1}, {"residents_present": None}],
)
def test_a_ratio_with_an_unanswered_part_is_unanswered(result_of, counts, answers):
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20}

    assert result_of(rule, answers, counts).outcome == "unanswered"


# -- thresholds per location type and critical bounds -------------------------------

HYG_01 = {
    "ratio": ["residents_present", "toilets_working"],
    "max": {"default": 20, "azc": 10},
    "critical_max": 50,
}


@pytest.mark.parametrize(
    ("residents", "toilets", "location_type", "outcome", "severity"),
    [
        (150, 10, "noodopvang", "pass", "major"),  # 15 <= 20
        (150, 10, "azc", "fail", "major"),  # 15 > 10
        (250, 10, "noodopvang", "fail", "major"),  # 25 > 20, not beyond 50
        (250, 10, "crisisnoodopvang", "fail", "major"),
        (250, 10, "azc", "fail", "major"),
        (500, 10, "noodopvang", "fail", "major"),  # 50: at the critical bound, not beyond
        (250, 4, "noodopvang", "fail", "critical"),  # 62.5 > 50
        (250, 4, "azc", "fail", "critical"),
        (100, 10, "azc", "pass", "major"),  # 10: at the azc bound
    ],
)
def test_toilet_ratio_per_location_type_with_critical_escalation(
    result_of, counts, residents, toilets, location_type, outcome, severity
):
    answers = {"residents_present": residents, "toilets_working": toilets}

    result = result_of(HYG_01, answers, counts, location_type, domain="HYG")

    assert (result.outcome, result.severity) == (outcome, severity)
    assert result.critical == (severity == "critical")


def test_the_threshold_reported_is_the_one_for_the_location_type(result_of, counts):
    answers = {"residents_present": 150, "toilets_working": 10}

    azc = result_of(HYG_01, answers, counts, "azc")
    noodopvang = result_of(HYG_01, answers, counts, "noodopvang")

    assert azc.threshold == {"max": 10, "critical_max": 50}
    assert noodopvang.threshold == {"max": 20, "critical_max": 50}


def test_a_type_missing_from_a_map_without_default_has_no_such_bound(result_of, counts):
    rule = {
        "ratio": ["residents_present", "toilets_working"],
        "max": {"azc": 10},
        "critical_max": 50,
    }
    answers = {"residents_present": 300, "toilets_working": 10}

    assert result_of(rule, answers, counts, "azc").outcome == "fail"
    assert result_of(rule, answers, counts, "noodopvang").outcome == "pass"
    assert result_of(rule, answers, counts, "noodopvang").threshold == {"critical_max": 50}


@pytest.mark.parametrize(
    ("area", "outcome", "severity"),
    [
        (400, "pass", "major"),  # 4.0 m2 per resident
        (375, "fail", "major"),  # 3.75: below min, above critical_min
        (350, "fail", "major"),  # 3.5: at critical_min is not beyond it
        (349, "fail", "critical"),
    ],
)
def test_sleeping_area_below_critical_min_is_critical(
    result_of, make_item, area, outcome, severity
):
    items = [make_item("sleeping_area_m2", "number"), make_item("residents_present")]
    rule = {"ratio": ["sleeping_area_m2", "residents_present"], "min": 4.0, "critical_min": 3.5}

    result = result_of(rule, {"sleeping_area_m2": area, "residents_present": 100}, items)

    assert (result.outcome, result.severity) == (outcome, severity)
    assert result.threshold == {"min": 4.0, "critical_min": 3.5}


def test_a_critical_bound_alone_fails_beyond_it(result_of, counts):
    rule = {"item": "max_child_stay_days", "critical_max": 30}

    assert result_of(rule, {"max_child_stay_days": 30}, counts).outcome == "pass"
    beyond = result_of(rule, {"max_child_stay_days": 31}, counts)
    assert (beyond.outcome, beyond.severity, beyond.critical) == ("fail", "critical", True)


def test_a_minor_norm_breaching_a_critical_bound_becomes_critical(result_of, counts):
    rule = {"item": "max_child_stay_days", "max": 7, "critical_max": 30}

    result = result_of(rule, {"max_child_stay_days": 45}, counts, severity="minor")

    assert (result.severity, result.critical) == ("critical", True)


def test_a_failed_norm_of_severity_critical_is_critical(result_of, make_item):
    items = [make_item("drinking_water_24h", "boolean")]
    rule = {"item": "drinking_water_24h", "equals": True}

    failed = result_of(rule, {"drinking_water_24h": False}, items, severity="critical")
    passed = result_of(rule, {"drinking_water_24h": True}, items, severity="critical")

    assert (failed.severity, failed.critical) == ("critical", True)
    assert (passed.severity, passed.critical) == ("critical", False)


# -- all / any ------------------------------------------------------------------------


@pytest.fixture
def flags(make_item):
    return [make_item(code, "boolean") for code in ("a", "b", "c")] + [
        make_item("x"),
        make_item("y"),
    ]


A, B, C = ({"item": code, "equals": True} for code in "abc")
ZERO_OVER_ZERO_CAPABLE = {"ratio": ["x", "y"], "max": 2, "critical_max": 10}


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"a": True, "b": True}, "pass"),
        ({"a": True, "b": False}, "fail"),
        ({"a": False}, "fail"),  # a failure decides even with b unanswered
        ({"a": True}, "unanswered"),
        ({"a": True, "b": True, "x": 0, "y": 0}, "pass"),  # the 0/0 part is ignored
        ({"a": True, "b": False, "x": 0, "y": 0}, "fail"),
    ],
)
def test_all_fails_on_any_failure_else_waits_for_every_answer(result_of, flags, answers, outcome):
    rule = {"all": [A, B, ZERO_OVER_ZERO_CAPABLE]} if "x" in answers else {"all": [A, B]}

    result = result_of(rule, answers, flags)

    assert result.outcome == outcome
    assert (result.value, result.threshold) == (None, None)


def test_all_with_only_not_applicable_parts_is_not_applicable(result_of, flags):
    rule = {"all": [ZERO_OVER_ZERO_CAPABLE]}

    assert result_of(rule, {"x": 0, "y": 0}, flags).outcome == "not_applicable"


@pytest.mark.parametrize(
    "rule",
    [{"all": [A, ZERO_OVER_ZERO_CAPABLE]}, {"all": [ZERO_OVER_ZERO_CAPABLE, B]}],
    ids=["critical part last", "critical part first"],
)
def test_all_is_critical_when_a_failing_part_breaches_a_critical_bound(result_of, flags, rule):
    # x / y = 30 breaches critical_max 10; b = False fails without escalation
    result = result_of(rule, {"a": True, "b": False, "x": 30, "y": 1}, flags)

    assert (result.outcome, result.severity, result.critical) == ("fail", "critical", True)


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"a": True}, "pass"),  # a pass decides even with b unanswered
        ({"a": False, "b": True}, "pass"),
        ({"a": False}, "unanswered"),
        ({}, "unanswered"),
        ({"a": False, "b": False}, "fail"),
    ],
)
def test_any_passes_on_any_pass_else_waits_for_every_answer(result_of, flags, answers, outcome):
    assert result_of({"any": [A, B]}, answers, flags).outcome == outcome


def test_any_with_only_not_applicable_parts_is_not_applicable(result_of, flags):
    assert result_of({"any": [ZERO_OVER_ZERO_CAPABLE]}, {"x": 0, "y": 0}, flags).outcome == (
        "not_applicable"
    )


def test_any_ignores_a_not_applicable_part(result_of, flags):
    rule = {"any": [ZERO_OVER_ZERO_CAPABLE, A]}

    assert result_of(rule, {"x": 0, "y": 0, "a": False}, flags).outcome == "fail"
    assert result_of(rule, {"x": 0, "y": 0, "a": True}, flags).outcome == "pass"


def test_any_is_critical_only_when_every_alternative_breaches_critically(result_of, flags):
    rule = {"any": [ZERO_OVER_ZERO_CAPABLE, {"item": "x", "critical_max": 5}]}

    both = result_of(rule, {"x": 30, "y": 1}, flags)
    one = result_of(rule, {"x": 6, "y": 1}, flags)  # ratio 6 > 2 but not > 10; x 6 > 5

    assert (both.outcome, both.critical) == ("fail", True)
    assert (one.outcome, one.critical, one.severity) == ("fail", False, "major")


def test_nested_any_inside_all(result_of, flags):
    rule = {"all": [A, {"any": [B, C]}]}

    assert result_of(rule, {"a": True, "c": True}, flags).outcome == "pass"
    assert result_of(rule, {"a": True, "b": False}, flags).outcome == "unanswered"
    assert result_of(rule, {"a": True, "b": False, "c": False}, flags).outcome == "fail"
    assert result_of(rule, {"a": False, "b": True}, flags).outcome == "fail"


# -- applicability ---------------------------------------------------------------------


def test_a_norm_for_other_location_types_is_not_applicable(result_of, flags):
    answers = {"a": False}

    azc = result_of(A, answers, flags, "azc", applies_to=["noodopvang", "crisisnoodopvang"])
    nood = result_of(A, answers, flags, "noodopvang", applies_to=["noodopvang", "crisisnoodopvang"])

    assert (azc.outcome, azc.value) == ("not_applicable", None)
    assert nood.outcome == "fail"


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"x": 2, "a": False}, "fail"),  # condition passes: the norm is judged
        ({"x": 2, "a": True}, "pass"),
        ({"x": 0, "a": False}, "not_applicable"),  # condition fails
        ({"a": False}, "unanswered"),  # condition cannot be evaluated
        ({"x": None, "a": True}, "unanswered"),
        ({"x": 2}, "unanswered"),  # condition passes, rule unanswered
    ],
)
def test_applies_if_decides_whether_the_norm_counts(result_of, flags, answers, outcome):
    result = result_of(A, answers, flags, applies_if={"item": "x", "min": 1})

    assert result.outcome == outcome


def test_an_applies_if_that_is_not_applicable_makes_the_norm_not_applicable(result_of, flags):
    condition = {"ratio": ["x", "y"], "min": 1}

    result = result_of(A, {"x": 0, "y": 0, "a": False}, flags, applies_if=condition)

    assert result.outcome == "not_applicable"
