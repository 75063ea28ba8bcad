"""After an erratum a coordinator rescores a version; the old verdicts stay in the audit log.

Submissions that arrive while an erratum is being rescored end up scored by
the erratum: there the app runs in a real threaded HTTP server, and phones
keep posting while ``flask norms rescore --document ERRATUM`` runs in the
test's own thread.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest
import yaml
from kept_state import kept_state
from sqlalchemy import insert, select

from inspection.db import db
from inspection.location_state import refresh
from inspection.models import AuditEvent, Inspection, Location
from inspection.norm_sets import DEFAULT_NORM_SET_FILE, read_document
from inspection.submissions import Submission, submit_inspection


@pytest.fixture
def stored(norm_set, create_location, create_user, passing_answers):
    create_location(code="TER-APEL", type="azc")
    inspector = create_user("inspector")
    ids = []
    for toilets in (20, 12, 9):  # 10.0, 16.7 and 22.2 residents per toilet for 200 residents
        submission = Submission(
            id=str(uuid.uuid4()),
            location="TER-APEL",
            observed_at=datetime.fromisoformat("2026-11-20T10:15:00+01:00"),
            answers={**passing_answers, "toilets_working": toilets},
        )
        ids.append(submit_inspection(submission, inspector)[0].id)
    db.session.commit()
    return ids


def erratum(tmp_path, azc_max):
    document = copy.deepcopy(read_document(DEFAULT_NORM_SET_FILE))
    hyg01 = next(n for n in document["norms"] if n["code"] == "HYG-01")
    hyg01["rule"]["max"] = {"default": 20, "azc": azc_max}
    path = tmp_path / "erratum.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def statuses(ids):
    db.session.expire_all()
    return [db.session.get(Inspection, i).status for i in ids]


def test_an_erratum_rescores_and_keeps_the_previous_scores(cli, stored, tmp_path):
    assert statuses(stored) == ["meets_norms", "below_norm", "below_norm"]

    result = cli.invoke(
        args=[
            "norms",
            "rescore",
            "--catalogue",
            "nl-children",
            "--version",
            "2023.1",
            "--document",
            str(erratum(tmp_path, azc_max=20)),
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Rescored 3 inspections of nl-children 2023.1: 1 changed" in result.output
    assert statuses(stored) == ["meets_norms", "meets_norms", "below_norm"]
    # Even where the verdict stayed, the stored result shows the corrected threshold.
    unchanged = db.session.get(Inspection, stored[0])
    hyg01 = next(r for r in unchanged.results if r["norm"] == "HYG-01")
    assert hyg01["threshold"]["max"] == 20
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "inspection.rescored")
    ).all()
    assert [e.subject_id for e in events] == [stored[1]]
    assert events[0].details["previous"]["status"] == "below_norm"
    assert events[0].details["current"]["status"] == "meets_norms"
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    # The findings the rescoring changed are audited between (HYG-01 failed once less).
    scores = [a for a in actions if not a.startswith("finding.")]
    assert scores[-2:] == ["inspection.rescored", "norm_set.rescored"]
    assert "finding.changed" in actions
    assert "norm_set.corrected" in actions


def test_rescoring_without_a_change_changes_nothing(cli, stored):
    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "2023.1"]
    )

    assert "Rescored 3 inspections of nl-children 2023.1: 0 changed" in result.output
    assert statuses(stored) == ["meets_norms", "below_norm", "below_norm"]


def test_an_erratum_cannot_change_the_version(cli, stored, tmp_path):
    path = erratum(tmp_path, azc_max=20)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["version"] = "2023.2"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")

    result = cli.invoke(
        args=[
            "norms",
            "rescore",
            "--catalogue",
            "nl-children",
            "--version",
            "2023.1",
            "--document",
            str(path),
        ]
    )

    assert result.exit_code != 0
    assert "keeps catalogue, version and valid_from" in result.output
    assert statuses(stored) == ["meets_norms", "below_norm", "below_norm"]


def test_an_unknown_version_is_reported(cli, norm_set):
    result = cli.invoke(
        args=["norms", "rescore", "--catalogue", "nl-children", "--version", "1999"]
    )

    assert result.exit_code != 0
    assert "No norm set nl-children 1999" in result.output


# --- submissions racing a rescore -----------------------------------------------------------

STORED = 1000
PHONES = 4
RESENDS = 20
# 200 residents and 12 working toilets: 16.7 residents per toilet, below the
# norm of 2023.1 (at most 15 in an azc) and within the erratum's (at most 20).
TOILETS = 12


@dataclass(frozen=True)
class Sent:
    id: str
    status: int
    sent: float
    answered: float


@pytest.fixture
def stored_many(norm_set, create_location, create_user, passing_answers) -> None:
    """STORED inspections of 2023.1 below the norm, copied from one real submission."""
    create_location(code="TER-APEL", type="azc")
    inspector = create_user("inspector")
    first = Submission(
        id=str(uuid.uuid4()),
        location="TER-APEL",
        observed_at=datetime.fromisoformat("2026-11-20T10:15:00+01:00"),
        answers={**passing_answers, "toilets_working": TOILETS},
    )
    inspection, _ = submit_inspection(first, inspector)
    db.session.commit()
    assert inspection.status == "below_norm"
    row = dict(db.session.execute(select(Inspection.__table__)).mappings().one())
    db.session.execute(
        insert(Inspection.__table__), [{**row, "id": str(uuid.uuid4())} for _ in range(STORED - 1)]
    )
    db.session.commit()


def post(url: str, body: dict, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_submissions_during_a_rescore_are_scored_by_the_erratum(
    cli, threaded_server, stored_many, headers_for, make_submission, passing_answers, tmp_path
):
    headers = headers_for("inspector")
    url = f"{threaded_server}/api/v1/inspections"
    stop = threading.Event()
    sent: list[Sent] = []

    def phone() -> None:
        while not stop.is_set():
            body = make_submission(answers={**passing_answers, "toilets_working": TOILETS})
            began = time.monotonic()
            # On SQLite a submission waits for the rescore's write lock, up to its busy
            # timeout; a phone whose send failed sends the same again later.
            for _ in range(RESENDS):
                status = post(url, body, headers)
                if status < 500:
                    break
                time.sleep(0.2)
            sent.append(Sent(body["id"], status, began, time.monotonic()))

    phones = [threading.Thread(target=phone) for _ in range(PHONES)]
    for thread in phones:
        thread.start()
    try:
        while len(sent) < 2 * PHONES:
            time.sleep(0.01)
        started = time.monotonic()
        result = cli.invoke(
            args=[
                "norms",
                "rescore",
                "--catalogue",
                "nl-children",
                "--version",
                "2023.1",
                "--document",
                str(erratum(tmp_path, azc_max=20)),
            ]
        )
        finished = time.monotonic()
        settled = len(sent)
        while len(sent) < settled + 2 * PHONES:
            time.sleep(0.01)
    finally:
        stop.set()
        for thread in phones:
            thread.join(timeout=60)

    assert result.exit_code == 0, result.output
    assert {s.status for s in sent} == {201}, [s.status for s in sent if s.status != 201]
    # The premise: phones were sending while the rescore ran.
    during = [s for s in sent if s.sent < finished and s.answered > started]
    assert len(during) >= PHONES, (len(during), finished - started)
    db.session.expire_all()
    statuses = db.session.execute(
        select(Inspection.status, db.func.count()).group_by(Inspection.status)
    ).all()
    assert dict(statuses) == {"meets_norms": STORED + len(sent)}
    # The picture, its days and the findings are those of every visit, the late ones included.
    kept = kept_state()
    refresh(db.session, db.session.scalars(select(Location.id)).all())
    db.session.flush()
    assert kept_state() == kept
