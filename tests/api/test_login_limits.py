"""Logging in cannot be raced, probed or used to lock others out.

Failures count per (username, address) and per address; the address is the
client's own, read from X-Forwarded-For only through the configured number of
trusted proxies. Racing tests run the app in a real threaded HTTP server.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters

from app import create_app
from inspection.db import db
from inspection.models import AuditEvent, FailedLogin

PASSWORD = "correct horse battery"
TOKENS = "/api/v1/auth/tokens"


def post_login(client, username, password=PASSWORD, address="10.1.1.1", headers=None):
    return client.post(
        TOKENS,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    )


def failures(**where: str) -> int:
    query = db.select(db.func.count()).select_from(FailedLogin)
    for column, value in where.items():
        query = query.where(getattr(FailedLogin, column) == value)
    db.session.expire_all()
    return db.session.scalar(query)


# --- the same answer, the same work ---------------------------------------------------------


@pytest.fixture
def verified_hashes(monkeypatch) -> list[str]:
    """The hashes every password check of this test verified against, in order."""
    seen: list[str] = []
    verify = PasswordHasher.verify

    def spy(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        seen.append(hash if isinstance(hash, str) else hash.decode())
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return seen


def test_unknown_deactivated_and_wrong_cost_the_same_and_answer_the_same(
    client, create_user, verified_hashes
):
    create_user("inspector", username="inspecteur")
    create_user("inspector", username="vertrokken").active = False
    db.session.commit()
    stored = db.session.scalar(
        db.select(db.text("password_hash")).select_from(db.table("users")).limit(1)
    )

    answers = {
        "wrong password": post_login(client, "inspecteur", "not the password"),
        "unknown user": post_login(client, "niemand", "not the password"),
        "deactivated user": post_login(client, "vertrokken", PASSWORD),
    }

    for case, response in answers.items():
        assert response.status_code == 401, (case, response.get_json())
    bodies = {json.dumps(r.get_json(), sort_keys=True) for r in answers.values()}
    assert len(bodies) == 1, bodies
    assert {r.headers.get("WWW-Authenticate") for r in answers.values()} == {'Bearer realm="api"'}
    # Each attempt verified one hash of the cost the real users have: an unknown name is
    # checked against a stand-in hash instead of answering at once.
    assert len(verified_hashes) == len(answers)
    assert [extract_parameters(h) for h in verified_hashes] == [extract_parameters(stored)] * 3


def test_a_lone_surrogate_as_password_gets_one_answer_for_known_and_unknown_users(
    client, create_user
):
    create_user("inspector", username="inspecteur")

    def raw_login(username: str):
        body = '{"username": "' + username + '", "password": "\\ud800"}'
        return client.post(TOKENS, data=body, content_type="application/json")

    known, unknown = raw_login("inspecteur"), raw_login("niemand")

    assert known.status_code == unknown.status_code < 500, known.get_json()
    assert known.get_json() == unknown.get_json()


# --- nobody locks anybody else out ----------------------------------------------------------


def test_failures_elsewhere_do_not_lock_the_user_out(client, create_user):
    create_user("inspector", username="inspecteur")
    for _ in range(5):
        assert post_login(client, "inspecteur", "fout", address="10.6.6.6").status_code == 401

    blocked = post_login(client, "inspecteur", address="10.6.6.6")
    elsewhere = post_login(client, "inspecteur", address="10.7.7.7")

    # Guessing from 10.6.6.6 stops there, even for the right password; the user logs in
    # from anywhere else.
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    assert elsewhere.status_code == 201, elsewhere.get_json()


def test_an_address_that_guesses_widely_cannot_lock_out_its_neighbours(app, client, create_user):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 4
    create_user("inspector", username="inspecteur")
    create_user("inspector", username="collega")
    shared = "10.8.8.8"  # one office behind one NAT address
    for n in range(4):
        assert post_login(client, f"gebruiker{n}", "fout", address=shared).status_code == 401

    # The address is over its limit: names that already failed there are no longer checked...
    assert post_login(client, "gebruiker0", "fout", address=shared).status_code == 429
    # ...but a colleague with no failures from there still logs in with the right password,
    assert post_login(client, "collega", address=shared).status_code == 201
    # and a name that had none gets one check, after which it waits too.
    assert post_login(client, "inspecteur", "fout", address=shared).status_code == 401
    assert post_login(client, "inspecteur", address=shared).status_code == 429
    assert post_login(client, "inspecteur", address="10.9.9.9").status_code == 201


def test_a_successful_login_clears_that_usernames_failures_from_that_address(client, create_user):
    create_user("inspector", username="inspecteur")
    for _ in range(4):
        assert post_login(client, "inspecteur", "fout").status_code == 401

    assert post_login(client, "inspecteur").status_code == 201

    assert failures(username="inspecteur") == 0
    for _ in range(4):
        assert post_login(client, "inspecteur", "fout").status_code == 401
    assert post_login(client, "inspecteur").status_code == 201


# --- the client address behind proxies ------------------------------------------------------


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, create_user):
    create_user("inspector", username="inspecteur")
    for n in range(5):
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert post_login(client, "inspecteur", "fout", headers=forged).status_code == 401

    # A client cannot dodge the limit by naming another address itself.
    again = post_login(client, "inspecteur", headers={"X-Forwarded-For": "192.0.2.99"})

    assert again.status_code == 429
    assert failures(address="10.1.1.1") == 5


@pytest.fixture
def behind_proxy(app) -> Iterator[Any]:
    """A client of the same database through an app that trusts one proxy in front of it."""
    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TESTING": True,
            "PASSWORD_HASH_COST": app.config["PASSWORD_HASH_COST"],
            "TRUSTED_PROXIES": 1,
        }
    )
    yield proxied.test_client()
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_each_client_counts_by_its_own_address(behind_proxy, create_user):
    behind = behind_proxy
    create_user("inspector", username="inspecteur")
    balancer = "10.0.0.2"
    for _ in range(5):
        # The client wrote its own X-Forwarded-For; the proxy appended the address it saw.
        forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        response = post_login(behind, "inspecteur", "fout", balancer, headers=forwarded)
        assert response.status_code == 401

    same_client = post_login(
        behind, "inspecteur", address=balancer, headers={"X-Forwarded-For": "203.0.113.7"}
    )
    other_client = post_login(
        behind, "inspecteur", address=balancer, headers={"X-Forwarded-For": "203.0.113.8"}
    )

    assert same_client.status_code == 429
    assert other_client.status_code == 201, other_client.get_json()
    assert failures(address="203.0.113.7") == 5
    assert failures(address=balancer) == 0


# --- racing -----------------------------------------------------------------------------------


def post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_parallel_wrong_passwords_never_exceed_the_limit(threaded_server, create_user):
    create_user("inspector", username="inspecteur")
    attempts = 30
    start = threading.Barrier(attempts)

    def guess(n: int) -> int:
        start.wait()
        return post_json(
            f"{threaded_server}{TOKENS}", {"username": "inspecteur", "password": f"gok {n}"}
        )

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(guess, range(attempts)))

    # A 401 is a password that was checked; the rest were refused unchecked.
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) == 5, statuses
    assert failures(username="inspecteur") == 5
    failed_events = db.select(db.func.count()).where(AuditEvent.action == "auth.login_failed")
    assert db.session.scalar(failed_events) == 5
