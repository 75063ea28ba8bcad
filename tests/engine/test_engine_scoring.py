"""Scores, coverage and status of a whole inspection."""

import json
import math

import pytest

from inspection.engine import STATUSES, score_answers


@pytest.fixture
def checklist(build, make_item, make_norm):
    """``checklist(*norms)``: a document of boolean norms ``(code, severity[, weight][, domain])``.

    Each norm N asks its own boolean item ``n_<code>`` to be true; answer it
    with ``answers(code=True/False)``.
    """

    def checklist(*specs):
        items, norms = [], []
        for spec in specs:
            code, severity, *rest = spec
            weight = rest[0] if rest else None
            domain = rest[1] if len(rest) > 1 else "SAF"
            item = f"n_{code.lower().replace('-', '_')}"
            items.append(make_item(item, "boolean"))
            norms.append(
                make_norm(code, {"item": item, "equals": True}, domain, severity, weight=weight)
            )
        return build(items, norms)

    return checklist


def answers(**by_norm):
    """Answers keyed by norm code written with underscores: ``answers(S_1=True)``."""
    return {f"n_{code.lower()}": value for code, value in by_norm.items()}


# -- score ------------------------------------------------------------------------


def test_score_weighs_norms_by_their_severity(checklist):
    document = checklist(("S-1", "critical"), ("S-2", "major"), ("S-3", "minor"))

    score = score_answers(answers(S_1=True, S_2=False, S_3=True), document, "azc")

    assert score.overall == 66.7  # (3 + 1) / (3 + 2 + 1)


def test_a_norm_can_set_its_own_weight(checklist):
    document = checklist(("S-1", "major", 8), ("S-2", "major"))

    score = score_answers(answers(S_1=True, S_2=False), document, "azc")

    assert score.overall == 80.0  # 8 / (8 + 2)


def test_two_of_three_rounds_to_66_7(checklist):
    document = checklist(("S-1", "minor"), ("S-2", "minor"), ("S-3", "minor"))

    score = score_answers(answers(S_1=True, S_2=True, S_3=False), document, "azc")

    assert score.overall == 66.7


@pytest.mark.parametrize(
    ("passed_weight", "failed_weight", "expected"),
    [
        (1, 15, 6.3),  # 6.25: round() would give 6.2 (half to even)
        (0.5, 7.5, 6.3),  # the same with decimal weights
        (3, 37, 7.5),  # 7.5 exactly
        (1, 39, 2.5),
        (1, 79, 1.3),  # 1.25
        (1, 2, 33.3),
    ],
)
def test_score_rounds_half_up_to_one_decimal(checklist, passed_weight, failed_weight, expected):
    document = checklist(("S-1", "minor", passed_weight), ("S-2", "minor", failed_weight))

    score = score_answers(answers(S_1=True, S_2=False), document, "azc")

    assert score.overall == expected


def test_nothing_assessed_gives_no_score(checklist):
    document = checklist(("S-1", "major"), ("S-2", "minor"))

    score = score_answers({}, document, "azc")

    assert (score.overall, score.coverage, score.status) == (None, 0.0, "incomplete")
    assert all(d.score is None for d in score.domains.values())


def test_only_not_applicable_norms_give_no_score_and_no_coverage(build, make_item, make_norm):
    items = [make_item("a", "boolean")]
    norms = [make_norm("N-1", {"item": "a", "equals": True}, applies_to=["azc"])]

    score = score_answers({"a": True}, build(items, norms), "noodopvang")

    assert (score.overall, score.coverage, score.status) == (None, None, "incomplete")


def test_every_domain_has_a_score_and_its_failed_norms(checklist):
    document = checklist(
        ("S-1", "major", None, "SAF"),
        ("S-2", "minor", None, "SAF"),
        ("S-3", "minor", None, "SAF"),
        ("H-1", "major", None, "HYG"),
    )

    score = score_answers(answers(S_1=True, S_2=False, S_3=False, H_1=True), document, "azc")

    assert set(score.domains) == {"SAF", "HYG", "LIV"}
    assert score.domains["SAF"].score == 50.0  # 2 / (2 + 1 + 1)
    assert score.domains["SAF"].failed == ("S-2", "S-3")
    assert (score.domains["HYG"].score, score.domains["HYG"].failed) == (100.0, ())
    assert (score.domains["LIV"].score, score.domains["LIV"].failed) == (None, ())


def test_results_keep_document_order_and_list_failed_and_critical_norms(checklist):
    document = checklist(("S-1", "minor"), ("S-2", "critical"), ("S-3", "major"), ("S-4", "major"))

    score = score_answers(answers(S_1=False, S_2=False, S_3=True, S_4=False), document, "azc")

    assert [r.norm for r in score.results] == ["S-1", "S-2", "S-3", "S-4"]
    assert score.failed_norms == ("S-1", "S-2", "S-4")
    assert score.critical_norms == ("S-2",)


# -- coverage ----------------------------------------------------------------------


def test_coverage_counts_assessed_against_assessed_plus_unanswered(checklist):
    document = checklist(("S-1", "minor"), ("S-2", "minor"), ("S-3", "minor"))

    score = score_answers(answers(S_1=True, S_2=True), document, "azc")

    assert score.coverage == 66.7


def test_not_applicable_norms_do_not_count_for_coverage(build, make_item, make_norm):
    items = [make_item("a", "boolean"), make_item("b", "boolean")]
    norms = [
        make_norm("N-1", {"item": "a", "equals": True}),
        make_norm("N-2", {"item": "b", "equals": True}, applies_to=["azc"]),
    ]

    score = score_answers({"a": True}, build(items, norms), "noodopvang")

    assert score.coverage == 100.0
    assert score.status == "meets_norms"


# -- status ------------------------------------------------------------------------


def five_minor_norms(checklist):
    return checklist(*((f"S-{i}", "minor") for i in range(1, 6)))


def test_coverage_of_exactly_80_is_enough(checklist):
    document = five_minor_norms(checklist)

    score = score_answers(answers(S_1=True, S_2=True, S_3=True, S_4=True), document, "azc")

    assert (score.coverage, score.status) == (80.0, "meets_norms")


def test_coverage_below_80_is_incomplete(checklist):
    document = five_minor_norms(checklist)

    score = score_answers(answers(S_1=True, S_2=True, S_3=True), document, "azc")

    assert (score.coverage, score.status) == (60.0, "incomplete")


def test_minor_failures_do_not_lower_the_status(checklist):
    document = five_minor_norms(checklist)

    score = score_answers(
        answers(S_1=False, S_2=False, S_3=False, S_4=False, S_5=True), document, "azc"
    )

    assert (score.overall, score.status) == (20.0, "meets_norms")
    assert score.failed_norms == ("S-1", "S-2", "S-3", "S-4")


def test_a_major_failure_is_below_norm_even_when_incomplete(checklist):
    document = checklist(("S-1", "major"), ("S-2", "minor"), ("S-3", "minor"))

    score = score_answers(answers(S_1=False), document, "azc")

    assert score.status == "below_norm"


def test_a_critical_failure_outranks_major_failures(checklist):
    document = checklist(("S-1", "critical"), ("S-2", "major"))

    score = score_answers(answers(S_1=False, S_2=False), document, "azc")

    assert score.status == "critical"


def test_a_critical_bound_breach_makes_the_status_critical(build, make_item, make_norm):
    items = [make_item("days")]
    norms = [make_norm("F-4", {"item": "days", "max": 7, "critical_max": 30}, severity="minor")]
    document = build(items, norms)

    assert score_answers({"days": 10}, document, "azc").status == "meets_norms"
    assert score_answers({"days": 31}, document, "azc").status == "critical"


def test_all_passed_and_answered_meets_norms(checklist):
    document = checklist(("S-1", "critical"), ("S-2", "major"))

    score = score_answers(answers(S_1=True, S_2=True), document, "azc")

    assert (score.overall, score.coverage, score.status) == (100.0, 100.0, "meets_norms")
    assert score.status in STATUSES


def test_the_same_answers_pass_for_noodopvang_and_fail_for_azc(build, make_item, make_norm):
    items = [make_item("residents_present"), make_item("toilets_working")]
    rule = {"ratio": ["residents_present", "toilets_working"], "max": {"default": 20, "azc": 10}}
    document = build(items, [make_norm("HYG-01", rule, "HYG")])
    answers_ = {"residents_present": 150, "toilets_working": 10}

    assert score_answers(answers_, document, "noodopvang").status == "meets_norms"
    assert score_answers(answers_, document, "azc").status == "below_norm"


def test_an_unknown_location_type_is_refused(checklist):
    with pytest.raises(ValueError, match="location type"):
        score_answers({}, checklist(("S-1", "major")), "hotel")


# -- serialisation -----------------------------------------------------------------


def test_to_dict_is_plain_json(build, make_item, make_norm):
    items = [make_item("residents_present"), make_item("toilets_working")]
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20, "critical_max": 50}
    document = build(items, [make_norm("HYG-01", rule, "HYG")])

    score = score_answers({"residents_present": 30, "toilets_working": 0}, document, "azc")
    data = json.loads(json.dumps(score.to_dict(), allow_nan=False))

    assert score.results[0].value == math.inf
    assert data == {
        "overall": 0.0,
        "coverage": 100.0,
        "status": "critical",
        "failed_norms": ["HYG-01"],
        "critical_norms": ["HYG-01"],
        "domains": {
            "SAF": {"score": None, "failed": []},
            "HYG": {"score": 0.0, "failed": ["HYG-01"]},
            "LIV": {"score": None, "failed": []},
        },
        "results": [
            {
                "norm": "HYG-01",
                "domain": "HYG",
                "outcome": "fail",
                "severity": "critical",
                "value": None,
                "threshold": {"max": 20, "critical_max": 50},
                "critical": True,
            }
        ],
    }


def test_the_stored_form_is_plain_json_with_the_scores_of_the_dict(build, make_item, make_norm):
    items = [make_item("residents_present"), make_item("toilets_working")]
    rule = {"ratio": ["residents_present", "toilets_working"], "max": 20, "critical_max": 50}
    document = build(items, [make_norm("HYG-01", rule, "HYG")])
    score = score_answers({"residents_present": 30, "toilets_working": 0}, document, "azc")

    stored = json.loads(json.dumps(score.stored(), allow_nan=False))

    full = score.to_dict()
    assert stored == {
        "overall": full["overall"],
        "coverage": full["coverage"],
        "status": full["status"],
        "domain_scores": full["domains"],
        "results": full["results"],
    }
    assert stored["results"][0]["value"] is None  # infinity has no JSON form


def test_results_are_immutable(checklist):
    score = score_answers(answers(S_1=True), checklist(("S-1", "major")), "azc")

    with pytest.raises(AttributeError):
        score.results[0].outcome = "fail"
    with pytest.raises(AttributeError):
        score.status = "meets_norms"
