"""Properties of scoring that hold for any answers (hypothesis)."""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.engine import (
    FAIL,
    LOCATION_TYPES,
    PASS,
    STATUSES,
    UNANSWERED,
    parse_norm_set,
    score_answers,
    validate_answers,
)

# No deadline: the first example pays for cold caches and would flake. The same cases
# every run, so that CI is repeatable; FUZZ_RANDOM=1 explores anew (as the API fuzzing).
PROPERTY = settings(deadline=None, max_examples=200, derandomize=not os.environ.get("FUZZ_RANDOM"))

SHIPPED_CATALOGUE = Path(__file__).parents[2] / "inspection" / "data" / "nl-children-2023.1.yaml"


def _label(text):
    return {"nl": f"{text} (nl)", "en": text}


def _item(code, type_, low=None, high=None, **fields):
    data = {"code": code, "type": type_, "label": _label(code), **fields}
    if low is not None:
        data.update(min=low, max=high)
    return data


def _norm(code, domain, severity, rule, **fields):
    return {
        "code": code,
        "domain": domain,
        "severity": severity,
        "title": _label(code),
        "rule": rule,
        "basis": "proposal",
        "source": "property test",
        **fields,
    }


# Small ranges on purpose: they make zero denominators, 0/0 and values
# exactly at a bound common.
PROPERTY_DOC = {
    "catalogue": "property-test",
    "version": "1",
    "valid_from": dt.date(2023, 1, 1),
    "title": _label("Property test"),
    "domains": [{"code": c, "title": _label(c)} for c in ("SAF", "HYG", "LIV", "EMPTY")],
    "items": [
        _item("residents", "integer", 0, 60),
        _item("children", "integer", 0, 30),
        _item("toilets", "integer", 0, 4),
        _item("showers", "integer", 0, 3),
        _item("area_m2", "number", 0, 300),
        _item("play_m2", "number", 0, 80),
        _item("stay_days", "integer", 0, 40),
        _item("water", "boolean"),
        _item("staff", "boolean"),
        _item("trained", "boolean"),
        _item("vog_pct", "percentage"),
        _item(
            "cleaning",
            "choice",
            choices=[{"value": v, "label": _label(v)} for v in ("daily", "weekly")],
        ),
        _item("remarks", "text"),
    ],
    "norms": [
        _norm(
            "HYG-01",
            "HYG",
            "major",
            {
                "ratio": ["residents", "toilets"],
                "max": {"default": 20, "azc": 10},
                "critical_max": 50,
            },
        ),
        _norm(
            "LIV-01",
            "LIV",
            "major",
            {"ratio": ["area_m2", "residents"], "min": 4.0, "critical_min": 3.5},
        ),
        _norm(
            "HYG-02",
            "HYG",
            "major",
            {
                "all": [
                    {"ratio": ["residents", "showers"], "max": 20},
                    {"item": "water", "equals": True},
                ]
            },
        ),
        _norm(
            "SAF-01",
            "SAF",
            "critical",
            {"any": [{"item": "staff", "equals": True}, {"item": "trained", "equals": True}]},
        ),
        _norm("SAF-02", "SAF", "minor", {"item": "vog_pct", "min": 100}, weight=1.5),
        _norm(
            "SAF-03",
            "SAF",
            "major",
            {"item": "stay_days", "max": 7, "critical_max": 30},
            applies_to=["crisisnoodopvang"],
            applies_if={"item": "children", "min": 1},
        ),
        _norm(
            "LIV-02",
            "LIV",
            "major",
            {"ratio": ["play_m2", "children"], "min": 2.3},
            applies_if={"item": "children", "min": 1},
        ),
        _norm("HYG-03", "HYG", "minor", {"item": "cleaning", "equals": "daily"}),
        _norm(
            "HYG-04",
            "HYG",
            "major",
            {"item": "water", "equals": True},
            applies_if={
                "all": [
                    {"item": "children", "min": 1},
                    {
                        "any": [
                            {"item": "staff", "equals": False},
                            {"ratio": ["children", "residents"], "max": 0.5},
                        ]
                    },
                ]
            },
        ),
        _norm("SAF-04", "SAF", "critical", {"item": "staff", "equals": True}, applies_to=["azc"]),
    ],
}


@pytest.fixture(scope="module", params=["property-test", "nl-children-2023.1"])
def document(request):
    """Our own set (ratios, critical bounds, all/any, applies_if) and the shipped catalogue."""
    if request.param == "property-test":
        return parse_norm_set(PROPERTY_DOC)
    if not SHIPPED_CATALOGUE.exists():
        pytest.skip(f"{SHIPPED_CATALOGUE.name} is not there yet")
    return parse_norm_set(yaml.safe_load(SHIPPED_CATALOGUE.read_text(encoding="utf-8")))


def _valid_value(item):
    if item.type == "boolean":
        return st.booleans()
    if item.type == "integer":
        return st.integers(item.min if item.min is not None else 0, item.max or 5000)
    if item.type in ("number", "percentage"):
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else 100000
        # Mix round numbers (hit bounds exactly) with arbitrary floats.
        return st.one_of(st.integers(int(low), int(high)), st.floats(low, high, allow_nan=False))
    if item.type == "choice":
        return st.sampled_from([c.value for c in item.choices])
    return st.text(max_size=20)


def answers_for(document):
    """Valid answers for any subset of the items; an item may be absent or None."""
    return st.fixed_dictionaries(
        {},
        optional={
            code: st.one_of(st.none(), _valid_value(item)) for code, item in document.items.items()
        },
    )


@st.composite
def scoring_cases(draw, document):
    return draw(answers_for(document)), draw(st.sampled_from(LOCATION_TYPES))


def _within_0_100(value):
    return value is None or 0 <= value <= 100


def test_scores_and_coverage_are_percentages_and_status_is_known(document):
    @PROPERTY
    @given(scoring_cases(document))
    def check(case):
        answers, location_type = case
        score = score_answers(answers, document, location_type)

        assert _within_0_100(score.overall)
        assert _within_0_100(score.coverage)
        assert all(_within_0_100(d.score) for d in score.domains.values())
        assert score.status in STATUSES
        assert set(score.domains) == {d.code for d in document.domains}
        assert [r.norm for r in score.results] == [n.code for n in document.norms]

    check()


def test_a_critical_result_makes_the_status_critical(document):
    @PROPERTY
    @given(scoring_cases(document))
    def check(case):
        score = score_answers(case[0], document, case[1])

        for result in score.results:
            if result.critical:
                assert (result.outcome, result.severity) == (FAIL, "critical")
                assert score.status == "critical"
        assert (score.status == "critical") == bool(score.critical_norms)
        assert score.failed_norms == tuple(r.norm for r in score.results if r.outcome == FAIL)

    check()


def test_a_score_exists_exactly_when_something_was_assessed(document):
    @PROPERTY
    @given(scoring_cases(document))
    def check(case):
        score = score_answers(case[0], document, case[1])

        assessed = [r for r in score.results if r.outcome in (PASS, FAIL)]
        assert (score.overall is None) == (not assessed)
        for code, domain in score.domains.items():
            assert (domain.score is None) == (not any(r.domain == code for r in assessed))
            assert domain.failed == tuple(
                r.norm for r in assessed if r.domain == code and r.outcome == FAIL
            )

    check()


def test_scoring_is_deterministic_and_serialisable(document):
    @PROPERTY
    @given(scoring_cases(document))
    def check(case):
        answers, location_type = case
        first = score_answers(answers, document, location_type)
        second = score_answers(dict(answers), document, location_type)

        assert first == second
        assert first.to_dict() == second.to_dict()
        json.dumps(first.to_dict(), allow_nan=False)

    check()


def test_answering_an_unanswered_item_never_lowers_coverage(document):
    """More answers only settle norms: nothing settled becomes unsettled.

    This includes the case of answering so that the item's own norm passes.
    """

    @PROPERTY
    @given(st.data())
    def check(data):
        answers, location_type = data.draw(scoring_cases(document))
        unanswered = [code for code in document.items if answers.get(code) is None]
        if not unanswered:
            return
        code = data.draw(st.sampled_from(unanswered))
        value = data.draw(_valid_value(document.items[code]))
        before = score_answers(answers, document, location_type)
        after = score_answers({**answers, code: value}, document, location_type)

        if before.coverage is not None and after.coverage is not None:
            assert after.coverage >= before.coverage
        for old, new in zip(before.results, after.results, strict=True):
            if old.outcome != UNANSWERED:
                assert new.outcome == old.outcome, old.norm

    check()


def test_generated_answers_are_valid_apart_from_limits_between_items(document):
    @PROPERTY
    @given(answers_for(document))
    def check(answers):
        problems = validate_answers(answers, document)

        assert all(
            message.startswith("must not exceed")
            for messages in problems.values()
            for message in messages
        )

    check()
