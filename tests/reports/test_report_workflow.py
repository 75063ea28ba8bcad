"""The states of a visit's report, who may move it on, the hearing's deadline and the audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from inspection.db import db
from inspection.models import AuditEvent, Report
from inspection.reports.workflow import today

STATES = ("concept", "hearing", "adopted", "published")
ROLES = ("inspector", "other_inspector", "manager", "other_manager", "coordinator", "viewer")
HANDLING = {"handling": "De reactie is meegewogen; HYG-01 blijft staan."}
REACTION = {"text": "Twee toiletten zijn inmiddels gerepareerd.", "corrections": {}}


def test_the_visits_inspector_writes_a_concept_and_a_second_call_finds_it(world):
    first = world.call("POST", f"/inspections/{world.visits['OWN']}/report", "inspector")
    again = world.call("POST", f"/inspections/{world.visits['OWN']}/report", "coordinator")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    report = first.get_json()
    assert report["state"] == "concept"
    assert report["location"]["code"] == "OWN"
    assert report["created_by"] == world.users["inspector"].username
    assert report["actions"] == ["send"]
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("inspector", 201),
        ("coordinator", 201),
        ("other_inspector", 403),
        ("manager", 403),
        ("viewer", 403),
    ],
)
def test_who_may_write_a_visits_report(world, role, expected):
    response = world.call("POST", f"/inspections/{world.visits['OWN']}/report", role)

    assert response.status_code == expected, response.get_json()


def test_a_report_of_an_unknown_visit_is_not_found(world):
    response = world.call("POST", "/inspections/no-such-visit/report", "coordinator")

    assert response.status_code == 404


# Each move: the state it starts from, who may make it, and its body.
MOVES = {
    "send": ("concept", {"inspector", "coordinator"}, None),
    "reactions": ("hearing", {"manager"}, REACTION),
    "adopt": ("hearing", {"coordinator"}, HANDLING),
    "publish": ("adopted", {"coordinator"}, None),
}
ROLE_MAY_EVER = {
    "send": {"inspector", "other_inspector", "coordinator"},
    "reactions": {"manager", "other_manager"},
    "adopt": {"coordinator"},
    "publish": {"coordinator"},
}
READS = {
    # Which roles may read a report of OWN in each state.
    "concept": {"inspector", "other_inspector", "coordinator"},
    "hearing": {"inspector", "other_inspector", "coordinator", "manager"},
    "adopted": {"inspector", "other_inspector", "coordinator", "manager"},
    "published": {"inspector", "other_inspector", "coordinator", "manager", "viewer"},
}


def expected_status(move: str, state: str, role: str) -> int:
    start, movers, _ = MOVES[move]
    if role not in ROLE_MAY_EVER[move]:
        return 403
    if role not in READS[state]:
        return 404
    if move == "reactions" and role != "manager":
        return 404
    if role not in movers:
        return 403
    return 200 if state == start else 409


CASES = [(move, state) for move in MOVES for state in STATES]


@pytest.mark.parametrize(("move", "state"), CASES, ids=["-".join(c) for c in CASES])
def test_every_move_in_every_state_for_every_role(world, move, state):
    """Each role tries the move on a report in ``state``; one that may make it gets a
    report of its own, so that the others still find the state they are refused in."""
    refused = world.report_in(state)
    moved_to = {"send": "hearing", "adopt": "adopted", "publish": "published"}.get(move, state)
    for role in ROLES:
        expected = expected_status(move, state, role)
        report_id = world.report_in(state, fresh=True) if expected == 200 else refused
        if move == "adopt" and state == "hearing":
            world.call("POST", f"/reports/{report_id}/reactions", "manager", json=REACTION)
        if move == "reactions" and expected == 200:
            expected = 201

        response = world.call("POST", f"/reports/{report_id}/{move}", role, json=MOVES[move][2])

        assert response.status_code == expected, (role, response.get_json())
        after = world.call("GET", f"/reports/{report_id}", "coordinator").get_json()
        assert after["state"] == (moved_to if expected in (200, 201) else state), role


def test_each_move_is_audited_with_who_and_when(world):
    report_id = world.report_in("published")

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "report", AuditEvent.subject_id == str(report_id))
        .order_by(AuditEvent.id)
    ).all()

    assert [e.action for e in events] == [
        "report.created",
        "report.hearing",
        "report.reacted",
        "report.adopted",
        "report.published",
    ]
    users = world.users
    assert [e.actor_id for e in events] == [
        users["inspector"].id,
        users["inspector"].id,
        users["manager"].id,
        users["coordinator"].id,
        users["coordinator"].id,
    ]
    assert all(e.occurred_at is not None for e in events)
    assert events[3].details["handling"] == "De reactie is meegewogen."
    report = world.call("GET", f"/reports/{report_id}", "coordinator").get_json()
    assert report["sent_by"] == users["inspector"].username
    assert report["adopted_by"] == users["coordinator"].username
    assert report["published_by"] == users["coordinator"].username
    assert report["handling"] == "De reactie is meegewogen."
    assert report["published_at"] >= report["adopted_at"] >= report["sent_at"]


def test_sending_opens_the_hearing_for_fourteen_days(world):
    report_id = world.report_in("concept")

    sent = world.call("POST", f"/reports/{report_id}/send", "inspector").get_json()

    assert sent["state"] == "hearing"
    assert sent["reaction_due"] == (today() + timedelta(days=14)).isoformat()
    as_manager = world.call("GET", f"/reports/{report_id}", "manager").get_json()
    assert as_manager["actions"] == ["react"]
    # The coordinator waits for the reaction or the deadline.
    assert world.call("GET", f"/reports/{report_id}", "coordinator").get_json()["actions"] == []


def test_the_hearings_length_is_configurable(app, world):
    app.config["HEARING_DAYS"] = 28
    report_id = world.report_in("concept")

    sent = world.call("POST", f"/reports/{report_id}/send", "coordinator").get_json()

    assert sent["reaction_due"] == (today() + timedelta(days=28)).isoformat()


def _set_due(report_id: int, day: date) -> None:
    db.session.execute(update(Report).where(Report.id == report_id).values(reaction_due=day))
    db.session.commit()


def test_the_manager_reacts_until_the_end_of_the_due_day_and_not_after(world):
    report_id = world.report_in("hearing")
    _set_due(report_id, today())

    on_the_day = world.call("POST", f"/reports/{report_id}/reactions", "manager", json=REACTION)
    _set_due(report_id, today() - timedelta(days=1))
    too_late = world.call("POST", f"/reports/{report_id}/reactions", "manager", json=REACTION)

    assert on_the_day.status_code == 201
    assert too_late.status_code == 409
    assert (
        today().isoformat() in too_late.get_json()["error"]["message"]
        or "closed" in (too_late.get_json()["error"]["message"])
    )
    reactions = world.call("GET", f"/reports/{report_id}", "coordinator").get_json()["reactions"]
    assert len(reactions) == 1


def test_adoption_waits_for_the_reaction_or_the_deadline(world):
    report_id = world.report_in("hearing")

    early = world.call("POST", f"/reports/{report_id}/adopt", "coordinator", json=HANDLING)
    _set_due(report_id, today() - timedelta(days=1))
    after_deadline = world.call("POST", f"/reports/{report_id}/adopt", "coordinator", json=HANDLING)

    assert early.status_code == 409
    assert after_deadline.status_code == 200
    assert after_deadline.get_json()["state"] == "adopted"


def test_a_reaction_carries_corrections_per_norm(world):
    report_id = world.report_in("hearing")
    body = {"text": "Zie correcties.", "corrections": {"HYG-01": "Er zijn 25 toiletten."}}

    response = world.call("POST", f"/reports/{report_id}/reactions", "manager", json=body)

    assert response.status_code == 201
    (reaction,) = response.get_json()["reactions"]
    assert reaction["corrections"] == {"HYG-01": "Er zijn 25 toiletten."}
    assert reaction["author"] == world.users["manager"].username


def test_a_correction_of_an_unknown_norm_is_refused_naming_it(world):
    report_id = world.report_in("hearing")
    body = {"text": "Zie correcties.", "corrections": {"XYZ-99": "Bestaat niet."}}

    response = world.call("POST", f"/reports/{report_id}/reactions", "manager", json=body)

    assert response.status_code == 422
    assert "corrections.XYZ-99" in response.get_json()["error"]["fields"]
    assert world.call("GET", f"/reports/{report_id}", "coordinator").get_json()["reactions"] == []


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "ok", "corrections": {"HYG-01": ""}}, {"text": 5}],
)
def test_a_reaction_without_text_is_refused_naming_the_field(world, body):
    report_id = world.report_in("hearing")

    response = world.call("POST", f"/reports/{report_id}/reactions", "manager", json=body)

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]


def test_adoption_without_handling_is_refused_naming_the_field(world):
    report_id = world.report_in("hearing")
    world.call("POST", f"/reports/{report_id}/reactions", "manager", json=REACTION)

    response = world.call("POST", f"/reports/{report_id}/adopt", "coordinator", json={})

    assert response.status_code == 422
    assert "handling" in response.get_json()["error"]["fields"]


# --- who reads what ------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_report_in_each_state(world, state, role):
    report_id = world.report_in(state)

    one = world.call("GET", f"/reports/{report_id}", role)
    listed = world.call("GET", "/reports", role).get_json()["items"]

    may = role in READS[state]
    assert one.status_code == (200 if may else 404)
    assert [r["id"] for r in listed] == ([report_id] if may else [])


def test_a_manager_never_sees_another_locations_report(world):
    report_id = world.report_in("published", location="OTHER")

    assert world.call("GET", f"/reports/{report_id}", "manager").status_code == 404
    assert world.call("GET", "/reports?location=OTHER", "manager").get_json()["items"] == []
    assert world.call("GET", f"/reports/{report_id}", "other_manager").status_code == 200


def test_a_viewer_reads_a_confidential_locations_report_masked(world):
    report_id = world.report_in("published", location="SECRET")

    report = world.call("GET", f"/reports/{report_id}", "viewer").get_json()
    listed = world.call("GET", "/reports", "viewer").get_data(as_text=True)

    assert report["location"]["masked"] is True
    assert report["location"]["name"] == "Vertrouwelijke locatie"
    assert "SECRET" not in report["location"]["code"]
    assert "SECRET" not in listed and "Beschermde opvang" not in listed
    assert report["inspection"] is None
    assert report["created_by"] is None
    coordinator = world.call("GET", f"/reports/{report_id}", "coordinator").get_json()
    assert coordinator["location"]["name"] == "Beschermde opvang"


def test_the_list_filters_by_location_and_state(world):
    own = world.report_in("published", location="OWN")
    other = world.report_in("hearing", location="OTHER")

    by_location = world.call("GET", "/reports?location=OTHER", "coordinator").get_json()
    by_state = world.call("GET", "/reports?state=published", "coordinator").get_json()

    assert [r["id"] for r in by_location["items"]] == [other]
    assert [r["id"] for r in by_state["items"]] == [own]
    assert world.call("GET", "/reports?state=draft", "coordinator").status_code == 422
