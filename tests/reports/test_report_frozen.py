"""An adopted report keeps what it showed at adoption; a concept follows the data."""

from __future__ import annotations

import copy

import yaml
from test_report_documents import fetch_pdf, pdf_text

from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document


def rescore_with_hyg01_max(cli, tmp_path, azc_max: int) -> None:
    """An erratum of nl-children 2023.1 that moves HYG-01's bound for an azc, rescored."""
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": azc_max}
    path = tmp_path / "erratum.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1",
              "--document", str(path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def texts_of(world, report_id: int) -> dict[str, str]:
    """The document's text per reader and language."""
    found = {}
    for role, query in (("coordinator", ""), ("coordinator", "?lang=en"), ("manager", "")):
        found[role + query] = pdf_text(fetch_pdf(world, report_id, role=role, query=query))
    return found


def test_an_adopted_report_does_not_follow_later_data_while_a_concept_does(world, cli, tmp_path):
    adopted = world.report_in("adopted")
    concept = world.report_in("concept", fresh=True)
    adopted_before = texts_of(world, adopted)
    concept_before = pdf_text(fetch_pdf(world, concept))
    assert "Eigen locatie" in concept_before and "ten hoogste 10" in " ".join(
        concept_before.split()
    )

    # The norm set is corrected (HYG-01 at most 30 in an azc: 23 per toilet now passes),
    # a later visit finds the toilets repaired, and the location is renamed.
    rescore_with_hyg01_max(cli, tmp_path, azc_max=30)
    world.submit_at("OWN", "2026-11-27T09:00:00+01:00", toilets=60)
    renamed = world.call("PATCH", "/locations/OWN", "coordinator", json={"name": "Nieuwe naam"})
    assert renamed.status_code == 200, renamed.get_json()

    assert texts_of(world, adopted) == adopted_before
    concept_after = " ".join(pdf_text(fetch_pdf(world, concept)).split())
    assert "Nieuwe naam" in concept_after and "Eigen locatie" not in concept_after
    # HYG-01 is met now: no longer a shortcoming with its measured value.
    assert "23 personen per toilet" not in concept_after
    assert "ten hoogste 10" not in concept_after


def test_a_published_report_stays_as_adopted(world, cli, tmp_path):
    report_id = world.report_in("adopted")
    before = pdf_text(fetch_pdf(world, report_id, role="coordinator"))

    rescore_with_hyg01_max(cli, tmp_path, azc_max=30)
    published = world.call("POST", f"/reports/{report_id}/publish", "coordinator")
    assert published.status_code == 200
    after = pdf_text(fetch_pdf(world, report_id, role="viewer"))

    # The viewer reads the content of the adoption, and the publication's date.
    assert "Gepubliceerd op" in after and "Gepubliceerd op" not in before
    assert "23 personen per toilet (460 / 20); norm: ten hoogste 10" in " ".join(after.split())
    assert "ten hoogste 30" not in after


def test_a_viewer_reads_a_frozen_confidential_report_masked(world, cli, tmp_path):
    report_id = world.report_in("published", location="SECRET")

    text = pdf_text(fetch_pdf(world, report_id, role="viewer"))

    assert "Beschermde opvang" not in text and "SECRET" not in text
    assert world.users["inspector"].username not in text
    assert "HYG-01" in text
