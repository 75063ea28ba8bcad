"""The CSV export in its two dialects, read back by the programs that use them.

The default (RFC 4180) is for programs: pandas reads every value back exactly
as the GeoJSON has it. ``excel-nl`` is for Dutch spreadsheets: LibreOffice
Calc, set to the Dutch locale, converts it to a workbook whose cells hold the
right numbers and text, and no formula.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from geo_helpers import CSV_URL, GEOJSON_URL, features_by_code, strict_json

COLUMNS = [
    "code", "name", "type", "municipality", "province", "capacity", "status", "overall",
    "coverage", "observed_at", "children_present", "failed_norms", "critical_norms",
    "failing_since", "norm_set", "masked", "latitude", "longitude",
]  # fmt: skip
TEXT = [
    "code", "name", "type", "municipality", "province", "status", "observed_at", "failing_since",
    "norm_set",
]  # fmt: skip
SOFFICE = shutil.which("soffice")
# LibreOffice's CSV filter options: separator ';' (59), text delimiter '"' (34), UTF-8 (76),
# from line 1, standard column formats, Dutch (1043) number recognition.
DUTCH_CSV_IMPORT = "CSV:59,34,76,1,,1043"


@pytest.fixture
def awkward(world, create_location, submit):
    """Names a spreadsheet or a naive program gets wrong."""
    create_location(
        code="FRL-1", name="-Noord opvang", municipality="Leeuwarden", province="Fryslân",
        latitude=53.2012, longitude=5.7999, capacity=4784,
    )  # fmt: skip
    create_location(
        code="DH-1", name="'s-Gravenhage Loosduinen", municipality="'s-Gravenhage",
        province="Zuid-Holland", latitude=52.0607, longitude=4.2412, capacity=1200,
    )  # fmt: skip
    create_location(
        code="EVIL-1", name='=HYPERLINK("http://evil.example","klik")', municipality="+31",
        province="@Zuid-Holland", latitude=52.0701, longitude=4.3001,
    )  # fmt: skip
    submit("FRL-1")
    return world


def geojson_rows(client, headers) -> dict[str, dict]:
    document = strict_json(client.get(GEOJSON_URL, headers=headers).get_data())
    return {code: feature for code, feature in features_by_code(document).items()}


def test_the_default_csv_is_rfc_4180_and_pandas_reads_back_every_value(client, awkward):
    headers = awkward["coordinator"]
    expected = geojson_rows(client, headers)

    response = client.get(CSV_URL, headers=headers)

    body = response.get_data()
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") == len(expected) + 1 and b"\n" not in body.replace(b"\r\n", b"")
    frame = pd.read_csv(
        io.BytesIO(body), dtype={name: str for name in TEXT}, keep_default_na=False,
        na_values={n: [""] for n in COLUMNS if n not in TEXT},
    )  # fmt: skip
    assert list(frame.columns) == COLUMNS
    rows = frame.set_index("code")
    assert list(rows.index) == list(expected)
    for code, feature in expected.items():
        row, properties = rows.loc[code], feature["properties"]
        for name in ("name", "municipality", "province", "status", "type"):
            assert row[name] == properties[name], (code, name)
        for name in ("capacity", "overall", "coverage", "children_present"):
            if properties[name] is None:
                assert pd.isna(row[name]), (code, name)
            else:
                assert row[name] == properties[name], (code, name)
        assert (row["observed_at"] or None) == properties["observed_at"]
        assert row["masked"] == properties["masked"], (code, "masked")  # read as a boolean
        failed = row["failed_norms"]
        assert (failed.split(";") if isinstance(failed, str) and failed else []) == (
            properties["failed_norms"] or []
        )
        if feature["geometry"] is not None:
            assert [row["longitude"], row["latitude"]] == feature["geometry"]["coordinates"]
    # Values are what was stored: nothing a spreadsheet would need is added for programs.
    assert rows.loc["FRL-1", "name"] == "-Noord opvang"
    assert rows.loc["FRL-1", "province"] == "Fryslân"
    assert rows.loc["DH-1", "municipality"] == "'s-Gravenhage"
    assert rows.loc["EVIL-1", "name"] == '=HYPERLINK("http://evil.example","klik")'
    assert rows.loc["EVIL-1", "province"] == "@Zuid-Holland"
    assert rows.loc["FRL-1", "capacity"] == 4784


def test_the_dutch_spreadsheet_dialect(client, awkward):
    response = client.get(
        CSV_URL, query_string={"dialect": "excel-nl"}, headers=awkward["coordinator"]
    )

    body = response.get_data()
    assert response.status_code == 200
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(COLUMNS)
    by_code = {line.split(";")[0]: line.split(";") for line in lines[1:] if line}
    frl = dict(zip(COLUMNS, by_code["FRL-1"], strict=True))
    assert frl["latitude"] == "53,2012" and frl["longitude"] == "5,7999"
    assert frl["capacity"] == "4784" and frl["province"] == "Fryslân"
    assert frl["name"] == "'-Noord opvang"
    assert "," in frl["overall"] or frl["overall"].isdigit()
    evil = dict(zip(COLUMNS, by_code["EVIL-1"], strict=True))
    assert evil["name"] == '"\'=HYPERLINK(""http://evil.example"",""klik"")"'
    assert (evil["municipality"], evil["province"]) == ("'+31", "'@Zuid-Holland")
    crit = dict(zip(COLUMNS, by_code["GRON-CRIT"], strict=True))
    assert crit["failed_norms"].split(",")[0] == "HYG-01"


def test_an_unknown_dialect_is_422_naming_it(client, world):
    response = client.get(CSV_URL, query_string={"dialect": "excel"}, headers=world["viewer"])

    assert response.status_code == 422
    assert "dialect" in response.get_json()["error"]["fields"]


def test_the_dialects_have_their_own_etags(client, world):
    plain = client.get(CSV_URL, headers=world["viewer"])
    dutch = client.get(
        CSV_URL,
        query_string={"dialect": "excel-nl"},
        headers={**world["viewer"], "If-None-Match": plain.headers["ETag"]},
    )

    assert dutch.status_code == 200
    assert dutch.headers["ETag"] != plain.headers["ETag"]


def libreoffice_workbook(csv: bytes, tmp_path: Path) -> openpyxl.Workbook:
    """The CSV opened by LibreOffice Calc with Dutch number recognition, saved as xlsx."""
    assert SOFFICE, "LibreOffice Calc is not installed: .ci/run installs libreoffice-calc-nogui"
    source = tmp_path / "locaties.csv"
    source.write_bytes(csv)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter={DUTCH_CSV_IMPORT}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return openpyxl.load_workbook(tmp_path / "locaties.xlsx")


@pytest.mark.slow
def test_libreoffice_in_a_dutch_locale_reads_the_right_numbers_and_text(client, awkward, tmp_path):
    expected = geojson_rows(client, awkward["coordinator"])
    body = client.get(
        CSV_URL, query_string={"dialect": "excel-nl"}, headers=awkward["coordinator"]
    ).get_data()

    sheet = libreoffice_workbook(body, tmp_path).active

    cells = list(sheet.iter_rows())
    assert [c.value for c in cells[0]] == COLUMNS
    assert all(c.data_type != "f" for row in cells for c in row), "no cell may be a formula"
    rows = {row[0].value: dict(zip(COLUMNS, row, strict=True)) for row in cells[1:]}
    assert list(rows) == list(expected)
    for code, feature in expected.items():
        row, properties = rows[code], feature["properties"]
        for name in ("capacity", "overall", "coverage", "children_present"):
            value = row[name].value
            if properties[name] is None:
                assert value is None, (code, name)
            else:
                assert row[name].data_type == "n", (code, name, value)
                assert value == pytest.approx(properties[name]), (code, name)
        if feature["geometry"] is not None:
            position = [row["longitude"].value, row["latitude"].value]
            assert position == pytest.approx(feature["geometry"]["coordinates"])
        assert row["observed_at"].value == properties["observed_at"]
        # Calc keeps the flag as the text it is, spelt as in the GeoJSON.
        assert row["masked"].value == ("true" if properties["masked"] else "false")
    assert rows["FRL-1"]["province"].value == "Fryslân"
    assert rows["FRL-1"]["capacity"].value == 4784
    assert rows["DH-1"]["municipality"].value == "'s-Gravenhage"
    # Formula-like text stays text, marked with the quote a spreadsheet user recognises.
    assert rows["EVIL-1"]["name"].value == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows["EVIL-1"]["province"].value == "'@Zuid-Holland"
    assert rows["FRL-1"]["name"].value == "'-Noord opvang"
