"""The national report: its numbers equal the exports' for the same as_of, for each reader."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections import Counter, defaultdict

import pytest
from html_tables import Tables, as_int

API = "/api/v1"
DAY = "2026-11-30"


def answers_with(passing, **changes):
    return {**passing, **changes}


@pytest.fixture
def country(client, norm_set, create_places, create_user, login, passing_answers):
    """Locations of every type in three provinces, visited over two years, one confidential."""
    places = [
        ("GR-AZC", "azc", "Westerwolde", "Groningen", 53.0, 7.05, False),
        ("GR-NOOD", "noodopvang", "Groningen", "Groningen", 53.22, 6.57, False),
        ("UT-AZC", "azc", "Utrecht", "Utrecht", 52.09, 5.12, False),
        ("UT-CRISIS", "crisisnoodopvang", "Utrecht", "Utrecht", 52.08, 5.10, False),
        ("LI-AZC", "azc", "Maastricht", "Limburg", 50.85, 5.69, False),
        ("LI-GEHEIM", "azc", "Venlo", "Limburg", 51.37, 6.17, True),
        ("LI-LEEG", "noodopvang", "Venlo", "Limburg", 51.36, 6.16, False),
    ]
    create_places(places)
    inspector = create_user("inspector")
    headers = login(inspector.username)
    good = passing_answers
    below = answers_with(good, residents_present=460)  # HYG-01 and HYG-02 fail
    critical = answers_with(good, residents_present=460, toilets_working=5)  # 92 per toilet
    visits = [
        ("GR-AZC", "2025-02-10T10:00:00+01:00", critical, 70),
        ("GR-AZC", "2026-10-01T10:00:00+02:00", below, 80),
        ("GR-NOOD", "2025-08-01T10:00:00+02:00", good, 60),
        ("UT-AZC", "2026-03-03T10:00:00+01:00", critical, 65),
        ("UT-CRISIS", "2026-11-02T09:00:00+01:00", critical, 62),
        ("LI-AZC", "2025-05-05T10:00:00+02:00", below, 75),
        ("LI-AZC", "2026-06-15T10:00:00+02:00", good, 90),
        ("LI-GEHEIM", "2026-09-09T10:00:00+02:00", critical, 66),
    ]
    for code, when, answers, children in visits:
        body = {
            "id": str(uuid.uuid4()),
            "location": code,
            "observed_at": when,
            "answers": {**answers, "children_present": children},
            "notes": {},
        }
        response = client.post(f"{API}/inspections", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
    return {
        role: login(create_user(role).username) for role in ("coordinator", "viewer", "inspector")
    }


def export(client, headers, as_of):
    response = client.get(f"{API}/exports/locations.geojson?as_of={as_of}", headers=headers)
    assert response.status_code == 200
    return [f["properties"] for f in json.loads(response.data)["features"]]


def regions(client, headers, as_of):
    response = client.get(
        f"{API}/exports/regions.geojson?level=province&as_of={as_of}", headers=headers
    )
    assert response.status_code == 200
    return {f["properties"]["name"]: f["properties"] for f in json.loads(response.data)["features"]}


def national_html(client, headers, as_of, lang="en"):
    response = client.get(f"{API}/reports/national.html?as_of={as_of}&lang={lang}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Tables(response.get_data(as_text=True)).tables


BELOW = ("below_norm", "critical")
STATUS_COLUMNS = {
    "Critical": "critical",
    "Below the norms": "below_norm",
    "Incomplete": "incomplete",
    "Meets the norms": "meets_norms",
    "Not inspected": "not_inspected",
}


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
@pytest.mark.parametrize("as_of", [DAY, "2026-01-15", "2025-06-30"])
def test_the_numbers_equal_the_exports(client, country, role, as_of):
    headers = country[role]
    features = export(client, headers, as_of)
    by_region = regions(client, headers, as_of)

    tables = national_html(client, headers, as_of)
    names = client.get(f"{API}/location-types", headers=headers).get_json()
    code_of = {t["name_en"]: t["code"] for t in names}

    # Locations by status (columns) and type (rows).
    header, *rows = tables["by-status"]
    statuses = [STATUS_COLUMNS[label] for label in header[1:-1]]
    shown = {
        (status, code_of[row[0]]): as_int(v)
        for row in rows
        for status, v in zip(statuses, row[1:-1], strict=True)
    }
    assert all(as_int(row[-1]) == sum(map(as_int, row[1:-1])) for row in rows)
    counted = Counter((f["status"], f["type"]) for f in features)
    assert {key: n for key, n in shown.items() if n} == dict(counted)
    # Children below the norms and in critical locations, per type.
    for row in tables["per-type"][1:]:
        kind = code_of[row[0]]
        of_kind = [f for f in features if f["type"] == kind]
        assert as_int(row[1]) == len(of_kind)
        assert as_int(row[2]) == sum(f["status"] in BELOW for f in of_kind)
        assert as_int(row[3]) == sum(
            f["children_present"] or 0 for f in of_kind if f["status"] in BELOW
        )
        assert as_int(row[4]) == sum(
            f["children_present"] or 0 for f in of_kind if f["status"] == "critical"
        )
    # Per province: as the regions export counts them.
    provinces = {row[0]: row[1:] for row in tables["per-province"][1:]}
    assert set(provinces) == set(by_region)
    for name, counts in by_region.items():
        locations, below_norm, critical, children_below, _ = map(as_int, provinces[name])
        assert (locations, below_norm, critical, children_below) == (
            counts["locations"],
            counts["below_norm"],
            counts["critical"],
            counts["children_below_norm"],
        )
    # The norms failed at the most locations, with the children there.
    failed = defaultdict(lambda: [0, 0])
    for f in features:
        for code in f["failed_norms"] or []:
            failed[code][0] += 1
            failed[code][1] += f["children_present"] or 0
    for row in tables["top-norms"][1:]:
        assert [as_int(row[2]), as_int(row[3])] == failed[row[0]]
    assert len(tables["top-norms"]) - 1 == min(10, len(failed))
    # The critical locations, as the export names them.
    critical_names = sorted(r[0] for r in tables.get("critical", [])[1:])
    assert critical_names == sorted(
        f"{f['name']} ({f['code']})" for f in features if f["status"] == "critical"
    )


def test_the_trend_equals_the_exports_at_each_quarters_end(client, country):
    headers = country["coordinator"]

    trend = national_html(client, headers, DAY)["trend"]

    quarters = trend[0][1:]
    assert quarters == [
        "2025 Q1",
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
        "2026 Q1",
        "2026 Q2",
        "2026 Q3",
        "2026 Q4",
    ]
    ends = ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    ends += ["2026-03-31", "2026-06-30", "2026-09-30", DAY]
    for end, locations, children in zip(ends, trend[1][1:], trend[2][1:], strict=True):
        features = export(client, headers, end)
        below = [f for f in features if f["status"] in BELOW]
        assert as_int(locations) == len(below)
        assert as_int(children) == sum(f["children_present"] or 0 for f in below)


def test_a_viewer_gets_confidential_locations_masked(client, country):
    coordinator = client.get(
        f"{API}/reports/national.html?as_of={DAY}", headers=country["coordinator"]
    )
    viewer = client.get(f"{API}/reports/national.html?as_of={DAY}", headers=country["viewer"])

    assert "LI-GEHEIM" in coordinator.get_data(as_text=True)
    assert "LI-GEHEIM" not in viewer.get_data(as_text=True)
    assert "Vertrouwelijke locatie" in viewer.get_data(as_text=True)


@pytest.mark.parametrize("role", ["inspector"])
def test_only_coordinators_and_viewers_read_it(client, country, role):
    for kind in ("pdf", "html"):
        response = client.get(f"{API}/reports/national.{kind}", headers=country[role])
        assert response.status_code == 403


def test_the_pdf_holds_the_numbers_and_a_map(client, country):
    response = client.get(f"{API}/reports/national.pdf?as_of={DAY}", headers=country["viewer"])

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Landelijk beeld" in text
    assert "Peildatum: 2026-11-30" in text
    assert "Groningen" in text and "Limburg" in text
    assert "HYG-01" in text
    assert "LI-GEHEIM" not in text
    assert "Pagina 1 van" in text
    assert "Bron: CBS, Kadaster/PDOK" in text  # the map's credit: the provinces were drawn


def test_the_command_line_writes_the_same_report(app, cli, country, tmp_path):
    out = tmp_path / "landelijk.html"

    result = cli.invoke(
        args=["report", "national", "--as-of", DAY, "--out", str(out), "--lang", "en"]
    )

    assert result.exit_code == 0, result.output
    tables = Tables(out.read_text()).tables
    with app.test_client() as client:
        assert tables == national_html(client, country["viewer"], DAY)
    pdf = tmp_path / "landelijk.pdf"
    assert cli.invoke(args=["report", "national", "--as-of", DAY, "--out", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    wrong = cli.invoke(args=["report", "national", "--out", str(tmp_path / "x.docx")])
    assert wrong.exit_code != 0 and "--out" in wrong.output
    too_early = cli.invoke(args=["report", "national", "--as-of", "0001-01-01", "--out", str(pdf)])
    assert too_early.exit_code != 0 and "--as-of" in too_early.output


def test_a_date_out_of_range_is_refused_naming_the_field(client, country):
    response = client.get(f"{API}/reports/national.pdf?as_of=0001-01-01", headers=country["viewer"])

    assert response.status_code == 422
    assert "as_of" in response.get_json()["error"]["fields"]


def test_the_critical_locations_with_the_most_children_are_listed(client, country, monkeypatch):
    from inspection.reports import national

    monkeypatch.setattr(national, "CRITICAL_LISTED", 2)
    features = export(client, country["coordinator"], DAY)
    critical = sorted(
        (f for f in features if f["status"] == "critical"),
        key=lambda f: -(f["children_present"] or 0),
    )

    response = client.get(
        f"{API}/reports/national.html?as_of={DAY}&lang=en", headers=country["coordinator"]
    )

    listed = [row[0] for row in Tables(response.get_data(as_text=True)).tables["critical"][1:]]
    assert len(critical) > 2
    assert sorted(listed) == sorted(f"{f['name']} ({f['code']})" for f in critical[:2])
    assert f"and {len(critical) - 2} more critical locations" in response.get_data(as_text=True)


def test_the_children_are_those_of_the_latest_visit_that_counted_them(
    client, country, passing_answers
):
    """docs/norms.md, "The children at a location": report and exports count the same."""
    headers = country["coordinator"]
    inspector = country["inspector"]
    types = client.get(f"{API}/location-types", headers=headers).get_json()

    def visit(when: str, children: int | None) -> None:
        answers = answers_with(passing_answers, residents_present=460)
        answers.pop("children_present", None)
        if children is not None:
            answers["children_present"] = children
        body = {"id": str(uuid.uuid4()), "location": "LI-AZC", "observed_at": when,
                "answers": answers, "notes": {}}  # fmt: skip
        response = client.post(f"{API}/inspections", json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()

    def children_below_in_azc() -> tuple[int | None, int, int]:
        features = {f["code"]: f for f in export(client, headers, DAY)}
        azc = next(t["name_en"] for t in types if t["code"] == "azc")
        row = next(r for r in national_html(client, headers, DAY)["per-type"] if r[0] == azc)
        exported = sum(
            f["children_present"] or 0
            for f in features.values()
            if f["type"] == "azc" and f["status"] in BELOW
        )
        return features["LI-AZC"]["children_present"], as_int(row[3]), exported

    # A later visit below the norms that left the children uncounted: the 90 of June stand.
    visit("2026-11-10T10:00:00+01:00", None)
    li, shown, exported = children_below_in_azc()
    assert li == 90 and shown == exported
    # A visit that counted them: its number.
    visit("2026-11-20T10:00:00+01:00", 40)
    li, shown, exported = children_below_in_azc()
    assert li == 40 and shown == exported
