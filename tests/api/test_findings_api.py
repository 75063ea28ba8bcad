"""Findings through HTTP: kept in step with the visits, answered by managers, scoped per role."""

from __future__ import annotations

import copy
import io
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspection.db import db
from inspection.engine import AMSTERDAM
from inspection.models import AuditEvent
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document
from inspection.rescoring import correct_norm_set, rescore

FINDINGS = "/api/v1/findings"
INSPECTIONS = "/api/v1/inspections"
# 200 residents: toilets give 10.0 (pass at an azc), 13.3 and 18.2 (major), 66.7 (critical).
TOILETS = {"pass": 20, "major": 15, "worse": 11, "critical": 3}


def days_ago(days: int, hour: int = 10) -> str:
    moment = datetime.now(AMSTERDAM).replace(hour=hour, minute=0, second=0, microsecond=0)
    return (moment - timedelta(days=days)).isoformat()


@pytest.fixture
def site(norm_set, create_location):
    create_location(code="TER-APEL", type="azc")
    create_location(code="BUDEL", type="azc")


@pytest.fixture
def inspector(site, headers_for):
    return headers_for("inspector")


@pytest.fixture
def visit(client, inspector):
    """Send a partial visit of TER-APEL: the toilets (HYG-01) or the infants (HYG-03)."""

    def _visit(when: str, toilets: str | None = None, infants: int | None = None, **kw) -> str:
        answers: dict = {"residents_present": 200}
        if toilets is not None:
            answers["toilets_working"] = TOILETS[toilets]
        if infants is not None:
            answers.update(children_present=60, infants_present=infants)
            if infants:
                answers["baby_changing_facilities"] = False
        body = {
            "id": kw.get("id", str(uuid.uuid4())),
            "location": kw.get("location", "TER-APEL"),
            "observed_at": when,
            "answers": answers,
        }
        response = client.post(INSPECTIONS, json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()
        return body["id"]

    return _visit


def findings(client, headers, **query) -> list[dict]:
    response = client.get(FINDINGS, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def hyg01(client, headers, state: str = "all") -> list[dict]:
    return [f for f in findings(client, headers, state=state) if f["norm"] == "HYG-01"]


# --- kept in step with the visits ---------------------------------------------------------


def test_a_failure_opens_a_finding_with_its_deadline(client, inspector, visit):
    v1 = visit(days_ago(5), toilets="major")
    [finding] = findings(client, inspector)
    opened = datetime.fromisoformat(days_ago(5))
    assert finding["location"] == "TER-APEL"
    assert finding["norm"] == "HYG-01"
    assert finding["title"]["nl"]
    assert (finding["state"], finding["severity"], finding["repeats"]) == ("open", "major", 0)
    assert datetime.fromisoformat(finding["opened_at"]) == opened
    assert date.fromisoformat(finding["deadline"]) == opened.date() + timedelta(days=30)
    assert finding["overdue"] is False
    assert finding["inspections"] == [v1]
    assert finding["value"] == pytest.approx(200 / 15)
    assert finding["threshold"]["max"] == 10
    assert finding["resolved_at"] is None and finding["responses"] == []
    detail = client.get(f"{FINDINGS}/{finding['id']}", headers=inspector).get_json()
    assert detail == finding


def test_an_unanswered_visit_does_not_break_a_run_of_failures(client, inspector, visit):
    v1 = visit(days_ago(20), toilets="major")
    visit(days_ago(15), infants=0)  # the toilets are not counted this time
    v3 = visit(days_ago(10), toilets="worse")
    [finding] = hyg01(client, inspector)
    assert finding["state"] == "open"
    assert finding["inspections"] == [v1, v3]
    assert finding["repeats"] == 1


def test_a_pass_resolves_and_a_response_never_does(client, inspector, visit, headers_for):
    manager = headers_for("manager", ("TER-APEL",))
    visit(days_ago(20), toilets="major")
    [finding] = findings(client, manager)
    answered = client.post(
        f"{FINDINGS}/{finding['id']}/responses",
        json={"text": "Twee toiletten gerepareerd", "planned_date": "2026-12-01"},
        headers=manager,
    )
    assert answered.status_code == 201
    assert findings(client, manager)[0]["state"] == "open"
    v2 = visit(days_ago(10), toilets="pass")
    assert findings(client, manager) == []
    [resolved] = findings(client, manager, state="resolved")
    assert resolved["id"] == finding["id"]
    assert resolved["closed_by"] == v2
    assert datetime.fromisoformat(resolved["resolved_at"]) == datetime.fromisoformat(days_ago(10))
    assert [r["text"] for r in resolved["responses"]] == ["Twee toiletten gerepareerd"]


def test_not_applicable_lapses_a_finding(client, inspector, visit):
    visit(days_ago(20), infants=3)  # babies, no changing table: HYG-03 fails
    [opened] = [f for f in findings(client, inspector) if f["norm"] == "HYG-03"]
    v2 = visit(days_ago(10), infants=0)  # no babies any more: HYG-03 does not apply
    [lapsed] = [f for f in findings(client, inspector, state="lapsed") if f["norm"] == "HYG-03"]
    assert (lapsed["id"], lapsed["closed_by"], lapsed["resolved_at"]) == (opened["id"], v2, None)


def test_a_later_critical_failure_raises_the_severity(client, inspector, visit):
    visit(days_ago(40), toilets="major")
    [before] = hyg01(client, inspector)
    assert (before["severity"], before["overdue"]) == ("major", True)  # 40 days > 30
    visit(days_ago(1), toilets="critical")
    [after] = hyg01(client, inspector)
    assert after["id"] == before["id"]
    assert after["severity"] == "critical"
    opened = datetime.fromisoformat(days_ago(40)).date()
    assert date.fromisoformat(after["deadline"]) == opened + timedelta(days=2)
    assert [f["id"] for f in findings(client, inspector, severity="critical")] == [after["id"]]
    assert findings(client, inspector, severity="minor") == []


def test_overdue_findings_and_the_filter(client, inspector, visit):
    visit(days_ago(3), toilets="critical")  # deadline two days after: passed
    visit(days_ago(1), location="BUDEL", toilets="major")
    overdue = findings(client, inspector, overdue="true")
    assert [(f["location"], f["overdue"]) for f in overdue] == [("TER-APEL", True)]
    assert [f["location"] for f in findings(client, inspector, overdue="false")] == ["BUDEL"]


def test_a_late_arrival_between_two_stored_visits(client, inspector, visit, headers_for):
    coordinator = headers_for("coordinator")
    v1 = visit(days_ago(20), toilets="major")
    v3 = visit(days_ago(5), toilets="major")
    [run] = hyg01(client, inspector)
    assert run["inspections"] == [v1, v3]
    client.post(f"{FINDINGS}/{run['id']}/responses", json={"text": "Besteld"}, headers=coordinator)
    # A phone that was offline sends a visit of ten days ago: the toilets were fine then.
    v2 = visit(days_ago(10), toilets="pass")
    first, second = sorted(hyg01(client, inspector), key=lambda f: f["opened_at"])
    assert (first["id"], first["state"], first["closed_by"]) == (run["id"], "resolved", v2)
    assert first["inspections"] == [v1]
    assert [r["text"] for r in first["responses"]] == ["Besteld"]
    assert (second["state"], second["inspections"], second["responses"]) == ("open", [v3], [])
    assert second["id"] != run["id"]


def test_a_late_failure_before_the_first_extends_the_run(client, inspector, visit):
    v2 = visit(days_ago(5), toilets="major")
    [run] = hyg01(client, inspector)
    v1 = visit(days_ago(9), toilets="major")
    [extended] = hyg01(client, inspector)
    assert extended["id"] == run["id"]
    assert extended["inspections"] == [v1, v2]
    assert datetime.fromisoformat(extended["opened_at"]) == datetime.fromisoformat(days_ago(9))


# --- rescoring ------------------------------------------------------------------------------


def erratum(azc_max: float) -> dict:
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    norm = next(n for n in document["norms"] if n["code"] == "HYG-01")
    norm["rule"]["max"] = {"default": 20, "azc": azc_max}
    return document


def rescored(document: dict) -> None:
    from inspection.norm_sets import get_norm_set

    correct_norm_set(get_norm_set("nl-children", "2023.1"), document, None)
    rescore("nl-children", "2023.1")
    db.session.commit()


def test_rescoring_that_changes_a_past_outcome_keeps_identity_and_responses(
    client, inspector, visit, headers_for
):
    manager = headers_for("manager", ("TER-APEL",))
    visit(days_ago(20), toilets="major")  # 13.3 per toilet
    v2 = visit(days_ago(10), toilets="worse")  # 18.2 per toilet
    [run] = hyg01(client, inspector)
    client.post(f"{FINDINGS}/{run['id']}/responses", json={"text": "Loodgieter"}, headers=manager)

    rescored(erratum(azc_max=15))  # the first visit passes now, the second still fails
    [kept] = hyg01(client, inspector)
    assert kept["id"] == run["id"]
    assert kept["inspections"] == [v2]
    assert datetime.fromisoformat(kept["opened_at"]) == datetime.fromisoformat(days_ago(10))
    assert [r["text"] for r in kept["responses"]] == ["Loodgieter"]

    rescored(erratum(azc_max=20))  # no failure at all: the answered finding is withdrawn
    [withdrawn] = hyg01(client, inspector)
    assert (withdrawn["id"], withdrawn["state"]) == (run["id"], "withdrawn")
    assert [r["text"] for r in withdrawn["responses"]] == ["Loodgieter"]
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"finding.opened", "finding.changed", "finding.withdrawn"} <= set(actions)

    rescored(erratum(azc_max=10))  # the failures are back, and so is the finding
    [revived] = hyg01(client, inspector)
    assert (revived["id"], revived["state"], revived["repeats"]) == (run["id"], "open", 1)


def test_a_finding_without_responses_that_a_rescoring_undoes_is_removed(client, inspector, visit):
    visit(days_ago(10), toilets="major")
    [run] = hyg01(client, inspector)
    rescored(erratum(azc_max=15))
    assert hyg01(client, inspector) == []
    assert client.get(f"{FINDINGS}/{run['id']}", headers=inspector).status_code == 404
    removed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finding.removed")
    ).all()
    assert [e.subject_id for e in removed] == [str(run["id"])]


def test_an_erratum_of_the_follow_up_days_moves_the_deadlines(cli, client, inspector, visit):
    visit(days_ago(10), toilets="major")
    [run] = hyg01(client, inspector)
    assert run["follow_up_days"] == 30
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    norm = next(n for n in document["norms"] if n["code"] == "HYG-01")
    norm["follow_up_days"] = {"major": 14}
    path = Path(client.application.instance_path) / "erratum.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, default=str))

    # No outcome changes: only the deadline of the open finding does.
    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1",
              "--document", str(path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0 changed" in result.output
    [moved] = hyg01(client, inspector)
    assert moved["id"] == run["id"]
    assert moved["follow_up_days"] == 14
    assert date.fromisoformat(moved["deadline"]) == date.fromisoformat(run["deadline"]) - timedelta(
        days=16
    )


def test_a_rescoring_leaves_the_findings_of_other_norms_alone(client, inspector, visit):
    visit(days_ago(20), toilets="major", infants=4)
    visit(days_ago(10), toilets="worse", infants=4)
    before = {f["norm"]: f for f in findings(client, inspector, state="all")}
    assert {"HYG-01", "HYG-03"} <= set(before)
    audited = db.session.scalar(select(func.max(AuditEvent.id)))

    rescored(erratum(azc_max=15))  # HYG-01's first failure becomes a pass
    after = {f["norm"]: f for f in findings(client, inspector, state="all")}
    assert after["HYG-03"] == before["HYG-03"]
    assert after["HYG-01"]["inspections"] != before["HYG-01"]["inspections"]
    changed = db.session.scalars(
        select(AuditEvent.subject_id).where(
            AuditEvent.action == "finding.changed", AuditEvent.id > audited
        )
    ).all()
    assert changed == [str(before["HYG-01"]["id"])]


# --- scope and input ----------------------------------------------------------------------


@pytest.fixture
def two_findings(visit):
    visit(days_ago(3), toilets="major")
    visit(days_ago(3), location="BUDEL", toilets="major")


def test_who_reads_which_findings(client, headers_for, two_findings):
    inspector = headers_for("inspector")
    coordinator = headers_for("coordinator")
    manager = headers_for("manager", ("TER-APEL",))
    viewer = headers_for("viewer")
    assert {f["location"] for f in findings(client, inspector)} == {"TER-APEL", "BUDEL"}
    assert {f["location"] for f in findings(client, coordinator)} == {"TER-APEL", "BUDEL"}
    own = findings(client, manager)
    assert {f["location"] for f in own} == {"TER-APEL"}
    other = next(f for f in findings(client, inspector) if f["location"] == "BUDEL")
    assert client.get(f"{FINDINGS}/{other['id']}", headers=manager).status_code == 404
    assert (
        client.get(FINDINGS, query_string={"location": "BUDEL"}, headers=manager).status_code == 404
    )
    assert client.get(FINDINGS, headers=viewer).status_code == 403
    assert client.get(f"{FINDINGS}/{other['id']}", headers=viewer).status_code == 403
    assert client.get(FINDINGS).status_code == 401
    assert client.get(f"{FINDINGS}/999999", headers=inspector).status_code == 404


def test_who_may_respond(client, headers_for, two_findings):
    inspector = headers_for("inspector")
    manager = headers_for("manager", ("TER-APEL",))
    coordinator = headers_for("coordinator")
    viewer = headers_for("viewer")
    own = next(f for f in findings(client, inspector) if f["location"] == "TER-APEL")
    other = next(f for f in findings(client, inspector) if f["location"] == "BUDEL")
    body = {"text": "Wordt vrijdag gerepareerd", "planned_date": "2026-12-04"}
    url = f"{FINDINGS}/{own['id']}/responses"
    assert client.post(url, json=body, headers=inspector).status_code == 403
    assert client.post(url, json=body, headers=viewer).status_code == 403
    assert (
        client.post(f"{FINDINGS}/{other['id']}/responses", json=body, headers=manager).status_code
        == 404
    )
    made = client.post(url, json=body, headers=manager)
    assert made.status_code == 201
    response = made.get_json()
    assert (response["text"], response["planned_date"]) == (body["text"], "2026-12-04")
    assert response["photos"] == []
    assert client.post(url, json={"text": "Gecontroleerd"}, headers=coordinator).status_code == 201
    detail = client.get(f"{FINDINGS}/{own['id']}", headers=manager).get_json()
    assert [r["text"] for r in detail["responses"]] == [body["text"], "Gecontroleerd"]
    assert detail["state"] == "open"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finding.responded")
    ).first()
    assert event.subject_id == str(own["id"]) and event.details["text"] == body["text"]


def test_a_resent_response_is_stored_once(client, headers_for, two_findings):
    manager = headers_for("manager", ("TER-APEL",))
    [finding] = findings(client, manager)
    url = f"{FINDINGS}/{finding['id']}/responses"
    body = {"id": str(uuid.uuid4()), "text": "Besteld"}
    assert client.post(url, json=body, headers=manager).status_code == 201
    again = client.post(url, json=body, headers=manager)
    assert again.status_code == 200
    other = client.post(url, json={**body, "text": "Anders"}, headers=manager)
    assert other.status_code == 409
    assert len(findings(client, manager)[0]["responses"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 12}, "text"),
        ({"text": "ok", "planned_date": "volgende week"}, "planned_date"),
        ({"text": "ok", "planned_date": "2026-02-30"}, "planned_date"),
        ({"text": "ok", "id": "not-a-uuid"}, "id"),
        ({"text": "ok", "closed": True}, "closed"),
    ],
)
def test_bad_responses_are_refused_naming_the_field(client, headers_for, two_findings, body, field):
    manager = headers_for("manager", ("TER-APEL",))
    [finding] = findings(client, manager)
    response = client.post(f"{FINDINGS}/{finding['id']}/responses", json=body, headers=manager)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "closed"}, "state"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"severity": "huge"}, "severity"),
        ({"page": 0}, "page"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(client, inspector, query, field):
    response = client.get(FINDINGS, query_string=query, headers=inspector)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_list_is_paginated(client, inspector, visit):
    visit(days_ago(3), toilets="major")
    visit(days_ago(3), location="BUDEL", toilets="major")
    page = client.get(FINDINGS, query_string={"per_page": 1, "page": 2}, headers=inspector)
    body = page.get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (2, 2, 1, 1)


# --- photos as evidence -----------------------------------------------------------------------


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Fairphone"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_as_evidence_for_a_response(client, app, headers_for, two_findings):
    manager = headers_for("manager", ("TER-APEL",))
    other_manager = headers_for("manager", ("BUDEL",))
    inspector = headers_for("inspector")
    [finding] = findings(client, manager)
    made = client.post(
        f"{FINDINGS}/{finding['id']}/responses",
        json={"text": "Foto van de nieuwe toiletten"},
        headers=manager,
    ).get_json()
    url = f"{FINDINGS}/{finding['id']}/responses/{made['id']}/photos"
    photo_id = str(uuid.uuid4())
    upload = client.post(
        url,
        data={"photo": (io.BytesIO(jpeg_with_exif()), "toilet.jpg"), "id": photo_id},
        headers=manager,
    )
    assert upload.status_code == 201, upload.get_json()
    photo = upload.get_json()
    assert (photo["id"], photo["content_type"], photo["width"]) == (photo_id, "image/jpeg", 40)
    resend = client.post(
        url,
        data={"photo": (io.BytesIO(jpeg_with_exif()), "toilet.jpg"), "id": photo_id},
        headers=manager,
    )
    assert resend.status_code == 200
    image = client.get(photo["url"], headers=inspector)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(image.data)).getexif().get(0x010F) is None
    assert client.get(photo["url"], headers=other_manager).status_code == 404
    refused = client.post(
        url, data={"photo": (io.BytesIO(b"GIF89a not a photo"), "x.gif")}, headers=manager
    )
    assert refused.status_code == 415 and "photo" in refused.get_json()["error"]["fields"]
    app.config["PHOTO_MAX_BYTES"] = 100
    too_large = client.post(
        url, data={"photo": (io.BytesIO(jpeg_with_exif()), "t.jpg")}, headers=manager
    )
    assert too_large.status_code == 413 and "photo" in too_large.get_json()["error"]["fields"]
    app.config["PHOTO_MAX_BYTES"] = 8 * 1024 * 1024
    assert (
        client.post(
            url, data={"photo": (io.BytesIO(jpeg_with_exif()), "t.jpg")}, headers=other_manager
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{FINDINGS}/{finding['id']}/responses/nope/photos",
            data={"photo": (io.BytesIO(jpeg_with_exif()), "t.jpg")},
            headers=manager,
        ).status_code
        == 404
    )
    app.config["PHOTOS_PER_INSPECTION"] = 1
    too_many = client.post(
        url, data={"photo": (io.BytesIO(jpeg_with_exif()), "t.jpg")}, headers=manager
    )
    assert too_many.status_code == 422 and "photo" in too_many.get_json()["error"]["fields"]
    detail = client.get(f"{FINDINGS}/{finding['id']}", headers=manager).get_json()
    assert [p["id"] for p in detail["responses"][0]["photos"]] == [photo_id]
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "finding")
    ).all()
    assert events.count("finding.photo_added") == 1


def test_opened_at_is_the_visits_moment_in_dutch_time(client, inspector, visit):
    visit("2026-03-28T23:30:00+00:00", toilets="critical")  # 00:30 on 29 March in Amsterdam
    [finding] = hyg01(client, inspector)
    assert finding["opened_at"] == "2026-03-29T00:30:00+01:00"
    assert finding["deadline"] == "2026-03-31"
    assert datetime.fromisoformat(finding["opened_at"]).astimezone(UTC).hour == 23


def test_locations_count_their_open_and_overdue_findings(client, inspector, visit, headers_for):
    visit(days_ago(3), toilets="critical", infants=3)  # HYG-01 overdue, HYG-03 not yet
    detail = client.get("/api/v1/locations/TER-APEL", headers=inspector).get_json()
    assert (detail["open_findings"], detail["overdue_findings"]) == (2, 1)
    viewer = headers_for("viewer")
    listed = client.get("/api/v1/locations", headers=viewer).get_json()["items"]
    counts = {loc["code"]: (loc["open_findings"], loc["overdue_findings"]) for loc in listed}
    assert counts == {"TER-APEL": (2, 1), "BUDEL": (0, 0)}
