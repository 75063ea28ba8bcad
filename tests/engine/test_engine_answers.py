"""Which answers are refused, and under which path."""

import math

import pytest

from inspection.engine import validate_answers


@pytest.fixture
def document(build, make_item, make_norm, label):
    items = [
        make_item("residents_present"),
        make_item("children_present", max_item="residents_present"),
        make_item("infants_present", max_item="children_present"),
        make_item("activity_days_per_week", max=7),
        make_item("sleeping_area_m2", "number"),
        make_item("medical_intake_pct", "percentage"),
        make_item("drinking_water_24h", "boolean"),
        make_item(
            "cleaning",
            "choice",
            min=None,
            max=None,
            choices=[
                {"value": "daily", "label": label("daily")},
                {"value": 1, "label": label("once")},
            ],
        ),
        make_item("remarks", "text"),
    ]
    norms = [make_norm("HYG-05", {"item": "drinking_water_24h", "equals": True})]
    return build(items, norms)


def test_valid_answers_have_no_problems(document):
    answers = {
        "residents_present": 250,
        "children_present": 80,
        "infants_present": 80,
        "activity_days_per_week": 7,
        "sleeping_area_m2": 1000.5,
        "medical_intake_pct": 99.5,
        "drinking_water_24h": False,
        "cleaning": 1,
        "remarks": "x" * 2000,
    }

    assert validate_answers(answers, document) == {}


def test_unanswered_items_are_allowed(document):
    assert validate_answers({}, document) == {}
    assert validate_answers({"residents_present": None, "remarks": None}, document) == {}


@pytest.mark.parametrize("answers", [None, [], "residents_present=3", 12])
def test_answers_must_be_an_object(document, answers):
    assert list(validate_answers(answers, document)) == ["answers"]


def test_an_unknown_item_is_refused(document):
    problems = validate_answers({"residents": 3, "residents_present": 3}, document)

    assert problems == {"answers.residents": ["unknown item"]}


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("residents_present", "10", "must be a whole number"),
        ("residents_present", 10.0, "must be a whole number, not a decimal"),
        ("residents_present", 10.5, "must be a whole number, not a decimal"),
        ("residents_present", True, "must be a whole number"),
        ("sleeping_area_m2", False, "must be a number"),
        ("sleeping_area_m2", "12.5", "must be a number"),
        ("sleeping_area_m2", math.nan, "must be a finite number"),
        ("sleeping_area_m2", math.inf, "must be a finite number"),
        ("medical_intake_pct", True, "must be a number"),
        ("drinking_water_24h", 1, "must be true or false"),
        ("drinking_water_24h", "true", "must be true or false"),
        ("cleaning", "weekly", "must be one of 'daily', 1"),
        ("cleaning", True, "must be one of 'daily', 1"),  # True == 1, but is not the choice 1
        ("remarks", 5, "must be a string"),
        ("remarks", "x" * 2001, "must be at most 2000 characters long"),
    ],
)
def test_a_wrongly_typed_answer_is_refused(document, code, value, message):
    assert validate_answers({code: value}, document) == {f"answers.{code}": [message]}


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("residents_present", -1, "must be at least 0"),
        ("residents_present", 5001, "must be at most 5000"),
        ("activity_days_per_week", 8, "must be at most 7"),
        ("sleeping_area_m2", -0.5, "must be at least 0"),
        ("medical_intake_pct", 100.5, "must be at most 100"),
        ("medical_intake_pct", -1, "must be at least 0"),
    ],
)
def test_an_answer_outside_the_item_range_is_refused(document, code, value, message):
    assert validate_answers({code: value}, document) == {f"answers.{code}": [message]}


@pytest.mark.parametrize(("code", "value"), [("residents_present", 0), ("residents_present", 5000)])
def test_the_item_range_is_inclusive(document, code, value):
    assert validate_answers({code: value}, document) == {}


def test_more_children_than_residents_is_refused(document):
    problems = validate_answers({"residents_present": 250, "children_present": 300}, document)

    assert problems == {"answers.children_present": ["must not exceed residents_present (250)"]}


def test_limits_between_items_chain(document):
    answers = {"residents_present": 250, "children_present": 80, "infants_present": 81}

    problems = validate_answers(answers, document)

    assert problems == {"answers.infants_present": ["must not exceed children_present (80)"]}


def test_a_limit_between_items_needs_both_answered_and_valid(document):
    assert validate_answers({"children_present": 300}, document) == {}
    problems = validate_answers({"residents_present": "many", "children_present": 300}, document)
    assert problems == {"answers.residents_present": ["must be a whole number"]}


def test_every_problem_is_reported(document):
    answers = {
        "residents_present": 5001,
        "drinking_water_24h": "yes",
        "remarks": 1,
        "toilets": 3,
    }

    problems = validate_answers(answers, document)

    assert set(problems) == {
        "answers.residents_present",
        "answers.drinking_water_24h",
        "answers.remarks",
        "answers.toilets",
    }
