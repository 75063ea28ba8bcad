"""User stories in a real browser: the phone form offline, the manager's view, the map."""

from __future__ import annotations

import io
import os
import re
from datetime import datetime, timedelta, timezone
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
    "viewport": {"width": 390, "height": 844},
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


def navigation(page: Any) -> list[str]:
    """The menu items the page shows."""
    return page.locator(".top nav a:visible").all_inner_texts()


def popup_inside_map(page: Any) -> None:
    """The open popup lies wholly inside the map, clear of the zoom buttons (once
    Leaflet's pan to make room for it has ended: up to two seconds)."""
    for _ in range(20):
        popup = page.locator(".leaflet-popup").bounding_box()
        box = page.locator("#map").bounding_box()
        zoom = page.locator(".leaflet-control-zoom").bounding_box()
        inside = (
            popup["y"] >= box["y"]
            and popup["x"] >= box["x"]
            and popup["y"] + popup["height"] <= box["y"] + box["height"]
            and popup["x"] + popup["width"] <= box["x"] + box["width"]
        )
        overlaps_zoom = (
            popup["x"] < zoom["x"] + zoom["width"] and popup["y"] < zoom["y"] + zoom["height"]
        )
        if inside and not overlaps_zoom:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"popup {popup} outside the map {box} or under the zoom buttons {zoom}")


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
    new_context, world, norm_set, passing_answers, check_page
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
    # Each unit once: "(m²)", not "(m²) (m²)".
    labels = page.locator("#checklist label, #checklist legend").all_inner_texts()
    assert [label for label in labels if re.search(r"(\([^()]+\)).*\1", label)] == []
    assert any("(m²)" in label for label in labels)
    # A norm's note comes straight after the last of its questions.
    after = page.eval_on_selector(
        "details[data-norm='HYG-01']", "node => node.previousElementSibling.dataset.item"
    )
    assert after == "toilets_working"
    # A compact header on the phone: one bar, the user named once, no role after it.
    assert page.locator("header.top").bounding_box()["height"] <= 60
    expect(page.locator("#session-user")).to_have_text("Ingelogd als inspecteur")
    assert navigation(page) == ["Overzicht", "Kaart", "Formulier"]
    check_page(page, "the form, a location chosen")

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
    check_page(page, "the form with a result")


def test_the_form_shows_problems_next_to_the_right_input(new_context, world, check_page):
    # Service workers blocked: the page's requests reach page.route directly.
    context = new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    page.fill("#location-search", "ter apel")
    page.click(f"#location-results button[data-code='{world.azc}']")
    page.fill("[name='answers.residents_present']", "10")
    page.fill("[name='answers.children_present']", "20")
    page.fill("[name='answers.staff_with_vog_pct']", "120")
    page.click("#submit")
    # Checked on the phone already, under the API's path of the field.
    expect(page.locator("#field-answers-children_present-error")).to_contain_text("Niet meer dan")
    expect(page.locator("#field-answers-staff_with_vog_pct-error")).to_contain_text("Maximaal 100")
    # The first problem on the page has the focus, although it was found second.
    expect(page.locator("[name='answers.children_present']")).to_be_focused()
    assert (
        page.evaluate("document.activeElement.getBoundingClientRect().top")
        < page.viewport_size["height"]
    )
    expect(page.locator("#outbox-items li")).to_have_count(0)
    check_page(page, "the form with problems")
    page.fill("[name='answers.staff_with_vog_pct']", "")

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
    # Most questions are still open: the phone says where, and sends only when asked to.
    incomplete = page.locator("#incomplete")
    expect(incomplete).to_be_visible()
    expect(incomplete).to_be_focused()
    expect(page.locator("#incomplete-groups li[data-group='general']")).to_contain_text("Algemeen")
    expect(page.locator("#incomplete-groups li[data-group='HYG']")).to_contain_text("open")
    check_page(page, "the form asking to confirm an incomplete checklist")
    page.click("#send-incomplete")
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
    # The header too.
    assert navigation(page) == ["Overview", "Map", "Form"]
    expect(page.locator("#session-user")).to_have_text("Logged in as inspecteur (inspector)")
    expect(page.locator("#logout")).to_have_text("Log out")
    expect(page.locator(".top nav")).to_have_attribute("aria-label", "Main menu")
    check_page(page, "the form in English")
    # A photo over the limit is refused on the phone, naming its size and the limit.
    too_big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (9 * 2**20)}
    page.set_input_files("#field-photo-HYG-01", files=[too_big])
    expect(page.locator("#field-photo-HYG-01-error")).to_have_text(
        "This photo is 9 MB; the limit is 8 MB."
    )

    # 409: the id was used for other content. The phone says so and keeps the inspection.
    taken = {"error": {"code": "conflict", "message": "Already received with other content"}}
    page.unroute("**/api/v1/inspections")
    page.route("**/api/v1/inspections", lambda route: route.fulfill(status=409, json=taken))
    page.click("#submit")
    expect(page.locator("#incomplete-title")).to_have_text("Not everything is filled in")
    page.click("#send-incomplete")
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


def test_a_manager_sees_their_own_location_with_its_history(new_context, world, check_page):
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.manager)
    # A manager sends no inspections: no form in the menu.
    assert navigation(page) == ["Overzicht", "Kaart"]
    cards = page.locator("#locations li[data-code]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-code", world.azc)
    expect(cards.first).to_contain_text("Voldoet aan de normen")
    expect(page.locator(".status-group[data-status='meets_norms'] summary")).to_contain_text("1")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "manager")
    check_page(page, "the manager's overview")

    cards.first.locator("h3 a").click()
    expect(page).to_have_url(re.compile(f"/locations/{world.azc}$"))
    expect(page.locator("#location-name")).to_have_text("AZC Ter Apel")
    chart = page.locator("#chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("data-points", "2")
    expect(chart).to_have_attribute("alt", re.compile("2 bezoeken. Stand van de locatie"))
    # On the phone the chart fits the screen; its figures are also a table, latest first:
    # where the location stood after each visit, and what the visit itself scored.
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    page.locator("#chart-table summary").click()
    rows = page.locator("#chart-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td.picture")).to_contain_text("Voldoet aan de normen")
    expect(rows.nth(1).locator("td.picture")).to_contain_text("niet gehaald: HYG-01")
    expect(rows.nth(1).locator("td.own")).to_contain_text("Onder de norm")
    visits = page.locator("#visits > li")
    expect(visits).to_have_count(2)
    # The latest visit is open; the older one opens in place, with what it found:
    # HYG-01 failed (too few toilets for an azc), shown with its title, and every answer.
    expect(visits.nth(0).locator(".visit-body")).to_contain_text("Alle beoordeelde normen gehaald")
    expect(visits.nth(1).locator(".visit-body")).to_be_hidden()
    visits.nth(1).locator("summary").first.click()
    expect(visits.nth(1).locator("li[data-norm='HYG-01']")).to_contain_text(
        "bewoners per werkend toilet"
    )
    expect(visits.nth(1).locator(".visit-body")).to_contain_text("Geen foto's.")
    visits.nth(1).locator(".visit-answers summary").click()
    expect(visits.nth(1).locator(".visit-answers")).to_contain_text("Aantal werkende toiletten")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "location")
    check_page(page, "the manager's location page")

    # Not theirs: a page with a heading that says so.
    page.goto(f"{world.url}/locations/{world.crisis}")
    expect(page.locator("#location-state")).to_have_text("Geen toegang of onbekende locatie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Locatie niet gevonden")
    check_page(page, "a location that is not the manager's")

    # The form is not for managers: no form, banner or send button, but the way back.
    page.goto(f"{world.url}/form")
    expect(page.locator("#role-notice")).to_be_visible()
    expect(page.locator("#network-state")).to_be_hidden()
    expect(page.locator("#submit")).to_be_hidden()
    expect(page.locator("#picker")).to_be_hidden()
    check_page(page, "the form, for a manager")


def test_each_role_gets_its_own_navigation(new_context, world, check_page):
    expected = {
        world.inspector: ["Overzicht", "Kaart", "Formulier"],
        world.coordinator: ["Overzicht", "Kaart", "Formulier"],
        world.manager: ["Overzicht", "Kaart"],
        world.viewer: ["Overzicht", "Kaart"],
    }
    for username, menu in expected.items():
        page = new_context(**PHONE, service_workers="block").new_page()
        page.goto(f"{world.url}/")
        log_in(page, world, username)
        expect(page.locator("#locations li[data-code]").first).to_be_visible()
        assert navigation(page) == menu, username
        check_page(page, f"the overview for {username}")
        page.goto(f"{world.url}/locations/{world.azc}")
        expect(page.locator("#location-name")).to_have_text("AZC Ter Apel")
        expect(page.locator("#visits-state")).not_to_have_text("")
        check_page(page, f"a location for {username}")
        page.click("#logout")
        expect(page.locator("#login")).to_be_visible()
        assert navigation(page) == ["Overzicht", "Kaart"]


def test_the_overview_puts_the_worst_first_and_says_why_it_is_critical(
    new_context, world, passing_answers, check_page
):
    from inspection.models import User
    from inspection.submissions import Submission, submit_inspection

    inspector = db.session.scalars(db.select(User).where(User.username == world.inspector)).one()
    submit_inspection(
        Submission(
            id="00000000-0000-4000-8000-00000000c001",
            location=world.crisis,
            observed_at=datetime.now(timezone(timedelta(hours=1))).replace(microsecond=0)
            - timedelta(days=1),
            answers={**passing_answers, "toilets_working": 3},
        ),
        inspector,
    )
    db.session.commit()
    page = new_context(**PHONE).new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.coordinator)
    groups = page.locator(".status-group")
    expect(groups).to_have_count(3)
    assert groups.evaluate_all("nodes => nodes.map(n => n.dataset.status)") == [
        "critical", "meets_norms", "not_inspected",
    ]  # fmt: skip
    # On the phone only the worst group is open; each says how many it holds.
    assert groups.evaluate_all("nodes => nodes.map(n => n.open)") == [True, False, False]
    expect(groups.nth(2).locator("summary")).to_have_text("Nog niet geïnspecteerd 1")
    card = page.locator(f"li[data-code='{world.crisis}']")
    expect(card.locator(".reason")).to_have_text(" kritiek door HYG-01")
    expect(card.locator("li[data-norm='HYG-01']")).to_be_visible()
    expect(page.locator(f"li[data-code='{world.azc}']")).to_be_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "overview-phone", full_page=False)
    check_page(page, "the overview with a critical location")
    # A search opens the groups where it finds something.
    page.fill("#filter-text", "ter apel")
    expect(page.locator(f"li[data-code='{world.azc}']")).to_be_visible()
    expect(groups.nth(0)).to_be_hidden()


def test_a_viewer_sees_a_protected_shelter_masked_with_its_failed_norms_from_one_request(
    new_context, world, server, create_location, passing_answers, check_page
):
    from inspection.models import User
    from inspection.submissions import Submission, submit_inspection

    create_location(
        code="SCHUIL-1", name="Schuiladres Noord", municipality="Zwolle", confidential=True
    )
    inspector = db.session.scalars(db.select(User).where(User.username == world.inspector)).one()
    submit_inspection(
        Submission(
            id="00000000-0000-4000-8000-00000000c002",
            location="SCHUIL-1",
            observed_at=datetime.now(timezone(timedelta(hours=1))).replace(microsecond=0)
            - timedelta(days=1),
            answers={**passing_answers, "toilets_working": 3},
        ),
        inspector,
    )
    db.session.commit()
    page = new_context(**PHONE).new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.viewer)

    masked = page.locator("li[data-status='critical'] h3")
    expect(masked).to_have_text("Vertrouwelijke locatie")
    assert masked.locator("a").count() == 0  # no page of its own to open
    expect(page.locator("li[data-status='critical'] li[data-norm='HYG-01']")).to_be_visible()
    expect(page.locator(f"li[data-code='{world.azc}'] h3 a")).to_have_count(1)
    check_page(page, "the overview of a viewer with a protected shelter")
    asked = [path for path in server.paths if path.startswith("/api/v1/locations")]
    assert asked == ["/api/v1/locations"], asked  # the list with the failed norms, nothing more
    assert "SCHUIL-1" not in page.content() and "Schuiladres" not in page.content()


def test_the_location_picker_searches_every_location(new_context, world, create_location):
    for n in range(40):
        create_location(code=f"EXTRA-{n:02d}", name=f"Extra locatie {n:02d}", municipality="Ede")
    page = new_context(**PHONE, service_workers="block").new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    expect(page.locator("#location-results li")).to_have_count(30)
    expect(page.locator("#location-more")).to_have_text("nog 13, zoek verder")
    # The last ones alphabetically are found by a search.
    page.fill("#location-search", "locatie 39")
    expect(page.locator("#location-results li")).to_have_count(1)
    expect(page.locator("#location-more")).to_have_text("")
    page.fill("#location-search", "ede")
    expect(page.locator("#location-more")).to_have_text("nog 10, zoek verder")
    page.click(".lang-switch button[data-lang='en']")
    expect(page.locator("#location-more")).to_have_text("10 more, refine the search")


def test_the_map_shows_one_marker_per_location(new_context, world, client, login, check_page):
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
    popup_inside_map(page)
    screenshot(page, "map")
    check_page(page, "the map with a popup")
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)

    # Every marker is reached by the keyboard and opens its popup with Enter.
    focusable = page.eval_on_selector_all(
        "path.status-marker", "nodes => nodes.filter(n => n.tabIndex === 0).length"
    )
    assert focusable == len(placed)
    marker = page.locator("path.status-marker-meets_norms")
    expect(marker).to_have_attribute("aria-label", "AZC Ter Apel: Voldoet aan de normen")
    marker.focus()
    page.keyboard.press("Enter")
    expect(popup).to_contain_text("AZC Ter Apel")
    expect(page.locator(".leaflet-popup-close-button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()

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
    # Every popup opens inside the map, clear of the zoom buttons, wherever its marker is.
    for index in range(len(placed)):
        phone.locator("path.status-marker").nth(index).focus()
        phone.keyboard.press("Enter")
        expect(phone.locator(".leaflet-popup-content h3")).to_be_visible()
        popup_inside_map(phone)
        if index == 0:
            screenshot(phone, "map-phone", full_page=False)
        phone.keyboard.press("Escape")
        expect(phone.locator(".leaflet-popup")).to_have_count(0)
    check_page(phone, "the map on a phone")


def test_the_map_links_a_protected_shelter_only_for_whom_it_is_not_masked(
    new_context, world, create_location
):
    """The map knows a masked location by the export's flag: no page to link it to."""
    for code, name, confidential in (
        ("OPEN-VUGHT", "Azc Vught", False),
        ("SCHUIL-VUGHT", "Schuiladres Vught", True),
    ):
        create_location(
            code=code, name=name, municipality="Vught", province="Noord-Brabant",
            latitude=51.66, longitude=5.29, confidential=confidential,
        )  # fmt: skip

    def popups(username: str) -> dict[str, int]:
        """The title of each popup in Noord-Brabant, and how many links it has."""
        page = new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL").new_page()
        page.goto(f"{world.url}/map")
        log_in(page, world, username)
        expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
        page.select_option("#map-province", "Noord-Brabant")
        expect(page.locator("path.status-marker")).to_have_count(2)
        found = {}
        for index in range(2):
            # The two lie on one point for a viewer (the municipality's mean): by keyboard.
            page.locator("path.status-marker").nth(index).focus()
            page.keyboard.press("Enter")
            popup = page.locator(".leaflet-popup-content")
            expect(popup.locator("h3")).to_be_visible()
            found[popup.locator("h3").inner_text()] = popup.locator("a").count()
            page.keyboard.press("Escape")
            expect(popup).to_have_count(0)
        return found

    assert popups(world.viewer) == {"Azc Vught": 1, "Vertrouwelijke locatie": 0}
    assert popups(world.coordinator) == {"Azc Vught": 1, "Schuiladres Vught": 1}


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

    # The province filter zooms the map: hover once the marker has stopped moving.
    marker = page.locator("path.status-marker")
    box = None
    for _ in range(40):
        now = marker.bounding_box()
        if now is not None and now == box:
            break
        box = now
        page.wait_for_timeout(250)
    tooltip = page.locator(".leaflet-tooltip")
    for _ in range(5):
        page.mouse.move(0, 0)
        page.locator("path.status-marker").hover()
        if tooltip.count():
            break
        page.wait_for_timeout(300)

    expect(tooltip).to_have_text(name)
    expect(tooltip.locator("img, b")).to_have_count(0)
    assert page.evaluate("document.body.dataset.hacked") is None
    page.locator("path.status-marker").click()
    expect(page.locator(".leaflet-popup-content h3")).to_have_text(name)


def test_the_form_says_which_groups_are_open_and_sends_only_when_confirmed(
    new_context, world, check_page
):
    page = new_context(**PHONE, service_workers="block").new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.inspector)
    page.fill("#location-search", "boot")
    page.click(f"#location-results button[data-code='{world.emergency}']")
    page.fill("[name='answers.residents_present']", "100")
    page.fill("[name='answers.children_present']", "30")
    page.click("#submit")
    incomplete = page.locator("#incomplete")
    expect(incomplete).to_be_visible()
    groups = page.locator("#incomplete-groups li")
    assert groups.count() >= 5
    expect(page.locator("#incomplete-groups li[data-group='general']")).to_contain_text("open")
    # Going on filling in sends nothing.
    page.click("#keep-filling")
    expect(incomplete).to_be_hidden()
    assert inspections_of(world.emergency) == []
    page.click("#submit")
    expect(incomplete).to_be_visible()
    page.click("#send-incomplete")
    expect(page.locator("#result")).to_be_visible()
    assert len(inspections_of(world.emergency)) == 1
    check_page(page, "the form after sending an incomplete checklist")


def test_every_page_speaks_english_when_asked(new_context, world, check_page):
    page = new_context(**PHONE, service_workers="block").new_page()
    page.goto(f"{world.url}/")
    log_in(page, world, world.manager)
    expect(page.locator("#overview-title")).to_have_text("Mijn locaties")
    page.click(".lang-switch button[data-lang='en']")
    expect(page.locator("#overview-title")).to_have_text("My locations")
    expect(page).to_have_title("Overview · Supervision of children in asylum reception")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert navigation(page) == ["Overview", "Map"]
    expect(page.locator("label[for='filter-text']")).to_have_text(
        "Search by name, code or municipality"
    )
    expect(page.locator(f"li[data-code='{world.azc}']")).to_contain_text("Latest visit")
    check_page(page, "the overview in English")

    page.goto(f"{world.url}/locations/{world.azc}")
    expect(page.locator("#wrong-heading")).to_have_text("What is wrong, and since when")
    expect(page.locator("#visits-state")).to_contain_text("the latest first")
    expect(page.locator("#location-facts")).to_contain_text("Municipality")
    check_page(page, "a location in English")

    page.goto(f"{world.url}/map")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of the locations")
    expect(page.locator("#map-state")).to_have_text("1 location")
    check_page(page, "the map in English")

    # The form follows the same choice, and back to Dutch everywhere.
    page.goto(f"{world.url}/form")
    expect(page.locator("#role-notice")).to_contain_text("This form is for inspectors")
    page.click(".lang-switch button[data-lang='nl']")
    page.goto(f"{world.url}/")
    expect(page.locator("#overview-title")).to_have_text("Mijn locaties")


def test_the_form_on_a_desktop(new_context, world, check_page):
    page = new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", service_workers="block"
    ).new_page()
    page.goto(f"{world.url}/form")
    log_in(page, world, world.coordinator)
    assert navigation(page) == ["Overzicht", "Kaart", "Rapporten", "Formulier"]
    expect(page.locator("#session-user")).to_have_text("Ingelogd als coordinator (coördinator)")
    page.fill("#location-search", "zwolle")
    page.click(f"#location-results button[data-code='{world.crisis}']")
    expect(page.locator("[name='answers.residents_present']")).to_be_visible()
    screenshot(page, "form-desktop", full_page=False)
    check_page(page, "the form on a desktop")
