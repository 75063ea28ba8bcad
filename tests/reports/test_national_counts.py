"""The national report's "Children counted": the count items of 2026.1, equal to the CSV export.

Each location's value of a count item on day D is that of its latest visit by the end
of D that answered it, while the version in force on D asks it at the location's type.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import uuid

import pytest
from html_tables import Tables, as_int

from inspection.db import db
from inspection.norm_sets import load_norm_set, read_document, shipped_norm_set_files

API = "/api/v1"
DAY = "2026-11-30"
# In the order of the catalogue, as the CSV's columns and the report's.
COUNTS = (
    "school_age_children_without_school_over_90_days",
    "children_moved_over_limit",
    "children_over_stay_limit",
)
NO_SCHOOL, MOVED, OVER_STAY = COUNTS


@pytest.fixture
def country(client, create_places, create_user, login, passing_answers):
    """Both shipped versions (2026.1 from 12 June 2026), five locations, one confidential.

    GR-AZC (azc, where the stay limit is not asked), UT-CRISIS (crisisnoodopvang),
    LI-GEHEIM (confidential crisisnoodopvang), LI-OUD (azc, visited on 2023.1 only)
    and LI-LEEG (noodopvang, never visited).
    """
    for path in shipped_norm_set_files():
        load_norm_set(read_document(path))
    db.session.commit()
    places = [
        ("GR-AZC", "azc", "Groningen", "Groningen", 53.22, 6.57, False),
        ("UT-CRISIS", "crisisnoodopvang", "Utrecht", "Utrecht", 52.08, 5.10, False),
        ("LI-GEHEIM", "crisisnoodopvang", "Venlo", "Limburg", 51.37, 6.17, True),
        ("LI-OUD", "azc", "Maastricht", "Limburg", 50.85, 5.69, False),
        ("LI-LEEG", "noodopvang", "Venlo", "Limburg", 51.36, 6.16, False),
    ]
    create_places(places)
    headers = login(create_user("inspector").username)
    # What 2026.1 asks instead of 2023.1's average floor area.
    current = {k: v for k, v in passing_answers.items() if k != "sleeping_area_m2"}
    current.update(smallest_bedroom_m2_per_person=5.0, max_relocations_beyond_route_12_months=0)

    def visit(code: str, when: str, children: int, **counts: int) -> None:
        answers = passing_answers if when < "2026-06-12" else current
        body = {
            "id": str(uuid.uuid4()),
            "location": code,
            "observed_at": when,
            "answers": {**answers, "children_present": children, **counts},
            "notes": {},
        }
        response = client.post(f"{API}/inspections", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()

    # An azc is not asked the stay limit (FAM-04): its answer does not count.
    visit("GR-AZC", "2026-07-01T10:00:00+02:00", 70, **{NO_SCHOOL: 3, MOVED: 2, OVER_STAY: 9})
    # A later answer replaces the earlier; leaving MOVED open keeps the 2 of July.
    visit("GR-AZC", "2026-10-01T10:00:00+02:00", 70, **{NO_SCHOOL: 5})
    visit("UT-CRISIS", "2026-08-01T10:00:00+02:00", 45, **{OVER_STAY: 4, NO_SCHOOL: 1, MOVED: 0})
    # The last half hour of 1 September (Dutch time) and the first of 2 September.
    visit("UT-CRISIS", "2026-09-01T23:30:00+02:00", 45, **{OVER_STAY: 6})
    visit("UT-CRISIS", "2026-09-02T00:30:00+02:00", 45, **{OVER_STAY: 8})
    visit("LI-GEHEIM", "2026-09-09T10:00:00+02:00", 41, **{OVER_STAY: 7, NO_SCHOOL: 2, MOVED: 1})
    visit("LI-OUD", "2025-05-05T10:00:00+02:00", 50)
    readers = {role: login(create_user(role).username) for role in ("coordinator", "viewer")}
    readers["manager"] = login(create_user("manager", ("GR-AZC",)).username)
    return readers


def csv_rows(client, headers, as_of, dialect=None):
    query = f"as_of={as_of}" + (f"&dialect={dialect}" if dialect else "")
    response = client.get(f"{API}/exports/locations.csv?{query}", headers=headers)
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if dialect else ","))


def national(client, headers, as_of, lang="en", kind="html"):
    response = client.get(
        f"{API}/reports/national.{kind}?as_of={as_of}&lang={lang}", headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def tables(client, headers, as_of, lang="en"):
    return Tables(national(client, headers, as_of, lang).get_data(as_text=True)).tables


def number(cell: str) -> int:
    return 0 if cell == "" else int(cell)


def counted_by_code(rows, key):
    """From the CSV rows: per value of ``key`` (and in total) the locations, children and counts."""
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    groups["*"] = rows
    return {
        name: {
            "locations": len(members),
            "children": sum(number(r["children_present"]) for r in members),
            **{c: [r[c] for r in members] for c in COUNTS},
        }
        for name, members in groups.items()
    }


def check_against_csv(table, expected, name_of):
    """Every row of a counted table against the CSV: "–" where no row of it has a value."""
    header, *rows = table
    assert header[1:4] == ["Locations", "Locations that answered", "Children present"]
    assert header[4:] == [
        "Over 90 days without school",
        "Moved more than twice",
        "Beyond the stay limit",
    ]
    assert [r[0] for r in rows][-1] == "Total"
    assert len(rows) == len(expected)  # and the total row: "*"
    for row in rows:
        group = expected["*" if row[0] == "Total" else name_of(row[0])]
        assert (as_int(row[1]), as_int(row[2]), as_int(row[3])) == (
            group["locations"],
            sum(any(group[c][i] != "" for c in COUNTS) for i in range(group["locations"])),
            group["children"],
        )
        for cell, code in zip(row[4:], COUNTS, strict=True):
            cells = group[code]
            if cell == "–":
                assert all(value == "" for value in cells)
            else:
                assert as_int(cell) == sum(number(value) for value in cells)


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
@pytest.mark.parametrize("as_of", [DAY, "2026-09-01"])
def test_the_counted_children_equal_the_sums_over_the_csv_rows(client, country, role, as_of):
    headers = country[role]
    rows = csv_rows(client, headers, as_of)
    shown = tables(client, headers, as_of)
    names = client.get(f"{API}/location-types", headers=headers).get_json()
    code_of = {t["name_en"]: t["code"] for t in names}

    assert list(rows[0])[-3:] == list(COUNTS)  # after latitude and longitude
    check_against_csv(shown["counted-per-type"], counted_by_code(rows, "type"), code_of.get)
    check_against_csv(shown["counted-per-province"], counted_by_code(rows, "province"), str)
    # Per item, the locations that answered are the CSV's filled cells.
    answered = {r[0]: as_int(r[3]) for r in shown["counted-items"][1:]}
    heading = dict(zip(COUNTS, shown["counted-per-type"][0][4:], strict=True))
    for code in COUNTS:
        assert answered[heading[code]] == sum(r[code] != "" for r in rows)


def test_the_latest_answer_by_the_end_of_the_day_counts(client, country):
    headers = country["coordinator"]

    def totals(as_of):
        rows = {r["code"]: r for r in csv_rows(client, headers, as_of)}
        total = tables(client, headers, as_of)["counted-per-type"][-1]
        return rows, total[2:]

    rows, total = totals(DAY)
    # GR-AZC: the 5 of October replaced the 3 of July; the October visit left MOVED open.
    assert [rows["GR-AZC"][c] for c in COUNTS] == ["5", "2", ""]
    # UT-CRISIS: the latest visit answered the stay limit only.
    assert [rows["UT-CRISIS"][c] for c in COUNTS] == ["1", "0", "8"]
    assert [rows["LI-GEHEIM"][c] for c in COUNTS] == ["2", "1", "7"]
    # Visited on 2023.1 only, or never: nothing counted.
    assert [rows["LI-OUD"][c] for c in COUNTS] == ["", "", ""]
    assert [rows["LI-LEEG"][c] for c in COUNTS] == ["", "", ""]
    assert total == ["3", "206", "8", "3", "15"]  # answered at, children present, the counts

    rows, total = totals("2026-09-01")
    # Before October and before the night of 2 September; LI-GEHEIM not yet visited.
    assert [rows["GR-AZC"][c] for c in COUNTS] == ["3", "2", ""]
    assert [rows["UT-CRISIS"][c] for c in COUNTS] == ["1", "0", "6"]
    assert [rows["LI-GEHEIM"][c] for c in COUNTS] == ["", "", ""]
    assert total == ["2", "165", "4", "2", "6"]


def test_the_items_say_where_they_were_asked_and_answered(client, country):
    shown = tables(client, country["coordinator"], DAY)

    stay = "Number of children staying here longer than the norm for this type of location allows"
    school = "Number of school-age children without education for more than 90 days"
    moved = "Number of children relocated more than twice beyond the standard route in the past 12 "
    assert shown["counted-items"][1:] == [
        ["Over 90 days without school", school, "EDU-01", "3", "5"],
        ["Moved more than twice", moved + "months", "FAM-02", "3", "5"],
        ["Beyond the stay limit", stay, "FAM-04", "2", "2"],
    ]
    per_type = {r[0]: r for r in shown["counted-per-type"][1:]}
    # Not asked at an azc: GR-AZC's answer of 9 does not count.
    assert per_type["Asylum seekers' centre (azc)"][6] == "–"
    # Asked, never answered: no location answered, so the 0s count nobody.
    assert per_type["Emergency shelter"][2:] == ["0", "0", "0", "0", "–"]


def test_a_day_of_2023_1_says_the_items_were_not_asked(client, country):
    headers = country["coordinator"]

    html = national(client, headers, "2026-01-15").get_data(as_text=True)
    shown = Tables(html).tables

    assert "counted-per-type" not in shown and "counted-items" not in shown
    assert "Children counted" in html
    assert (
        "On the reference date norm set 2023.1 was in force, which does not ask these numbers. "
        "They are asked from norm set 2026.1 on (2026-06-12)."
    ) in " ".join(html.split())
    # The CSV has the columns all the same, empty.
    rows = csv_rows(client, headers, "2026-01-15")
    assert all(row[c] == "" for row in rows for c in COUNTS)


def test_a_viewer_sees_the_confidential_location_counted_but_masked(client, country):
    rows = csv_rows(client, country["viewer"], DAY)
    report = national(client, country["viewer"], DAY, lang="nl").get_data(as_text=True)

    masked = [r for r in rows if r["name"] == "Vertrouwelijke locatie"]
    assert len(masked) == 1 and masked[0]["code"].startswith("VERTROUWELIJK-")
    assert [masked[0][c] for c in COUNTS] == ["2", "1", "7"]
    assert masked[0]["latitude"] != "51.37"
    assert "LI-GEHEIM" not in "".join(map(str, rows)) and "LI-GEHEIM" not in report
    assert "Kinderen geteld" in report


def test_a_manager_exports_the_counts_of_their_own_locations_only(client, country):
    rows = csv_rows(client, country["manager"], DAY)

    assert [(r["code"], r[NO_SCHOOL], r[MOVED]) for r in rows] == [("GR-AZC", "5", "2")]
    response = client.get(f"{API}/reports/national.html?as_of={DAY}", headers=country["manager"])
    assert response.status_code == 403


def test_the_spreadsheet_csv_and_not_the_geojson_carry_the_counts(client, country):
    headers = country["coordinator"]

    rows = {r["code"]: r for r in csv_rows(client, headers, DAY, dialect="excel-nl")}
    geojson = client.get(f"{API}/exports/locations.geojson?as_of={DAY}", headers=headers)

    assert [rows["UT-CRISIS"][c] for c in COUNTS] == ["1", "0", "8"]
    features = json.loads(geojson.data)["features"]
    assert not set(COUNTS) & set(features[0]["properties"])


def pdf_text(body: bytes) -> str:
    """The PDF's text with its layout kept: a table row stays on one line."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_and_the_command_line_show_the_same_counts(app, cli, client, country, tmp_path):
    text = pdf_text(national(client, country["viewer"], DAY, lang="nl", kind="pdf").data)
    before = pdf_text(national(client, country["viewer"], "2026-01-15", lang="nl", kind="pdf").data)

    assert "Kinderen geteld" in text and "Wat er geteld wordt" in text
    # Locations, answered, children present, then the three counts (as in the HTML).
    totals = re.findall(r"^\s*Totaal\s+5\s+3\s+206\s+8\s+3\s+15\s*$", text, re.MULTILINE)
    assert len(totals) == 2  # per type and per province
    assert "LI-GEHEIM" not in text
    assert "Kinderen geteld" in before
    assert "dat vraagt deze aantallen niet" in " ".join(before.split())

    out = tmp_path / "national.html"
    result = cli.invoke(
        args=["report", "national", "--as-of", DAY, "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    written = Tables(out.read_text()).tables
    shown = tables(client, country["viewer"], DAY)
    for table in ("counted-per-type", "counted-per-province", "counted-items"):
        assert written[table] == shown[table]
