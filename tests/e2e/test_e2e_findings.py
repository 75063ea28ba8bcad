"""Findings in a real browser: the manager sees what is wrong and since when and responds
with a photo; the inspector checks the open findings first, on a follow-up visit."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from test_e2e_pages import PHONE, inspections_of, log_in, png_bytes, screenshot

from inspection.db import db
from inspection.models import User
from inspection.submissions import Submission, submit_inspection

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (CI installs it)"
)
expect = pytest.importorskip("playwright.sync_api").expect
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}
TOILETS = {"residents_present", "toilets_working"}


def visit(world: Any, days_ago: int, answers: dict[str, Any], number: int) -> None:
    inspector = db.session.scalars(db.select(User).where(User.username == world.inspector)).one()
    now = datetime.now(timezone(timedelta(hours=1))).replace(microsecond=0)
    submit_inspection(
        Submission(
            id=f"00000000-0000-4000-8000-0000000f{number:04d}",
            location=world.azc,
            observed_at=now - timedelta(days=days_ago),
            answers=answers,
        ),
        inspector,
    )
    db.session.commit()


@pytest.fixture
def failing(world, passing_answers) -> Any:
    """The azc fails HYG-01 critically five days ago (3 toilets for 200 residents: a
    deadline of two days, so overdue), and a follow-up yesterday counted only the
    toilets and found them still too few."""
    visit(world, 5, {**passing_answers, "toilets_working": 3}, 1)
    visit(world, 1, {"residents_present": 200, "toilets_working": 4}, 2)
    return world


def open_findings(client: Any, headers: dict[str, str], code: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/findings?location={code}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_manager_sees_what_is_wrong_since_when_and_responds_with_a_photo(
    new_context, failing, check_page, client, login
):
    world = failing
    headers = login(world.coordinator, world.password)
    [finding] = open_findings(client, headers, world.azc)
    assert finding["norm"] == "HYG-01" and finding["overdue"] is True

    for options, name in ((PHONE, "location-findings-phone"), (DESKTOP, "location-findings")):
        page = new_context(**options).new_page()
        page.goto(f"{world.url}/locations/{world.azc}")
        log_in(page, world, world.manager)
        norm = page.locator("#location-failed li[data-norm='HYG-01']")
        # The requirement, what was found against it, since when, the deadline, overdue.
        expect(norm.locator("h3")).to_contain_text("bewoners per werkend toilet")
        expect(norm.locator(".found")).to_contain_text("gevonden 50")
        expect(norm.locator(".found")).to_contain_text("ten hoogste 10")
        expect(norm.locator(".since")).to_contain_text("Niet gehaald sinds")
        expect(norm.locator("[data-overdue='true']")).to_contain_text("over de termijn")
        expect(norm.locator("[data-overdue='true']")).to_contain_text("1 keer opnieuw")
        # The picture rests on a visit that counted only the toilets: said in so many words.
        coverage = page.locator("#location-coverage .coverage")
        expect(coverage).to_have_attribute("data-state", "partial")
        expect(coverage).to_contain_text("samengesteld beeld")
        expect(coverage).to_contain_text("de andere oordelen komen uit eerdere bezoeken")
        expect(page.locator("#location-facts")).to_contain_text("Onder de norm sinds")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, name)
        check_page(page, f"the manager's location page ({name})")

    # The manager responds, with a photo as evidence; sent twice, it is recorded once.
    norm.locator(".respond-box summary").click()
    form = norm.locator("form.respond")
    form.locator("textarea").fill("Twee extra toiletunits besteld")
    form.locator("input[type='date']").fill("2026-12-15")
    form.locator("input[type='file']").set_input_files(
        files=[{"name": "bon.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    check_page(page, "the response form")
    form.locator("button[type='submit']").click()
    responses = norm.locator(".responses > li")
    expect(responses).to_have_count(1)
    expect(responses.first).to_contain_text("Twee extra toiletunits besteld")
    expect(responses.first).to_contain_text("gepland of gedaan op 15 dec")
    expect(responses.first.locator("img")).to_have_count(1)
    [finding] = open_findings(client, headers, world.azc)
    [response] = finding["responses"]
    assert response["author"] == world.manager
    assert response["text"] == "Twee extra toiletunits besteld"
    assert response["planned_date"] == "2026-12-15"
    assert len(response["photos"]) == 1
    # An empty response is refused on the page, next to its field.
    norm.locator(".respond-box summary").click()
    norm.locator("form.respond button[type='submit']").click()
    expect(norm.locator("form.respond .field-error").first).to_contain_text("Schrijf")
    assert len(open_findings(client, headers, world.azc)[0]["responses"]) == 1


def test_the_overview_and_the_map_show_since_when_and_what_is_overdue(
    new_context, failing, check_page
):
    world = failing
    page = new_context(**PHONE).new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.coordinator)
    card = page.locator(f"li[data-code='{world.azc}']")
    expect(card.locator(".since")).to_contain_text("Onder de norm sinds")
    expect(card.locator(".overdue")).to_have_text("1 bevinding over de termijn")
    expect(card).to_have_attribute("data-overdue", "1")
    check_page(page, "the overview with an overdue finding")

    page = new_context(**DESKTOP).new_page()
    page.goto(f"{world.url}/map")
    log_in(page, world, world.coordinator)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    page.locator("path.status-marker-below_norm").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".since")).to_contain_text("Onder de norm sinds")
    expect(popup.locator(".overdue")).to_have_text("1 bevinding over de termijn")
    check_page(page, "the map with an overdue finding")


def test_the_inspector_checks_the_open_findings_first_on_a_follow_up_visit(
    new_context, failing, check_page, client, login
):
    world = failing
    page = new_context(**PHONE, service_workers="block").new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    page.fill("#location-search", "ter apel")
    page.click(f"#location-results button[data-code='{world.azc}']")
    first = page.locator("#first-check")
    expect(first.locator("h2")).to_have_text("Eerst controleren")
    expect(first.locator("li[data-norm='HYG-01']")).to_contain_text("over de termijn")
    # The full checklist, then the follow-up: only the questions of the open finding.
    assert page.locator("#groups [name^='answers.']").count() > 20
    page.click("#follow-up")
    expect(page.locator("#follow-up")).to_have_attribute("aria-pressed", "true")
    shown = page.locator("#groups [name^='answers.']")
    expect(shown).to_have_count(2)
    assert set(shown.evaluate_all("nodes => nodes.map(n => n.name.slice(8))")) == TOILETS
    expect(page.locator("details[data-norm='HYG-01']")).to_have_count(1)
    screenshot(page, "form-follow-up", full_page=False)
    check_page(page, "the follow-up form")

    # Repaired: 20 toilets. Everything the follow-up asks is answered: it goes at once.
    page.fill("[name='answers.residents_present']", "200")
    page.fill("[name='answers.toilets_working']", "20")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#incomplete")).to_be_hidden()
    latest = max(inspections_of(world.azc), key=lambda i: i.observed_at)
    assert set(latest.answers) == TOILETS
    headers = login(world.coordinator, world.password)
    assert open_findings(client, headers, world.azc) == []
    resolved = client.get(
        f"/api/v1/findings?location={world.azc}&state=resolved", headers=headers
    ).get_json()["items"]
    # The run of 60 days ago, repaired 20 days ago, and the one repaired now.
    assert [f["norm"] for f in resolved] == ["HYG-01", "HYG-01"]
    assert all(re.match(r"\d{4}-", f["resolved_at"]) for f in resolved)
