"""Parsing a norm set document, and every way it can be refused."""

import copy
import datetime as dt

import pytest

from inspection.engine import DEFAULT_WEIGHTS, LOCATION_TYPES, NormSetError, parse_norm_set


@pytest.fixture
def full_doc(make_doc, make_item, make_norm, label):
    """A small but complete document touching every feature of the format."""
    items = [
        make_item("residents_present", unit="persons"),
        make_item("children_present", max_item="residents_present"),
        make_item("toilets_working"),
        make_item("staff_with_vog_pct", "percentage"),
        make_item("sleeping_area_m2", "number", help=label("Measure the sleeping rooms")),
        make_item("drinking_water_24h", "boolean"),
        make_item(
            "cleaning",
            "choice",
            min=None,
            max=None,
            choices=[
                {"value": "daily", "label": label("daily")},
                {"value": "weekly", "label": label("weekly")},
            ],
        ),
        make_item("remarks", "text"),
        make_item("unused_count"),
    ]
    norms = [
        make_norm(
            "HYG-01",
            {
                "ratio": ["residents_present", "toilets_working"],
                "max": {"default": 20, "azc": 10},
                "critical_max": 50,
            },
            "HYG",
        ),
        make_norm("HYG-05", {"item": "drinking_water_24h", "equals": True}, "HYG", "critical"),
        make_norm(
            "SAF-04",
            {"item": "staff_with_vog_pct", "min": 100},
            severity="minor",
            weight=1.5,
            basis="proposal",
        ),
        make_norm(
            "LIV-01",
            {"ratio": ["sleeping_area_m2", "residents_present"], "min": 4.0, "critical_min": 3.5},
            "LIV",
            applies_to=["noodopvang", "crisisnoodopvang"],
            applies_if={"item": "children_present", "min": 1},
        ),
        make_norm(
            "HYG-04",
            {
                "any": [
                    {"item": "cleaning", "equals": "daily"},
                    {"all": [{"item": "drinking_water_24h", "equals": True}]},
                ]
            },
            "HYG",
        ),
    ]
    return make_doc(items, norms, description=label("For tests"))


def errors_of(doc: dict) -> list[str]:
    with pytest.raises(NormSetError) as caught:
        parse_norm_set(doc)
    return caught.value.errors


def norm_named(doc: dict, code: str) -> dict:
    return next(n for n in doc["norms"] if n["code"] == code)


def item_named(doc: dict, code: str) -> dict:
    return next(i for i in doc["items"] if i["code"] == code)


# -- a valid document ---------------------------------------------------------------


def test_a_valid_document_is_parsed(full_doc):
    document = parse_norm_set(full_doc)

    assert (document.catalogue, document.version) == ("test-children", "2023.1")
    assert document.valid_from == dt.date(2023, 5, 3)
    assert document.title.nl == "Test norms (nl)"
    assert document.title.en == "Test norms"
    assert document.description.en == "For tests"
    assert [d.code for d in document.domains] == ["SAF", "HYG", "LIV"]
    assert list(document.items)[:2] == ["residents_present", "children_present"]
    assert [n.code for n in document.norms] == ["HYG-01", "HYG-05", "SAF-04", "LIV-01", "HYG-04"]
    assert document.raw == full_doc


def test_items_keep_their_details(full_doc):
    items = parse_norm_set(full_doc).items

    assert (items["residents_present"].min, items["residents_present"].max) == (0, 5000)
    assert items["residents_present"].unit == "persons"
    assert items["children_present"].max_item == "residents_present"
    assert items["sleeping_area_m2"].help.en == "Measure the sleeping rooms"
    assert [c.value for c in items["cleaning"].choices] == ["daily", "weekly"]
    assert items["cleaning"].choices[0].label.nl == "daily (nl)"


def test_a_percentage_item_defaults_to_0_to_100(full_doc):
    item = parse_norm_set(full_doc).items["staff_with_vog_pct"]

    assert (item.min, item.max) == (0, 100)


def test_norm_defaults_weight_by_severity_and_applies_to_everything(full_doc):
    norms = {n.code: n for n in parse_norm_set(full_doc).norms}

    assert norms["HYG-01"].weight == DEFAULT_WEIGHTS["major"] == 2
    assert norms["HYG-05"].weight == DEFAULT_WEIGHTS["critical"] == 3
    assert norms["SAF-04"].weight == 1.5
    assert norms["HYG-01"].applies_to == LOCATION_TYPES
    assert norms["LIV-01"].applies_to == ("noodopvang", "crisisnoodopvang")
    assert norms["SAF-04"].basis == "proposal"
    assert norms["HYG-01"].source == "test source"


def test_valid_from_may_be_an_iso_string(make_doc):
    assert parse_norm_set(make_doc(valid_from="2024-06-01")).valid_from == dt.date(2024, 6, 1)


def test_the_raw_document_is_a_copy(full_doc):
    document = parse_norm_set(full_doc)
    before = copy.deepcopy(full_doc)

    full_doc["norms"][0]["rule"]["critical_max"] = 1000

    assert document.raw == before


def test_items_for_lists_what_an_inspector_must_answer_per_location_type(full_doc):
    document = parse_norm_set(full_doc)

    azc = [item.code for item in document.items_for("azc")]
    nood = [item.code for item in document.items_for("noodopvang")]

    assert azc == [
        "residents_present",
        "toilets_working",
        "staff_with_vog_pct",
        "drinking_water_24h",
        "cleaning",
    ]
    # LIV-01 applies to noodopvang only, through its rule and its applies_if
    assert nood == [
        "residents_present",
        "children_present",
        "toilets_working",
        "staff_with_vog_pct",
        "sleeping_area_m2",
        "drinking_water_24h",
        "cleaning",
    ]
    with pytest.raises(ValueError):
        document.items_for("hotel")


# -- refusals ----------------------------------------------------------------------


def test_a_rule_naming_an_unknown_item_is_refused(full_doc):
    norm_named(full_doc, "HYG-01")["rule"]["ratio"][1] = "toilets_workin"

    assert errors_of(full_doc) == ["norms[HYG-01].rule.ratio[1]: unknown item 'toilets_workin'"]


def mutate(doc: dict, change) -> dict:
    change(doc)
    return doc


REFUSALS = [
    # (what, change to the full document, expected error)
    (
        "unknown key in a rule",
        lambda d: norm_named(d, "HYG-05")["rule"].update(equal=True),
        "norms[HYG-05].rule: unknown key 'equal'",
    ),
    (
        "unknown key in a nested rule",
        lambda d: norm_named(d, "HYG-04")["rule"]["any"][1]["all"][0].update(foo=1),
        "norms[HYG-04].rule.any[1].all[0]: unknown key 'foo'",
    ),
    (
        "unknown item in an item rule",
        lambda d: norm_named(d, "HYG-05")["rule"].update(item="drinking_water"),
        "norms[HYG-05].rule.item: unknown item 'drinking_water'",
    ),
    (
        "unknown item in applies_if",
        lambda d: norm_named(d, "LIV-01").update(applies_if={"item": "kids", "min": 1}),
        "norms[LIV-01].applies_if.item: unknown item 'kids'",
    ),
    (
        "a min on a boolean item",
        lambda d: norm_named(d, "HYG-05").update(rule={"item": "drinking_water_24h", "min": 1}),
        "norms[HYG-05].rule.item: item 'drinking_water_24h' is boolean, a numeric item is needed",
    ),
    (
        "a ratio over a text item",
        lambda d: norm_named(d, "HYG-01")["rule"]["ratio"].__setitem__(0, "remarks"),
        "norms[HYG-01].rule.ratio[0]: item 'remarks' is text, a numeric item is needed",
    ),
    (
        "a string for a boolean",
        lambda d: norm_named(d, "HYG-05")["rule"].update(equals="yes"),
        "norms[HYG-05].rule.equals: 'yes' does not fit boolean item 'drinking_water_24h'",
    ),
    (
        "a number for a boolean",
        lambda d: norm_named(d, "HYG-05")["rule"].update(equals=1),
        "norms[HYG-05].rule.equals: 1 does not fit boolean item",
    ),
    (
        "true for an integer",
        lambda d: norm_named(d, "HYG-05").update(rule={"item": "toilets_working", "equals": True}),
        "norms[HYG-05].rule.equals: True does not fit integer item 'toilets_working'",
    ),
    (
        "a value that is not a choice",
        lambda d: norm_named(d, "HYG-04")["rule"]["any"][0].update(equals="hourly"),
        "norms[HYG-04].rule.any[0].equals: 'hourly' is not one of the choices of 'cleaning'",
    ),
    (
        "equals combined with bounds",
        lambda d: norm_named(d, "HYG-05")["rule"].update(max=3),
        "norms[HYG-05].rule: equals cannot be combined",
    ),
    (
        "a rule without bounds",
        lambda d: norm_named(d, "SAF-04").update(rule={"item": "staff_with_vog_pct"}),
        "norms[SAF-04].rule: needs at least one of min, max, critical_min, critical_max",
    ),
    (
        "a rule of two kinds",
        lambda d: norm_named(d, "SAF-04")["rule"].update(all=[]),
        "norms[SAF-04].rule: a rule needs exactly one of item, ratio, all, any",
    ),
    (
        "an empty all",
        lambda d: norm_named(d, "HYG-04")["rule"]["any"][1].update(all=[]),
        "norms[HYG-04].rule.any[1].all: must be a non-empty list of rules",
    ),
    (
        "a ratio of three items",
        lambda d: norm_named(d, "HYG-01")["rule"]["ratio"].append("children_present"),
        "norms[HYG-01].rule.ratio: must be a list of two item codes",
    ),
    (
        "a bound that is not a number",
        lambda d: norm_named(d, "SAF-04")["rule"].update(min="100"),
        "norms[SAF-04].rule.min: must be a number or a map",
    ),
    (
        "min greater than max",
        lambda d: norm_named(d, "SAF-04")["rule"].update(max=50),
        "norms[SAF-04].rule: min (100) must not be greater than max (50)",
    ),
    (
        "min greater than max for one location type",
        lambda d: norm_named(d, "HYG-01")["rule"].update(min={"default": 1, "azc": 15}),
        "norms[HYG-01].rule: min (15) must not be greater than max (10) for azc",
    ),
    (
        "critical_min above min",
        lambda d: norm_named(d, "LIV-01")["rule"].update(critical_min=4.5),
        "norms[LIV-01].rule: critical_min (4.5) must not be greater than min (4.0)",
    ),
    (
        "critical_max below max",
        lambda d: norm_named(d, "HYG-01")["rule"].update(critical_max=15),
        "norms[HYG-01].rule: max (20) must not be greater than critical_max (15) for noodopvang",
    ),
    (
        "an unknown location type as threshold key",
        lambda d: norm_named(d, "HYG-01")["rule"]["max"].update(hotel=5),
        "norms[HYG-01].rule.max.hotel: unknown location type 'hotel'",
    ),
    (
        "an unknown location type in applies_to",
        lambda d: norm_named(d, "LIV-01").update(applies_to=["noodopvang", "hotel"]),
        "norms[LIV-01].applies_to: unknown location type 'hotel'",
    ),
    (
        "an empty applies_to",
        lambda d: norm_named(d, "LIV-01").update(applies_to=[]),
        "norms[LIV-01].applies_to: must be a non-empty list of location types",
    ),
    (
        "a location type the norm applies to without any bound",
        lambda d: norm_named(d, "SAF-04").update(
            rule={"item": "staff_with_vog_pct", "min": {"azc": 100}}
        ),
        "norms[SAF-04].rule: no bound for noodopvang, crisisnoodopvang",
    ),
    (
        "a duplicate item code",
        lambda d: d["items"].append(dict(item_named(d, "remarks"))),
        "items[remarks]: duplicate item code 'remarks'",
    ),
    (
        "a duplicate norm code",
        lambda d: d["norms"].append(copy.deepcopy(norm_named(d, "HYG-05"))),
        "norms[HYG-05]: duplicate norm code 'HYG-05'",
    ),
    (
        "a duplicate domain code",
        lambda d: d["domains"].append(copy.deepcopy(d["domains"][0])),
        "domains[SAF]: duplicate domain code 'SAF'",
    ),
    (
        "a norm in an unknown domain",
        lambda d: norm_named(d, "HYG-05").update(domain="WATER"),
        "norms[HYG-05].domain: unknown domain 'WATER'",
    ),
    (
        "an unknown severity",
        lambda d: norm_named(d, "HYG-05").update(severity="high"),
        "norms[HYG-05].severity: unknown severity 'high'",
    ),
    (
        "an unknown basis",
        lambda d: norm_named(d, "HYG-05").update(basis="guess"),
        "norms[HYG-05].basis: unknown basis 'guess'",
    ),
    (
        "a missing source",
        lambda d: norm_named(d, "HYG-05").pop("source"),
        "norms[HYG-05].source: must be a non-empty string",
    ),
    (
        "an empty source",
        lambda d: norm_named(d, "HYG-05").update(source="  "),
        "norms[HYG-05].source: must be a non-empty string",
    ),
    (
        "a missing rule",
        lambda d: norm_named(d, "HYG-05").pop("rule"),
        "norms[HYG-05]: rule is required",
    ),
    (
        "a weight that is not positive",
        lambda d: norm_named(d, "HYG-05").update(weight=0),
        "norms[HYG-05].weight: must be a positive number",
    ),
    (
        "an unknown key on a norm (typo)",
        lambda d: norm_named(d, "LIV-01").update(aplies_to=["azc"]),
        "norms[LIV-01]: unknown key 'aplies_to'",
    ),
    (
        "an unknown item type",
        lambda d: item_named(d, "remarks").update(type="string"),
        "items[remarks].type: unknown item type 'string'",
    ),
    (
        "a choice item without choices",
        lambda d: item_named(d, "cleaning").pop("choices"),
        "items[cleaning].choices: must be a non-empty list",
    ),
    (
        "choices on a text item",
        lambda d: item_named(d, "remarks").update(choices=[]),
        "items[remarks].choices: only choice items have choices",
    ),
    (
        "an item with min above max",
        lambda d: item_named(d, "unused_count").update(min=10, max=5),
        "items[unused_count]: min (10) must not be greater than max (5)",
    ),
    (
        "a percentage beyond 100",
        lambda d: item_named(d, "staff_with_vog_pct").update(max=120),
        "items[staff_with_vog_pct].max: a percentage must stay within 0..100",
    ),
    (
        "min on a boolean item",
        lambda d: item_named(d, "drinking_water_24h").update(min=0),
        "items[drinking_water_24h].min: only numeric items have min",
    ),
    (
        "a bad item code",
        lambda d: item_named(d, "unused_count").update(code="Unused"),
        "items[Unused].code: must match ^[a-z][a-z0-9_]*$",
    ),
    (
        "max_item naming an unknown item",
        lambda d: item_named(d, "children_present").update(max_item="residents"),
        "items[children_present].max_item: unknown item 'residents'",
    ),
    (
        "max_item naming a non-numeric item",
        lambda d: item_named(d, "children_present").update(max_item="remarks"),
        "items[children_present].max_item: item 'remarks' is text, not numeric",
    ),
    (
        "a missing English label",
        lambda d: item_named(d, "remarks")["label"].pop("en"),
        "items[remarks].label.en: must be a non-empty string",
    ),
    (
        "an empty Dutch label",
        lambda d: norm_named(d, "HYG-05")["title"].update(nl=""),
        "norms[HYG-05].title.nl: must be a non-empty string",
    ),
    (
        "a missing title",
        lambda d: d.pop("title"),
        "title: is required",
    ),
    (
        "a domain title without Dutch",
        lambda d: d["domains"][1]["title"].pop("nl"),
        "domains[HYG].title.nl: must be a non-empty string",
    ),
    (
        "a choice label without English",
        lambda d: item_named(d, "cleaning")["choices"][1]["label"].update(en=None),
        "items[cleaning].choices[1].label.en: must be a non-empty string",
    ),
    (
        "a help text without Dutch",
        lambda d: item_named(d, "sleeping_area_m2")["help"].pop("nl"),
        "items[sleeping_area_m2].help.nl: must be a non-empty string",
    ),
    (
        "a description without English",
        lambda d: d["description"].pop("en"),
        "description.en: must be a non-empty string",
    ),
    (
        "a version that YAML read as a number",
        lambda d: d.update(version=2023.1),
        "version: must be a string, not the number 2023.1: quote it in YAML",
    ),
    (
        "a bad catalogue id",
        lambda d: d.update(catalogue="NL children"),
        "catalogue: must be a string of lowercase letters, digits and '-'",
    ),
    (
        "a valid_from that is not a date",
        lambda d: d.update(valid_from="3 May 2023"),
        "valid_from: must be a date (YYYY-MM-DD)",
    ),
    (
        "a valid_from with a time",
        lambda d: d.update(valid_from=dt.datetime(2023, 5, 3, 12, 0)),
        "valid_from: must be a date (YYYY-MM-DD)",
    ),
    (
        "an unknown top-level key",
        lambda d: d.update(norm=[]),
        "document: unknown key 'norm'",
    ),
    (
        "no norms",
        lambda d: d.update(norms=[]),
        "norms: must be a non-empty list",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=what) for what, change, expected in REFUSALS],
)
def test_an_invalid_document_is_refused_naming_the_bad_part(full_doc, change, expected):
    change(full_doc)

    errors = errors_of(full_doc)

    assert any(e.startswith(expected) for e in errors), errors


def test_all_problems_are_reported_at_once(full_doc):
    full_doc["version"] = 2024.1
    norm_named(full_doc, "HYG-05")["severity"] = "urgent"
    norm_named(full_doc, "HYG-01")["rule"]["ratio"][1] = "toilets_workin"
    item_named(full_doc, "remarks")["label"]["nl"] = ""

    errors = errors_of(full_doc)

    assert len(errors) == 4
    assert errors[0].startswith("version:")
    assert "items[remarks].label.nl: must be a non-empty string" in errors
    assert (
        "norms[HYG-05].severity: unknown severity 'urgent' (use critical, major, minor)" in errors
    )
    assert "norms[HYG-01].rule.ratio[1]: unknown item 'toilets_workin'" in errors


def test_the_error_is_a_value_error_listing_every_problem(make_doc):
    doc = make_doc(catalogue="", version=None)

    with pytest.raises(ValueError) as caught:
        parse_norm_set(doc)

    assert "catalogue:" in str(caught.value)
    assert "version:" in str(caught.value)


def test_a_rule_on_an_invalid_item_is_not_also_called_unknown(full_doc):
    item_named(full_doc, "drinking_water_24h")["type"] = "yesno"

    errors = errors_of(full_doc)

    assert errors == [
        "items[drinking_water_24h].type: unknown item type 'yesno' "
        "(use boolean, integer, number, percentage, choice, text)"
    ]


def test_problems_are_paths_with_messages_grouped_by_path(full_doc):
    full_doc["catalogue"] = "Not A Code"
    full_doc["items"][0]["type"] = "yesno"
    full_doc["items"][0]["min"] = "low"

    with pytest.raises(NormSetError) as caught:
        parse_norm_set(full_doc)

    problems = caught.value.problems
    assert all(isinstance(p, tuple) and len(p) == 2 for p in problems)
    grouped = caught.value.by_path()
    assert list(grouped) == list(dict.fromkeys(path for path, _ in problems))
    assert grouped["catalogue"] == ["must be a string of lowercase letters, digits and '-'"]
    assert caught.value.errors == [f"{path}: {message}" for path, message in problems]


def test_a_document_that_is_not_a_mapping_is_refused():
    with pytest.raises(NormSetError) as caught:
        parse_norm_set(["norms"])

    assert caught.value.errors == ["document: must be a mapping"]


# -- location types named by the caller, and items asked with a norm ----------------------


def test_the_caller_names_the_location_types_a_document_may_use(full_doc):
    types = ("azc", "noodopvang", "crisisnoodopvang", "asielhotel")
    hyg01 = next(n for n in full_doc["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": 10, "asielhotel": 12}

    with pytest.raises(NormSetError) as refused:
        parse_norm_set(full_doc)
    assert "norms[HYG-01].rule.max.asielhotel" in refused.value.by_path()

    document = parse_norm_set(full_doc, types)
    norms = {norm.code: norm for norm in document.norms}
    assert norms["HYG-01"].applies_to == types  # no applies_to: every type named
    assert norms["HYG-01"].rule.threshold("asielhotel")["max"] == 12
    assert document.location_types == types
    assert [i.code for i in document.items_for("asielhotel")][:2] == [
        "residents_present",
        "toilets_working",
    ]


def test_a_type_the_caller_did_not_name_cannot_be_scored_or_asked_for(full_doc):
    emergency = ("noodopvang", "crisisnoodopvang")
    for norm in full_doc["norms"]:
        if isinstance(norm["rule"].get("max"), dict):
            norm["rule"]["max"] = {"default": 20}
    document = parse_norm_set(full_doc, emergency)

    with pytest.raises(ValueError):
        document.items_for("azc")
    liv01 = next(n for n in full_doc["norms"] if n["code"] == "LIV-01")
    liv01["applies_to"] = ["azc"]
    with pytest.raises(NormSetError) as refused:
        parse_norm_set(full_doc, emergency)
    assert "unknown location type 'azc'" in refused.value.by_path()["norms[LIV-01].applies_to"][0]


def test_an_item_asked_with_a_norm_is_on_the_checklist_where_the_norm_applies(full_doc):
    unused = next(i for i in full_doc["items"] if i["code"] == "unused_count")
    unused["asked_with"] = "LIV-01"  # LIV-01 applies to noodopvang and crisisnoodopvang

    document = parse_norm_set(full_doc)

    assert "unused_count" in [i.code for i in document.items_for("noodopvang")]
    assert "unused_count" not in [i.code for i in document.items_for("azc")]
    assert all("unused_count" not in norm.items for norm in document.norms)


@pytest.mark.parametrize(
    ("value", "message"),
    [("LIV-99", "unknown norm 'LIV-99'"), (7, "must be a norm code")],
)
def test_an_item_asked_with_something_that_is_no_norm_is_refused(full_doc, value, message):
    unused = next(i for i in full_doc["items"] if i["code"] == "unused_count")
    unused["asked_with"] = value

    with pytest.raises(NormSetError) as refused:
        parse_norm_set(full_doc)

    assert refused.value.by_path()["items[unused_count].asked_with"] == [message]
