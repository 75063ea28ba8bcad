"""Locations through the API: the national list, one location's latest score and history,
coordinators adding and changing locations, and protected shelters whose address is secret."""

from __future__ import annotations

import pytest

from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document

API = "/api/v1"
LOCATIONS = f"{API}/locations"
INSPECTIONS = f"{API}/inspections"


def norm_titles() -> dict[str, dict[str, str]]:
    """The Dutch and English title of every norm, as the catalogue file has them."""
    return {norm["code"]: norm["title"] for norm in read_document(DEFAULT_NORM_SET_FILE)["norms"]}


@pytest.fixture
def coordinator(headers_for):
    return headers_for("coordinator")


@pytest.fixture
def inspector(headers_for):
    return headers_for("inspector")


@pytest.fixture
def submit(client, inspector, make_submission, passing_answers):
    """An inspector submits a visit: the answers that meet every norm, with some changed."""

    def _submit(location: str, observed_at: str = "2026-11-20T10:15:00+01:00", **changes):
        body = make_submission(
            location=location, observed_at=observed_at, answers={**passing_answers, **changes}
        )
        response = client.post(INSPECTIONS, json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _submit


def codes(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["code"] for item in response.get_json()["items"]]


# --- the list ---------------------------------------------------------------------


def test_a_coordinator_filters_the_list_by_type_province_and_municipality(
    client, norm_set, create_location, coordinator
):
    create_location(code="TER-APEL", type="azc", municipality="Westerwolde", province="Groningen")
    create_location(
        code="GRON-HAL", type="crisisnoodopvang", municipality="Groningen", province="Groningen"
    )
    create_location(
        code="ZWOLLE-BOOT", type="noodopvang", municipality="Zwolle", province="Overijssel"
    )
    create_location(
        code="ZWOLLE-HAL", type="crisisnoodopvang", municipality="Zwolle", province="Overijssel"
    )

    def listed(**query):
        return codes(client.get(LOCATIONS, query_string=query, headers=coordinator))

    assert listed() == ["GRON-HAL", "TER-APEL", "ZWOLLE-BOOT", "ZWOLLE-HAL"]
    assert listed(type="crisisnoodopvang") == ["GRON-HAL", "ZWOLLE-HAL"]
    assert listed(province="Groningen") == ["GRON-HAL", "TER-APEL"]
    assert listed(municipality="Zwolle") == ["ZWOLLE-BOOT", "ZWOLLE-HAL"]
    assert listed(province="Overijssel", type="noodopvang") == ["ZWOLLE-BOOT"]
    assert listed(municipality="Amsterdam") == []


def test_an_unknown_type_or_status_in_the_filter_is_422_naming_it(client, norm_set, coordinator):
    by_type = client.get(LOCATIONS, query_string={"type": "boot"}, headers=coordinator)
    by_status = client.get(LOCATIONS, query_string={"status": "slecht"}, headers=coordinator)

    assert by_type.status_code == 422
    assert "type" in by_type.get_json()["error"]["fields"]
    assert by_status.status_code == 422
    assert any(f.startswith("status") for f in by_status.get_json()["error"]["fields"])


def test_the_status_filter_is_repeatable_and_knows_not_inspected(
    client, norm_set, create_location, coordinator, submit, make_submission, inspector
):
    for code in ("A-GOED", "B-ONDER", "C-KRITIEK", "D-NOOIT", "E-HALF"):
        create_location(code=code)
    submit("A-GOED")
    submit("B-ONDER", sleeping_rooms_have_window=False)  # LIV-04, major
    submit("C-KRITIEK", drinking_water_24h=False)  # HYG-05, critical
    half = make_submission(
        location="E-HALF", answers={"residents_present": 100, "drinking_water_24h": True}
    )
    assert client.post(INSPECTIONS, json=half, headers=inspector).status_code == 201

    def with_status(*statuses):
        return codes(client.get(LOCATIONS, query_string={"status": statuses}, headers=coordinator))

    everything = client.get(LOCATIONS, headers=coordinator).get_json()["items"]
    assert {loc["code"]: loc["status"] for loc in everything} == {
        "A-GOED": "meets_norms",
        "B-ONDER": "below_norm",
        "C-KRITIEK": "critical",
        "D-NOOIT": "not_inspected",
        "E-HALF": "incomplete",
    }
    assert with_status("critical") == ["C-KRITIEK"]
    assert with_status("not_inspected") == ["D-NOOIT"]
    assert with_status("below_norm", "critical") == ["B-ONDER", "C-KRITIEK"]
    assert with_status("critical", "not_inspected") == ["C-KRITIEK", "D-NOOIT"]
    assert with_status("meets_norms", "incomplete", "not_inspected") == [
        "A-GOED",
        "D-NOOIT",
        "E-HALF",
    ]
    never = client.get(LOCATIONS, query_string={"status": "not_inspected"}, headers=coordinator)
    assert never.get_json()["items"][0]["latest"] is None


def test_the_list_is_paginated_with_its_total(client, norm_set, create_location, coordinator):
    for code in ("LOC-A", "LOC-B", "LOC-C", "LOC-D", "LOC-E"):
        create_location(code=code)

    def page(number: int, per_page: int = 2):
        response = client.get(
            LOCATIONS, query_string={"page": number, "per_page": per_page}, headers=coordinator
        )
        assert response.status_code == 200
        body = response.get_json()
        return body["total"], body["page"], body["per_page"], [i["code"] for i in body["items"]]

    assert page(1) == (5, 1, 2, ["LOC-A", "LOC-B"])
    assert page(2) == (5, 2, 2, ["LOC-C", "LOC-D"])
    assert page(3) == (5, 3, 2, ["LOC-E"])
    assert page(4) == (5, 4, 2, [])
    assert page(1, per_page=50)[3] == ["LOC-A", "LOC-B", "LOC-C", "LOC-D", "LOC-E"]
    too_big = client.get(LOCATIONS, query_string={"per_page": 10_000}, headers=coordinator)
    assert too_big.status_code == 422
    assert "per_page" in too_big.get_json()["error"]["fields"]


def test_the_current_status_is_the_latest_visit_even_when_an_older_one_syncs_later(
    client, norm_set, create_location, coordinator, submit
):
    create_location(code="TER-APEL")
    newer = submit("TER-APEL", "2026-11-20T10:00:00+01:00", drinking_water_24h=False)
    # A phone that was offline for weeks sends an older, better visit afterwards.
    older = submit("TER-APEL", "2026-10-01T10:00:00+02:00")

    listed = client.get(LOCATIONS, headers=coordinator).get_json()["items"][0]
    detail = client.get(f"{LOCATIONS}/TER-APEL", headers=coordinator).get_json()
    meets = client.get(LOCATIONS, query_string={"status": "meets_norms"}, headers=coordinator)

    assert older["score"]["status"] == "meets_norms"
    assert listed["status"] == detail["status"] == "critical"
    assert listed["latest"]["id"] == detail["latest"]["id"] == newer["id"]
    assert codes(meets) == []


def test_with_failed_norms_each_listed_location_has_them_as_its_own_page_does(
    client, norm_set, create_location, headers_for, submit
):
    """The overview draws every card from one request instead of one per location."""
    create_location(code="TER-APEL")
    create_location(code="ZWOLLE")
    create_location(code="NIEUW")
    submit("TER-APEL", fire_detection_working=False, sleeping_rooms_have_window=False)
    submit("ZWOLLE")

    for role, scope in (("coordinator", ()), ("manager", ("TER-APEL", "NIEUW"))):
        headers = headers_for(role, scope)
        plain = client.get(LOCATIONS, headers=headers).get_json()["items"]
        response = client.get(LOCATIONS, query_string={"with": "failed_norms"}, headers=headers)

        assert response.status_code == 200
        items = response.get_json()["items"]
        assert [item["code"] for item in items] == [item["code"] for item in plain]
        for item, without in zip(items, plain, strict=True):
            detail = client.get(f"{LOCATIONS}/{item['code']}", headers=headers).get_json()
            assert item["failed_norms"] == detail["failed_norms"], item["code"]
            assert "failed_norms" not in without
            assert {k: v for k, v in item.items() if k != "failed_norms"} == without
        by_code = {item["code"]: item for item in items}
        assert [f["norm"] for f in by_code["TER-APEL"]["failed_norms"]] == ["SAF-05", "LIV-04"]
        assert by_code["NIEUW"]["failed_norms"] == []
        if role == "manager":
            assert sorted(by_code) == ["NIEUW", "TER-APEL"]
        else:
            assert by_code["ZWOLLE"]["failed_norms"] == []


def test_an_unknown_with_is_422_naming_it(client, norm_set, coordinator):
    for value in ("failed", "latest", ""):
        response = client.get(LOCATIONS, query_string={"with": value}, headers=coordinator)

        assert response.status_code == 422, value
        assert any(f.startswith("with") for f in response.get_json()["error"]["fields"]), value


# --- one location ------------------------------------------------------------------


def test_the_detail_shows_the_latest_score_and_the_failed_norms_critical_first(
    client, norm_set, create_location, coordinator, submit, headers_for
):
    create_location(code="TER-APEL", name="AZC Ter Apel", type="azc")
    submit("TER-APEL", "2026-09-01T10:00:00+02:00")
    latest = submit(
        "TER-APEL",
        "2026-11-20T10:15:00+01:00",
        bed_and_storage_per_person=False,  # LIV-05 minor
        sleeping_rooms_have_window=False,  # LIV-04 major
        fire_detection_working=False,  # SAF-05 critical
        toilets_working=3,  # HYG-01: 200/3 > 50, escalated from major to critical
    )
    manager = headers_for("manager", ("TER-APEL",))

    response = client.get(f"{LOCATIONS}/TER-APEL", headers=manager)

    assert response.status_code == 200
    detail = response.get_json()
    assert (detail["code"], detail["name"], detail["type"]) == ("TER-APEL", "AZC Ter Apel", "azc")
    assert detail["status"] == "critical"
    assert detail["latest"] == {
        "id": latest["id"],
        "observed_at": "2026-11-20T10:15:00+01:00",
        "status": "critical",
        "overall": latest["score"]["overall"],
        "coverage": latest["score"]["coverage"],
        "norm_set": {"catalogue": "nl-children", "version": "2023.1"},
    }
    failed = detail["failed_norms"]
    assert [(f["norm"], f["severity"]) for f in failed] == [
        ("HYG-01", "critical"),
        ("SAF-05", "critical"),
        ("LIV-04", "major"),
        ("LIV-05", "minor"),
    ]
    titles = norm_titles()
    for norm in failed:
        assert norm["title"] == titles[norm["norm"]]
        assert norm["title"]["nl"] != norm["title"]["en"]
    assert failed[0]["critical"] is True
    assert failed[0]["value"] == pytest.approx(200 / 3)
    assert failed[0]["threshold"] == {"max": 10, "critical_max": 50}
    assert client.get(f"{LOCATIONS}/TER-APEL", headers=coordinator).get_json() == detail


def test_a_location_never_inspected_has_no_latest_and_no_failed_norms(
    client, norm_set, create_location, coordinator
):
    create_location(code="NIEUW")

    detail = client.get(f"{LOCATIONS}/NIEUW", headers=coordinator).get_json()
    scores = client.get(f"{LOCATIONS}/NIEUW/scores", headers=coordinator)

    assert detail["status"] == "not_inspected"
    assert detail["latest"] is None
    assert detail["failed_norms"] == []
    assert (scores.status_code, scores.get_json()) == (200, [])


def test_an_unknown_code_is_404(client, norm_set, coordinator):
    for path in (f"{LOCATIONS}/NERGENS", f"{LOCATIONS}/NERGENS/scores"):
        response = client.get(path, headers=coordinator)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_the_score_series_runs_oldest_visit_first(
    client, norm_set, create_location, coordinator, submit
):
    create_location(code="TER-APEL")
    middle = submit("TER-APEL", "2026-06-15T09:00:00+02:00", sleeping_rooms_have_window=False)
    last = submit("TER-APEL", "2026-11-20T10:15:00+01:00")
    first = submit("TER-APEL", "2026-02-01T09:00:00+01:00", drinking_water_24h=False)

    response = client.get(f"{LOCATIONS}/TER-APEL/scores", headers=coordinator)

    assert response.status_code == 200
    series = response.get_json()
    assert [p["inspection"] for p in series] == [first["id"], middle["id"], last["id"]]
    assert [p["observed_at"] for p in series] == [
        "2026-02-01T09:00:00+01:00",
        "2026-06-15T09:00:00+02:00",
        "2026-11-20T10:15:00+01:00",
    ]
    assert [p["status"] for p in series] == ["critical", "below_norm", "meets_norms"]
    assert series[2]["overall"] == 100.0
    assert series[1]["domains"]["LIV"] < 100.0
    assert series[1]["domains"]["SAF"] == 100.0
    assert series[0]["domains"]["HYG"] == first["score"]["domains"]["HYG"]["score"]
    assert all(p["coverage"] == 100.0 for p in series)


@pytest.mark.parametrize(("role", "named"), [("viewer", False), ("coordinator", True)])
def test_a_viewer_reads_the_scores_but_no_visit_ids(
    client, norm_set, create_location, headers_for, submit, role, named
):
    """Viewers see no single visits (``docs/api.md``, roles): an id would name one."""
    create_location(code="TER-APEL")
    first = submit("TER-APEL", "2026-02-01T09:00:00+01:00", drinking_water_24h=False)
    last = submit("TER-APEL", "2026-11-20T10:15:00+01:00", sleeping_rooms_have_window=False)
    headers = headers_for(role)

    series = client.get(f"{LOCATIONS}/TER-APEL/scores", headers=headers).get_json()
    chart = client.get(f"{LOCATIONS}/TER-APEL/scores.svg", headers=headers).get_data(as_text=True)
    detail = client.get(f"{LOCATIONS}/TER-APEL", headers=headers).get_json()
    listed = client.get(LOCATIONS, query_string={"with": "failed_norms"}, headers=headers)

    ids = [first["id"], last["id"]]
    assert [p["inspection"] for p in series] == (ids if named else [None, None])
    assert [p["status"] for p in series] == ["critical", "below_norm"]  # the scores stay
    assert all((visit in chart) == named for visit in ids)
    assert ("data-inspection" in chart) == named
    (item,) = listed.get_json()["items"]
    for location in (detail, item):
        assert location["latest"]["id"] == (last["id"] if named else None)
        assert location["latest"]["overall"] == last["score"]["overall"]
        assert location["failed_norms"]
        assert {n["inspection"] for n in location["failed_norms"]} == {
            last["id"] if named else None
        }


# --- adding and changing locations ----------------------------------------------


NEW_LOCATION = {
    "code": "GRON-HAL",
    "name": "Crisisnoodopvang Sporthal Groningen",
    "type": "crisisnoodopvang",
    "operator": "Gemeente Groningen",
    "municipality": "Groningen",
    "province": "Groningen",
    "latitude": 53.2194,
    "longitude": 6.5665,
    "capacity": 150,
}


def test_a_coordinator_adds_a_location(client, norm_set, coordinator, inspector):
    response = client.post(LOCATIONS, json=NEW_LOCATION, headers=coordinator)

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {k: created[k] for k in NEW_LOCATION} == NEW_LOCATION
    assert created["confidential"] is False
    assert created["active"] is True
    assert created["status"] == "not_inspected"
    assert created["position_generalised"] is False
    seen = client.get(f"{LOCATIONS}/GRON-HAL", headers=inspector)
    assert seen.status_code == 200
    assert seen.get_json()["name"] == NEW_LOCATION["name"]


def test_a_taken_code_is_409(client, norm_set, create_location, coordinator):
    create_location(code="GRON-HAL", name="De eerste")

    response = client.post(LOCATIONS, json=NEW_LOCATION, headers=coordinator)

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert "code" in error["fields"]
    assert client.get(f"{LOCATIONS}/GRON-HAL", headers=coordinator).get_json()["name"] == (
        "De eerste"
    )


def test_swapped_latitude_and_longitude_are_refused_naming_the_field(client, norm_set, coordinator):
    swapped = {**NEW_LOCATION, "latitude": 6.5665, "longitude": 53.2194}

    response = client.post(LOCATIONS, json=swapped, headers=coordinator)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "latitude" in error["fields"]
    assert "swapped" in " ".join(error["fields"]["latitude"])
    assert client.get(f"{LOCATIONS}/GRON-HAL", headers=coordinator).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "vakantiepark"}, "type"),
        ({"code": "kleine letters"}, "code"),
        ({"latitude": 95.0}, "latitude"),
        ({"capacity": -1}, "capacity"),
        ({"name": ""}, "name"),
    ],
)
def test_an_invalid_new_location_is_422_naming_the_field(
    client, norm_set, coordinator, change, field
):
    response = client.post(LOCATIONS, json={**NEW_LOCATION, **change}, headers=coordinator)

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert client.get(LOCATIONS, headers=coordinator).get_json()["total"] == 0


def test_a_coordinator_changes_a_location(client, norm_set, create_location, coordinator):
    create_location(code="TER-APEL", name="AZC Ter Apel", capacity=2000)

    response = client.patch(
        f"{LOCATIONS}/TER-APEL",
        json={
            "name": "Aanmeldcentrum Ter Apel",
            "capacity": 2300,
            "active": False,
            "latitude": 52.8766,
            "longitude": 7.0655,
        },
        headers=coordinator,
    )

    assert response.status_code == 200, response.get_json()
    detail = client.get(f"{LOCATIONS}/TER-APEL", headers=coordinator).get_json()
    assert response.get_json() == detail
    assert detail["name"] == "Aanmeldcentrum Ter Apel"
    assert detail["capacity"] == 2300
    assert detail["active"] is False
    assert (detail["latitude"], detail["longitude"]) == (52.8766, 7.0655)
    assert detail["type"] == "azc"  # untouched


def test_a_change_cannot_move_a_location_out_of_the_netherlands(
    client, norm_set, create_location, coordinator
):
    create_location(code="TER-APEL", latitude=52.8766, longitude=7.0655)

    paris = client.patch(
        f"{LOCATIONS}/TER-APEL",
        json={"latitude": 48.8566, "longitude": 2.3522},
        headers=coordinator,
    )
    swapped = client.patch(
        f"{LOCATIONS}/TER-APEL",
        json={"latitude": 7.0655, "longitude": 52.8766},
        headers=coordinator,
    )

    assert paris.status_code == swapped.status_code == 422
    assert "latitude" in paris.get_json()["error"]["fields"]
    assert "swapped" in " ".join(swapped.get_json()["error"]["fields"]["latitude"])
    detail = client.get(f"{LOCATIONS}/TER-APEL", headers=coordinator).get_json()
    assert (detail["latitude"], detail["longitude"]) == (52.8766, 7.0655)


def test_a_longitude_out_of_the_netherlands_names_the_longitude(
    client, norm_set, create_location, coordinator
):
    create_location(code="TER-APEL", latitude=52.8766, longitude=7.0655)

    response = client.patch(
        f"{LOCATIONS}/TER-APEL", json={"longitude": 2.3522}, headers=coordinator
    )

    assert response.status_code == 422
    assert "longitude" in response.get_json()["error"]["fields"]


def test_a_blank_name_is_refused_not_silently_ignored(
    client, norm_set, create_location, coordinator
):
    create_location(code="TER-APEL", name="AZC Ter Apel")

    response = client.patch(f"{LOCATIONS}/TER-APEL", json={"name": "  "}, headers=coordinator)

    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_the_code_of_a_location_never_changes(client, norm_set, create_location, coordinator):
    create_location(code="TER-APEL")

    response = client.patch(f"{LOCATIONS}/TER-APEL", json={"code": "ANDERS"}, headers=coordinator)

    assert response.status_code == 422
    assert "code" in response.get_json()["error"]["fields"]
    assert client.get(f"{LOCATIONS}/TER-APEL", headers=coordinator).status_code == 200
    assert client.get(f"{LOCATIONS}/ANDERS", headers=coordinator).status_code == 404


def test_patching_an_unknown_location_is_404(client, norm_set, coordinator):
    response = client.patch(f"{LOCATIONS}/NERGENS", json={"capacity": 10}, headers=coordinator)

    assert response.status_code == 404


# --- protected shelters -----------------------------------------------------------

# The secret point, and how it would appear in a JSON body.
SECRET = (52.0917, 5.1214)
SECRET_TEXT = ("52.0917", "5.1214")
PUBLIC = ((52.08, 5.10), (52.10, 5.14))
MEAN = (52.09, 5.12)
LONELY = (53.2961, 5.0714)
LONELY_TEXT = ("53.2961", "5.0714")


@pytest.fixture
def shelters(client, norm_set, create_location, headers_for, submit):
    """A protected shelter in Utrecht among two public locations, and one alone on Vlieland."""
    for n, (lat, lon) in enumerate(PUBLIC, start=1):
        create_location(
            code=f"UTR-{n}", municipality="Utrecht", province="Utrecht", latitude=lat, longitude=lon
        )
    secret = create_location(
        code="UTR-GEHEIM",
        name="Beschermde opvang Utrecht",
        municipality="Utrecht",
        province="Utrecht",
        latitude=SECRET[0],
        longitude=SECRET[1],
        confidential=True,
    )
    lonely = create_location(
        code="VLIE-GEHEIM",
        name="Beschermde opvang Vlieland",
        municipality="Vlieland",
        province="Friesland",
        latitude=LONELY[0],
        longitude=LONELY[1],
        confidential=True,
    )
    inspection = submit("UTR-GEHEIM")
    submit("VLIE-GEHEIM")
    submit("UTR-1")
    return {
        "secret_id": secret.id,
        "lonely_id": lonely.id,
        "inspection": inspection["id"],
        "coordinator": headers_for("coordinator"),
        "own_manager": headers_for("manager", ("UTR-GEHEIM", "VLIE-GEHEIM")),
        "other_manager": headers_for("manager", ("UTR-1",)),
        "inspector": headers_for("inspector"),
        "viewer": headers_for("viewer"),
    }


def listed_by_name(client, headers, name):
    items = client.get(LOCATIONS, headers=headers).get_json()["items"]
    return next(item for item in items if item["name"] == name)


@pytest.mark.parametrize("who", ["coordinator", "own_manager"])
def test_the_coordinator_and_the_shelters_own_manager_see_the_real_point(client, shelters, who):
    headers = shelters[who]

    detail = client.get(f"{LOCATIONS}/UTR-GEHEIM", headers=headers).get_json()
    listed = listed_by_name(client, headers, "Beschermde opvang Utrecht")

    for view in (detail, listed):
        assert view["code"] == "UTR-GEHEIM"
        assert (view["latitude"], view["longitude"]) == SECRET
        assert view["position_generalised"] is False
        assert view["confidential"] is True


def test_an_inspector_sees_the_shelter_at_the_mean_of_the_public_locations(client, shelters):
    headers = shelters["inspector"]

    detail = client.get(f"{LOCATIONS}/UTR-GEHEIM", headers=headers).get_json()
    listed = listed_by_name(client, headers, "Beschermde opvang Utrecht")

    for view in (detail, listed):
        assert view["code"] == "UTR-GEHEIM"
        assert view["latitude"] == pytest.approx(MEAN[0])
        assert view["longitude"] == pytest.approx(MEAN[1])
        assert view["position_generalised"] is True
    public = client.get(f"{LOCATIONS}/UTR-1", headers=headers).get_json()
    assert (public["latitude"], public["longitude"]) == PUBLIC[0]
    assert public["position_generalised"] is False


def test_a_viewer_sees_the_shelter_masked_at_the_mean_and_cannot_fetch_it(client, shelters):
    headers = shelters["viewer"]
    masked = f"VERTROUWELIJK-{shelters['secret_id']}"

    items = client.get(LOCATIONS, query_string={"municipality": "Utrecht"}, headers=headers)
    by_code = {item["code"]: item for item in items.get_json()["items"]}

    assert sorted(by_code) == sorted(["UTR-1", "UTR-2", masked])
    view = by_code[masked]
    assert view["name"] == "Vertrouwelijke locatie"
    assert view["operator"] is None
    assert view["latitude"] == pytest.approx(MEAN[0])
    assert view["longitude"] == pytest.approx(MEAN[1])
    assert view["position_generalised"] is True
    assert view["status"] == "meets_norms"
    for path in (
        f"{LOCATIONS}/UTR-GEHEIM",
        f"{LOCATIONS}/UTR-GEHEIM/scores",
        f"{LOCATIONS}/{masked}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
    assert "UTR-GEHEIM" not in items.get_data(as_text=True)
    assert "Beschermde opvang" not in items.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "masked"),
    [
        ("coordinator", False),
        ("own_manager", False),
        ("other_manager", None),  # not in their scope at all
        ("inspector", False),
        ("viewer", True),
    ],
)
def test_the_api_says_when_it_shows_a_location_masked(client, shelters, who, masked):
    """The pages show a masked location as such by this flag, not by recognising its code."""
    headers = shelters[who]

    for query in ({}, {"with": "failed_norms"}, {"municipality": "Utrecht"}):
        items = client.get(LOCATIONS, query_string=query, headers=headers).get_json()["items"]
        assert all(isinstance(item["masked"], bool) for item in items)
        assert all(item["masked"] is False for item in items if not item["confidential"])
        secret = [item for item in items if item["confidential"]]
        if masked is None:
            assert secret == []
        else:
            assert secret and {item["masked"] for item in secret} == {masked}
            shown_as = {item["name"] for item in secret}
            assert (shown_as == {"Vertrouwelijke locatie"}) is masked
    if masked is False:
        detail = client.get(f"{LOCATIONS}/UTR-GEHEIM", headers=headers).get_json()
        assert (detail["code"], detail["masked"]) == ("UTR-GEHEIM", False)
    public = client.get(f"{LOCATIONS}/UTR-1", headers=shelters["coordinator"]).get_json()
    assert public["masked"] is False


@pytest.mark.parametrize("who", ["inspector", "viewer"])
def test_a_shelter_alone_in_its_municipality_has_no_position(client, shelters, who):
    headers = shelters[who]

    items = client.get(LOCATIONS, query_string={"municipality": "Vlieland"}, headers=headers)

    [view] = items.get_json()["items"]
    assert view["latitude"] is None
    assert view["longitude"] is None
    assert view["position_generalised"] is True
    if who == "inspector":
        detail = client.get(f"{LOCATIONS}/VLIE-GEHEIM", headers=headers).get_json()
        assert (detail["latitude"], detail["longitude"], detail["position_generalised"]) == (
            None,
            None,
            True,
        )


@pytest.mark.parametrize("who", ["inspector", "viewer", "other_manager"])
def test_no_response_to_a_non_coordinator_holds_the_real_point(client, shelters, who):
    headers = shelters[who]
    masked = f"VERTROUWELIJK-{shelters['secret_id']}"
    paths = [
        LOCATIONS,
        f"{LOCATIONS}?municipality=Utrecht",
        f"{LOCATIONS}?municipality=Vlieland",
        f"{LOCATIONS}?status=meets_norms&per_page=1&page=2",
        f"{LOCATIONS}/UTR-GEHEIM",
        f"{LOCATIONS}/UTR-GEHEIM/scores",
        f"{LOCATIONS}/UTR-GEHEIM/scores.svg",
        f"{LOCATIONS}/VLIE-GEHEIM",
        f"{LOCATIONS}/{masked}",
        f"{LOCATIONS}/UTR-1",
        INSPECTIONS,
        f"{INSPECTIONS}?location=UTR-GEHEIM",
        f"{INSPECTIONS}/{shelters['inspection']}",
    ]

    for path in paths:
        text = client.get(path, headers=headers).get_data(as_text=True)
        for secret in (*SECRET_TEXT, *LONELY_TEXT):
            assert secret not in text, (path, secret)


def test_the_phones_position_does_not_give_away_a_protected_shelter(
    client, shelters, make_submission, headers_for
):
    visitor = headers_for("inspector")
    body = make_submission(
        location="UTR-GEHEIM",
        observed_at="2026-11-21T10:00:00+01:00",
        position={"latitude": SECRET[0], "longitude": SECRET[1], "accuracy_m": 5},
    )
    assert client.post(INSPECTIONS, json=body, headers=visitor).status_code == 201
    coordinator_view = client.get(f"{INSPECTIONS}/{body['id']}", headers=shelters["coordinator"])
    assert coordinator_view.get_json()["position"]["latitude"] == SECRET[0]

    for path in (INSPECTIONS, f"{INSPECTIONS}/{body['id']}"):
        text = client.get(path, headers=shelters["inspector"]).get_data(as_text=True)
        assert SECRET_TEXT[0] not in text, path


def test_a_location_made_confidential_is_shown_at_the_mean_of_the_public_ones_left(
    client, shelters
):
    response = client.patch(
        f"{LOCATIONS}/UTR-2", json={"confidential": True}, headers=shelters["coordinator"]
    )
    assert response.status_code == 200
    assert response.get_json()["confidential"] is True

    detail = client.get(f"{LOCATIONS}/UTR-2", headers=shelters["inspector"]).get_json()

    # UTR-1 is now the only public location in Utrecht: its point is the mean.
    assert (detail["latitude"], detail["longitude"]) == PUBLIC[0]
    assert detail["position_generalised"] is True
