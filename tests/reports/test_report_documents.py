"""The report's document: read back from the PDF with poppler's pdftotext, and as HTML."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image

HANDLING = {"handling": "De reactie is meegewogen; HYG-01 blijft staan."}


def pdf_text(body: bytes) -> str:
    """The text of a PDF as poppler-utils reads it (layout kept, one page after another)."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(body: bytes) -> list[str]:
    return pdf_text(body).split("\f")[:-1]


def fetch_pdf(world, report_id: int, role: str = "coordinator", query: str = "") -> str:
    response = world.call("GET", f"/reports/{report_id}.pdf{query}", role)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return response.data


def test_the_pdf_names_the_location_and_the_failed_norms_with_their_measured_values(world):
    report_id = world.report_in("concept")

    text = pdf_text(fetch_pdf(world, report_id))

    assert "Eigen locatie" in text
    assert "OWN" in text
    assert "Westerwolde" in text
    assert "nl-children" in text
    assert "2026-11-20 10:15" in text
    assert world.users["inspector"].username in text
    # 460 residents and 20 working toilets, against the azc bound of 10.
    assert "HYG-01" in text
    assert "23 personen per toilet (460 / 20); norm: ten hoogste 10" in " ".join(text.split())
    assert "HYG-02" in text
    assert "38,3 personen per douche" in text
    assert "Twee defect." in text  # the inspector's note


def test_concept_stands_on_every_page_until_adoption_and_not_after(world):
    report_id = world.report_in("hearing")

    before = pdf_pages(fetch_pdf(world, report_id))
    world.call(
        "POST",
        f"/reports/{report_id}/reactions",
        "manager",
        json={"text": "Er zijn inmiddels 30 toiletten.", "corrections": {"HYG-01": "30 nu."}},
    )
    assert (
        world.call("POST", f"/reports/{report_id}/adopt", "coordinator", json=HANDLING).status_code
        == 200
    )
    after = pdf_pages(fetch_pdf(world, report_id))

    assert len(before) > 1
    assert all("CONCEPT" in page for page in before)
    assert not any("CONCEPT" in page for page in after)
    assert [f"Pagina {n} van {len(before)}" in page for n, page in enumerate(before, 1)] == [
        True
    ] * len(before)
    adopted = "\n".join(after)
    assert "Er zijn inmiddels 30 toiletten." in adopted
    assert "30 nu." in adopted
    assert "HYG-01 blijft staan." in adopted


def test_the_reaction_stays_out_of_the_document_until_adoption(world):
    report_id = world.report_in("hearing")
    world.call(
        "POST",
        f"/reports/{report_id}/reactions",
        "manager",
        json={"text": "Nog niet openbaar.", "corrections": {}},
    )

    text = pdf_text(fetch_pdf(world, report_id, role="manager"))

    assert "Nog niet openbaar." not in text
    assert "CONCEPT" in text


def test_the_english_document(world):
    report_id = world.report_in("published")

    text = pdf_text(fetch_pdf(world, report_id, query="?lang=en"))

    assert "Inspection report" in text
    assert "23 persons per toilet (460 / 20); norm: at most 10" in " ".join(text.split())
    assert "does not meet" in " ".join(text.split())
    assert "Page 1 of" in text
    assert "Inspectierapport" not in text
    assert "DRAFT" not in text and "CONCEPT" not in text


def test_an_unknown_language_is_refused_naming_the_field(world):
    report_id = world.report_in("concept")

    response = world.call("GET", f"/reports/{report_id}.pdf?lang=fr", "coordinator")

    assert response.status_code == 422
    assert "lang" in response.get_json()["error"]["fields"]


def test_the_html_is_the_same_document(world):
    report_id = world.report_in("concept")

    response = world.call("GET", f"/reports/{report_id}.html", "inspector")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Eigen locatie" in html and "HYG-01" in html and "CONCEPT" in html
    assert response.headers["Cache-Control"] == "private, no-store"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def add_photo(world, code: str) -> None:
    response = world.call(
        "POST",
        f"/inspections/{world.visits[code]}/photos",
        "inspector",
        data={"photo": (io.BytesIO(png_bytes()), "p.png", "image/png"), "norm": "HYG-01"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()


def test_photos_are_in_the_document_except_for_a_masked_location(world, tmp_path):
    add_photo(world, "OWN")
    add_photo(world, "SECRET")
    own = world.report_in("published", location="OWN")
    secret = world.report_in("published", location="SECRET")

    own_html = world.call("GET", f"/reports/{own}.html", "viewer").get_data(as_text=True)
    secret_html = world.call("GET", f"/reports/{secret}.html", "viewer").get_data(as_text=True)
    coordinator_html = world.call("GET", f"/reports/{secret}.html", "coordinator").get_data(
        as_text=True
    )

    assert own_html.count("<img") == 1
    assert secret_html.count("<img") == 0
    assert coordinator_html.count("<img") == 1
    for name, role, report in (("own", "viewer", own), ("secret", "viewer", secret)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(fetch_pdf(world, report, role=role))
        listing = subprocess.run(
            ["pdfimages", "-list", str(path)], capture_output=True, check=True
        ).stdout.decode()
        images = len(listing.splitlines()) - 2
        assert images == (1 if name == "own" else 0)


def test_a_viewer_reads_a_confidential_report_masked(world):
    report_id = world.report_in("published", location="SECRET")

    text = pdf_text(fetch_pdf(world, report_id, role="viewer"))

    assert "Vertrouwelijke locatie" in text
    assert "Beschermde opvang" not in text
    assert "SECRET" not in text
    assert world.users["inspector"].username not in text
    assert "HYG-01" in text


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        ("concept", "manager", 404),
        ("concept", "viewer", 404),
        ("hearing", "manager", 200),
        ("hearing", "viewer", 404),
        ("hearing", "other_manager", 404),
        ("published", "viewer", 200),
    ],
)
def test_the_document_has_the_scope_of_the_report(world, state, role, expected):
    report_id = world.report_in(state)

    for kind in ("pdf", "html"):
        assert world.call("GET", f"/reports/{report_id}.{kind}", role).status_code == expected
