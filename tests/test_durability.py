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
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inspection.db import db
from inspection.models import AuditEvent, Inspection

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PHONES = 4
QUEUE = 20
KILL_AFTER = 15  # acknowledged submissions before a worker is killed
PASSWORD = "correct horse battery"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[int]:
        """The worker processes: the children of gunicorn's master."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(database_url, norm_set, create_location, create_user, tmp_path) -> Iterator[Server]:
    create_location(code="TER-APEL", type="azc")
    create_user("inspector", username="inspecteur", password=PASSWORD)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--preload",
             "--bind", f"127.0.0.1:{port}", "--timeout", "60", "app:create_app()"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    served = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{served.url}/api/v1/openapi.json", timeout=5).read()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
