"""User stories in a real browser: the phone form offline, the manager's view, the map."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspection.db import db
from inspection.engine import score_answers
from inspection.models import Inspection, Photo
from inspection.norm_sets import compiled

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (CI installs it)"
)
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=10_000)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-NL",
    "timezone_id": "Europe/Amsterdam",
}
CRITICAL_LABEL = "Kritiek: direct ingrijpen nodig"


def log_in(page: Any, world: Any, username: str) -> None:
    page.fill("#login-username", username)
    page.fill("#login-password", world.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#session-user")).to_contain_text(f"Ingelogd als {username}")


def screenshot(page: Any, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def fill_checklist(page: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Answer every item of ``answers`` that the form shows; returns what was answered."""
    expect(page.locator("[name='answers.residents_present']")).to_be_visible()
    shown = set(
        page.eval_on_selector_all(
            "#groups [name^='answers.']", "nodes => nodes.map(n => n.name.slice(8))"
        )
    )
    filled = {}
    for code, value in answers.items():
        if code not in shown:
            continue
        if isinstance(value, bool):
            page.check(f"input[name='answers.{code}'][value='{str(value).lower()}']")
        else:
            page.fill(f"[name='answers.{code}']", str(value))
        filled[code] = value
    return filled


def inspections_of(code: str) -> list[Inspection]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(Inspection)
            .join(Inspection.location)
            .where(Inspection.location.has(code=code))
        )
    )


def test_an_inspector_fills_the_form_offline_and_it_is_sent_once_when_back_online(
    new_context, world, norm_set, passing_answers
):
    context = new_context(
        **PHONE, geolocation={"latitude": 52.51, "longitude": 6.09}, permissions=["geolocation"]
    )
    page = context.new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    # The service worker keeps the page: wait until it controls it.
    expect(page.locator("#offline-ready")).to_have_attribute("data-ready", "true")

    # The nearest location comes first.
    page.click("#nearest")
    first = page.locator("#location-results li button").first
    expect(first).to_have_attribute("data-code", world.crisis)
    first.click()
    expect(page.locator("#chosen-name")).to_have_text("Sporthal Zwolle")
    expect(page.locator("[name='answers.residents_present']")).to_be_visible()
    # Every input of the checklist has a label.
    unlabelled = page.eval_on_selector_all(
        "#checklist input, #checklist select, #checklist textarea",
        "nodes => nodes.filter(n => !n.labels || n.labels.length === 0).map(n => n.name || n.id)",
    )
    assert unlabelled == []

    context.set_offline(True)
    expect(page.locator("#network-state")).to_contain_text("Offline")
    # Too few toilets for 200 residents: HYG-01 fails, beyond its critical bound.
    answers = fill_checklist(page, {**passing_answers, "toilets_working": 3})
    page.click("details[data-norm='HYG-01'] summary")
    page.fill("[name='notes.HYG-01']", "Twee toiletten buiten gebruik")
    page.set_input_files(
        "#field-photo-HYG-01",
        files=[{"name": "toilet.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    expect(page.locator("details[data-norm='HYG-01'] .photos img")).to_have_count(1)
    page.locator("details[data-norm='HYG-01']").scroll_into_view_if_needed()
    screenshot(page, "form-checklist", full_page=False)
    page.click("#submit")

    queued = page.locator("#outbox-items li[data-state='queued']")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("In de wachtrij")
    assert inspections_of(world.crisis) == []

    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "form-queued", full_page=False)

    # Still offline, the page is reloaded: the service worker serves it from its
    # cache, and the queued inspection is still there.
    world.server_paths.clear()
    page.reload()
    expect(page.locator("#outbox-items li[data-state='queued']")).to_have_count(1)
    expect(page.locator("#outbox-items")).to_contain_text("Sporthal Zwolle")
    assert inspections_of(world.crisis) == []
    assert world.server_paths == []

    context.set_offline(False)
    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(result).to_contain_text(CRITICAL_LABEL)
    expect(page.locator("#outbox")).to_be_hidden()

    expected = score_answers(answers, compiled(norm_set), "crisisnoodopvang").to_dict()
    stored = inspections_of(world.crisis)
    assert len(stored) == 1
    inspection = stored[0]
    assert inspection.answers == answers
    assert inspection.notes == {"HYG-01": "Twee toiletten buiten gebruik"}
    assert (inspection.status, inspection.overall) == ("critical", expected["overall"])
    assert inspection.observed_utc_offset_minutes in (60, 120)  # Europe/Amsterdam
    expect(page.locator("[data-testid='score']")).to_have_text(
        f"{expected['overall']:.1f}".replace(".", ",")
    )
    failed = [r["norm"] for r in expected["results"] if r["outcome"] == "fail"]
    assert "HYG-01" in failed
    expect(page.locator("[data-testid='failed-norms'] li")).to_have_count(len(failed))
    hyg = page.locator("[data-testid='failed-norms'] li[data-norm='HYG-01']")
    expect(hyg).to_contain_text("bewoners per werkend toilet")
    expect(hyg).to_contain_text("kritiek")
    # The photo followed the inspection, once.
    expect(page.locator("#result")).to_contain_text("1 foto verstuurd")
    db.session.expire_all()
    photos = db.session.scalars(db.select(Photo).where(Photo.inspection_id == inspection.id)).all()
    assert [p.norm for p in photos] == ["HYG-01"]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "form")


def test_the_form_shows_problems_next_to_the_right_input(new_context, world):
    # Service workers blocked: the page's requests reach page.route directly.
    context = new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    page.fill("#location-search", "ter apel")
    page.click(f"#location-results button[data-code='{world.azc}']")
    page.fill("[name='answers.residents_present']", "10")
    page.fill("[name='answers.children_present']", "20")
    page.click("#submit")
    # Checked on the phone already, under the API's path of the field.
    expect(page.locator("#field-answers-children_present-error")).to_contain_text("Niet meer dan")
    expect(page.locator("#outbox-items li")).to_have_count(0)

    # What the API refuses (422 error.fields) lands next to the input too.
    refusal = {
        "error": {
            "code": "validation_error",
            "message": "The inspection has invalid fields",
            "fields": {"answers.toilets_working": ["must be at most 5000"]},
        }
    }
    page.route("**/api/v1/inspections", lambda route: route.fulfill(status=422, json=refusal))
    page.fill("[name='answers.children_present']", "5")
    page.click("#submit")
    expect(page.locator("#field-answers-toilets_working-error")).to_have_text("Maximaal 5000")
    expect(page.locator("[name='answers.residents_present']")).to_have_value("10")
    expect(page.locator("#outbox-items li")).to_have_count(0)
    screenshot(page, "form-errors", full_page=False)
    # English on the switch: the same answers, the labels in English.
    page.click(".lang-switch button[data-lang='en']")
    expect(page.locator("label[for='field-answers-residents_present']")).to_contain_text(
        "Number of residents"
    )
    expect(page.locator("[name='answers.residents_present']")).to_have_value("10")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # 409: the id was used for other content. The phone says so and keeps the inspection.
    taken = {"error": {"code": "conflict", "message": "Already received with other content"}}
    page.unroute("**/api/v1/inspections")
    page.route("**/api/v1/inspections", lambda route: route.fulfill(status=409, json=taken))
    page.click("#submit")
    kept = page.locator("#outbox-items li[data-state='conflict']")
    expect(kept).to_contain_text("Conflict (409)")
    expect(kept.get_by_role("button", name="Send as a new inspection")).to_be_visible()


def test_an_answer_lost_on_the_way_back_is_resent_and_stored_once(
    new_context, world, passing_answers
):
    context = new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    page.fill("#location-search", "boot")
    page.click(f"#location-results button[data-code='{world.emergency}']")
    fill_checklist(page, passing_answers)
    sent_ids: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        sent_ids.append(route.request.post_data_json["id"])
        if len(sent_ids) == 1:
            route.fetch()  # the server stores it...
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.continue_()

    page.route("**/api/v1/inspections", lose_the_first_answer)
    page.click("#submit")

    expect(page.locator("#result")).to_contain_text("Voldoet aan de normen")
    assert len(sent_ids) == 2 and sent_ids[0] == sent_ids[1]
    assert [i.id for i in inspections_of(world.emergency)] == sent_ids[:1]


def test_a_queue_outliving_its_token_is_sent_after_logging_in_again(
    new_context, world, passing_answers
):
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    expect(page.locator("#offline-ready")).to_have_attribute("data-ready", "true")
    page.fill("#location-search", "AZC-TER")
    page.click(f"#location-results button[data-code='{world.azc}']")
    expect(page.locator("[name='answers.residents_present']")).to_be_visible()
    context.set_offline(True)
    fill_checklist(page, passing_answers)
    page.click("#submit")
    expect(page.locator("#outbox-items li[data-state='queued']")).to_have_count(1)

    # Days later the token has expired; the form and its queue still open offline.
    page.evaluate(
        """() => {
            const stored = JSON.parse(localStorage.getItem("inspection.session"));
            stored.expires_at = "2000-01-01T00:00:00Z";
            localStorage.setItem("inspection.session", JSON.stringify(stored));
        }"""
    )
    page.reload()
    expect(page.locator("#outbox-items li[data-state='queued']")).to_have_count(1)
    expect(page.locator("#picker")).to_be_visible()

    # Back online, sending waits for a new login; then it goes, once.
    context.set_offline(False)
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#login-username")).to_have_value(world.inspector)
    assert len(inspections_of(world.azc)) == 2  # the two earlier visits of the fixture
    page.fill("#login-password", world.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#result")).to_contain_text("Voldoet aan de normen")
    assert len(inspections_of(world.azc)) == 3


def test_a_manager_sees_their_own_location_with_its_history(new_context, world):
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.manager)
    cards = page.locator("#locations > li")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-code", world.azc)
    expect(cards.first).to_contain_text("Voldoet aan de normen")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "manager")

    cards.first.locator("h2 a").click()
    expect(page).to_have_url(re.compile(f"/locations/{world.azc}$"))
    expect(page.locator("#location-name")).to_have_text("AZC Ter Apel")
    chart = page.locator("#chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("data-points", "2")
    expect(chart).to_have_attribute("alt", re.compile("2 inspecties"))
    visits = page.locator("#visits > li")
    expect(visits).to_have_count(2)
    # The older visit failed HYG-01 (too few toilets for an azc), shown with its title.
    expect(visits.nth(1).locator("li[data-norm='HYG-01']")).to_contain_text(
        "bewoners per werkend toilet"
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "location")

    page.goto(f"{world.url}/locations/{world.crisis}")
    expect(page.locator("#location-state")).to_have_text("Geen toegang of onbekende locatie")


def test_the_map_shows_one_marker_per_location(new_context, world, client, login):
    headers = login(world.coordinator, world.password)
    exported = client.get("/api/v1/exports/locations.geojson", headers=headers)
    assert exported.status_code == 200
    placed = [f for f in exported.get_json()["features"] if f["geometry"]]

    context = new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{world.url}/map")
    log_in(page, world, world.coordinator)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("path.status-marker")).to_have_count(len(placed))
    expect(page.locator("path.status-marker-critical")).to_have_count(0)
    expect(page.locator("[data-count='meets_norms']")).to_have_text("(1)")
    expect(page.locator("[data-count='not_inspected']")).to_have_text("(2)")

    page.locator("path.status-marker-meets_norms").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("AZC Ter Apel")
    expect(popup).to_contain_text("Kinderen aanwezig: 60")
    screenshot(page, "map")

    # Filtering asks the export again: only the inspected location is left.
    page.uncheck("#map-filters input[value='not_inspected']")
    expect(page.locator("path.status-marker")).to_have_count(1)
    page.select_option("#map-province", "Overijssel")
    expect(page.locator("path.status-marker")).to_have_count(0)
    expect(page.locator("#map-state")).to_have_text("0 locaties")

    # The provinces that ship with the service are the land when there are no tiles,
    # credited as their licence asks.
    expect(page.locator("#map-regions")).to_be_checked()
    expect(page.locator("path.region-shape")).to_have_count(12)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Bron: CBS, Kadaster/PDOK")
    page.uncheck("#map-regions")
    expect(page.locator("path.region-shape")).to_have_count(0)
    expect(page.locator(".leaflet-control-attribution")).not_to_contain_text("CBS")

    # On a phone the filters are folded away and the map is in view.
    phone = new_context(**PHONE).new_page()
    phone.goto(f"{world.url}/map")
    log_in(phone, world, world.coordinator)
    expect(phone.locator("#map")).to_have_attribute("data-loaded", "true")
    expect(phone.locator("path.status-marker")).to_have_count(len(placed))
    expect(phone.locator("#map-filters")).to_be_hidden()
    screenshot(phone, "map-phone", full_page=False)


def test_a_location_name_is_shown_as_text_on_the_map(new_context, world, create_location):
    name = '<img src="x" onerror="document.body.dataset.hacked=1"><b>Azc</b> & "Vught"'
    create_location(
        code="HTML-NAAM", name=name, municipality="Vught", province="Noord-Brabant",
        latitude=51.66, longitude=5.29,
    )  # fmt: skip
    page = new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL").new_page()
    page.goto(f"{world.url}/map")
    log_in(page, world, world.coordinator)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    page.select_option("#map-province", "Noord-Brabant")
    expect(page.locator("path.status-marker")).to_have_count(1)

    page.locator("path.status-marker").hover()

    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(name)
    expect(tooltip.locator("img, b")).to_have_count(0)
    assert page.evaluate("document.body.dataset.hacked") is None
    page.locator("path.status-marker").click()
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(name)
