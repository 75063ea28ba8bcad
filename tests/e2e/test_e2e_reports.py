"""A visit's report in a real browser: written, heard, adopted and published, each by its role."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (CI installs it)"
)
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=15_000)

DESKTOP = {"viewport": {"width": 1200, "height": 900}, "locale": "nl-NL"}


def log_in(page: Any, world: Any, username: str) -> None:
    page.fill("#login-username", username)
    page.fill("#login-password", world.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#session-user")).to_contain_text(username)


def open_as(new_context, world, username: str, path: str) -> Any:
    page = new_context(**DESKTOP, service_workers="block").new_page()
    page.goto(f"{world.url}{path}")
    log_in(page, world, username)
    return page


def state_of(page: Any) -> Any:
    return page.locator("#report-facts dd[data-fact='state']")


def test_a_report_goes_from_the_visit_through_the_hearing_to_publication(
    new_context, world, check_page
):
    # The inspector writes the report from the visit and sends it for the hearing.
    page = open_as(new_context, world, world.inspector, f"/locations/{world.azc}")
    page.locator("#visits li").first.locator("button.report-action").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+$"))
    report_path = page.url.removeprefix(world.url)
    expect(state_of(page)).to_have_text("concept")
    check_page(page, "a concept for its inspector")
    page.click("#send")
    expect(state_of(page)).to_have_text("in hoor en wederhoor")
    expect(page.locator("#actions")).to_be_hidden()

    # The location's manager reacts, with a correction of one norm.
    page = open_as(new_context, world, world.manager, report_path)
    expect(page.locator("#react-form")).to_be_visible()
    check_page(page, "the hearing for the manager")
    page.fill("#react-text", "Twee toiletten zijn inmiddels gerepareerd.")
    page.click("#add-correction")
    page.fill(".correction-code", "HYG-01")
    page.fill(".correction-text", "Er werken nu 22 toiletten.")
    page.click("#react-form button[type=submit]")
    expect(page.locator("#reactions")).to_contain_text("Twee toiletten zijn inmiddels gerepareerd.")
    expect(page.locator("#reactions")).to_contain_text("HYG-01 Er werken nu 22 toiletten.")

    # The coordinator adopts it with the handling and publishes it.
    page = open_as(new_context, world, world.coordinator, report_path)
    expect(page.locator("#adopt-form")).to_be_visible()
    page.fill("#adopt-handling", "De reparatie is na het bezoek gedaan; de bevinding blijft staan.")
    page.click("#adopt-form button[type=submit]")
    expect(state_of(page)).to_have_text("vastgesteld")
    page.click("#publish")
    expect(state_of(page)).to_have_text("gepubliceerd")
    expect(page.locator("#handling")).to_contain_text("de bevinding blijft staan")
    check_page(page, "a published report for the coordinator")

    # A viewer finds it in the list and opens the national report.
    page = open_as(new_context, world, world.viewer, "/reports")
    expect(page.locator("#report-list tbody tr")).to_have_count(1)
    expect(page.locator("#report-list tbody tr")).to_contain_text("gepubliceerd")
    expect(page.locator("#national")).to_be_visible()
    check_page(page, "the reports for a viewer")
    # The first PDF of a worker loads pango and the fonts: seconds on a busy CI machine.
    national_pdf = re.compile(r"/api/v1/reports/national\.pdf")
    with page.expect_response(national_pdf, timeout=60_000) as answer:
        page.click("#national-form button[type=submit]")
    assert answer.value.status == 200
    assert answer.value.header_value("content-type") == "application/pdf"


def test_a_manager_does_not_see_a_concept_and_has_no_national_report(
    new_context, world, client, login
):
    headers = login(world.inspector, world.password)
    visit = client.get(f"/api/v1/inspections?location={world.azc}", headers=headers)
    inspection_id = visit.get_json()["items"][0]["id"]
    made = client.post(f"/api/v1/inspections/{inspection_id}/report", headers=headers)
    report_id = made.get_json()["id"]

    page = open_as(new_context, world, world.manager, "/reports")
    expect(page.locator("#list-state")).to_have_text("Geen rapporten.")
    expect(page.locator("#national")).to_be_hidden()
    page.goto(f"{world.url}/reports/{report_id}")
    expect(page.locator("#report-state")).to_have_text("Geen toegang of onbekend rapport.")


def test_the_report_pages_speak_english_when_asked(new_context, world, client, login, check_page):
    headers = login(world.inspector, world.password)
    visit = client.get(f"/api/v1/inspections?location={world.azc}", headers=headers)
    inspection_id = visit.get_json()["items"][0]["id"]
    made = client.post(f"/api/v1/inspections/{inspection_id}/report", headers=headers)
    sent = client.post(f"/api/v1/reports/{made.get_json()['id']}/send", headers=headers)
    assert sent.status_code == 200

    page = open_as(new_context, world, world.coordinator, "/reports")
    expect(page.locator("#list-state")).to_have_text("1 rapport")
    page.click(".lang-switch button[data-lang='en']")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page).to_have_title("Reports · Supervision of children in asylum reception")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#list-state")).to_have_text("1 report")
    expect(page.locator("#report-list tbody tr")).to_contain_text("in the hearing")
    expect(page.locator("#report-list thead")).to_contain_text("Reaction until")
    expect(page.locator("label[for='national-date']")).to_have_text("Reference date")
    # The document's language starts as the page's.
    expect(page.locator("#national-lang")).to_have_value("en")
    check_page(page, "the reports in English")

    page.locator("#report-list tbody a").first.click()
    expect(state_of(page)).to_have_text("in the hearing")
    expect(page.locator("#report-facts")).to_contain_text("Municipality")
    expect(page.locator("#report-title")).to_have_text("Report AZC Ter Apel")
    expect(page.locator("#report-lang")).to_have_value("en")
    expect(page.locator("#hearing-heading")).to_have_text("Hearing")
    check_page(page, "a report in English")

    page.click(".lang-switch button[data-lang='nl']")
    expect(state_of(page)).to_have_text("in hoor en wederhoor")
    expect(page.locator("#report-lang")).to_have_value("nl")
