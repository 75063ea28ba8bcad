"""Nothing acknowledged is lost or stored twice when a server process dies mid-burst.

The app runs under gunicorn (two worker processes) on the test database.
Several phones post their queues at once; one worker is killed with SIGKILL
while they do; then every phone sends its whole queue again, as the phone
form does for whatever it holds no answer for. Every submission a phone got
an answer for is stored exactly once, with its audit event, and the resend
stores what the kill interrupted.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from inspection.db import db
from inspection.models import AuditEvent, Inspection

pytestmark = pytest.mark.slow

PHONES = 4
QUEUE = 20
KILL_AFTER = 15  # acknowledged submissions before a worker is killed
PASSWORD = "correct horse battery"


@pytest.fixture
def server(norm_set, create_location, create_user, start_gunicorn):
    create_location(code="TER-APEL", type="azc")
    create_user("inspector", username="inspecteur", password=PASSWORD)
    return start_gunicorn("--workers", "2", "--preload", "--timeout", "60")


def post(url: str, body: dict[str, Any], token: str | None = None) -> tuple[int, Any]:
    """POST JSON; the status and parsed body, or (0, the error) when no answer came."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:  # reset, refused, closed without an answer
        return 0, error


@dataclass
class Phone:
    queue: list[dict[str, Any]]
    acknowledged: set[str] = field(default_factory=set)
    lost: int = 0
    resent: dict[str, int] = field(default_factory=dict)


def test_a_killed_worker_loses_or_duplicates_no_submission(server, make_submission):
    status, login = post(
        f"{server.url}/api/v1/auth/tokens", {"username": "inspecteur", "password": PASSWORD}
    )
    assert status == 201, login
    token = login["token"]
    url = f"{server.url}/api/v1/inspections"
    phones = [
        Phone([make_submission(id=str(uuid.uuid4())) for _ in range(QUEUE)]) for _ in range(PHONES)
    ]
    acknowledged = threading.Semaphore(0)

    def send_queue(phone: Phone) -> None:
        for body in phone.queue:
            status, _ = post(url, body, token)
            if status in (200, 201):
                phone.acknowledged.add(body["id"])
                acknowledged.release()
            else:
                assert status == 0 or status >= 500, status
                phone.lost += 1

    threads = [threading.Thread(target=send_queue, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for _ in range(KILL_AFTER):
        assert acknowledged.acquire(timeout=60), server.log.read_text()[-3000:]
    victim = random.choice(server.workers())
    os.kill(victim, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=120)

    def resend_queue(phone: Phone) -> None:
        for body in phone.queue:
            for _ in range(20):  # the master starts a new worker; a moment without one is fine
                status, answer = post(url, body, token)
                if status:
                    break
                time.sleep(0.25)
            phone.resent[body["id"]] = status

    threads = [threading.Thread(target=resend_queue, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    every_id = [body["id"] for phone in phones for body in phone.queue]
    acknowledged_ids = set().union(*(phone.acknowledged for phone in phones))
    assert victim not in server.workers()
    assert len(acknowledged_ids) >= KILL_AFTER
    for phone in phones:
        # What was acknowledged is stored: its resend answers 200; the rest is stored now.
        assert all(phone.resent[i] == 200 for i in phone.acknowledged), phone.resent
        assert all(status in (200, 201) for status in phone.resent.values()), phone.resent
    db.session.rollback()  # read what the server processes committed
    stored = db.session.execute(
        select(Inspection.id, func.count())
        .where(Inspection.id.in_(every_id))
        .group_by(Inspection.id)
    ).all()
    assert sorted(stored) == sorted((i, 1) for i in every_id)
    audited = db.session.execute(
        select(AuditEvent.subject_id, func.count())
        .where(AuditEvent.action == "inspection.submitted", AuditEvent.subject_id.in_(every_id))
        .group_by(AuditEvent.subject_id)
    ).all()
    assert sorted(audited) == sorted((i, 1) for i in every_id)
