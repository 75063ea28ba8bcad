"""While the database cannot be reached the API answers 503 with Retry-After, never 500.

Phones keep their queue and send again later; a 500 would say the request
itself is wrong. Two outages: an app pointed at a database that is not
there, and (PostgreSQL) a server connection cut while the app runs.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import suppress

import pytest
from flask import request
from ports import free_port
from sqlalchemy.engine import make_url

from app import create_app
from inspection.db import db

API = "/api/v1"
USE_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def dead_database_url(tmp_path, database_url: str) -> str:
    """Where no database answers: a closed port, or a file in a directory that does not exist."""
    if USE_POSTGRES:
        url = make_url(database_url).set(host="127.0.0.1", port=free_port())
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'gone' / 'inspection.sqlite3'}"


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize(
    ("method", "path", "options"),
    [
        ("POST", "/auth/tokens", {"json": {"username": "inspecteur", "password": "x" * 12}}),
        ("GET", "/locations", {}),
        ("GET", "/inspections", {}),
        ("POST", "/inspections", {"json": {"id": "6f1c2a9e-3b1d-4c1e-9a7b-0c2d4e6f8a10"}}),
        ("GET", "/exports/locations.geojson", {}),
    ],
)
def test_a_database_that_is_not_there_is_503(tmp_path, database_url, method, path, options):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": dead_database_url(tmp_path, database_url), "TESTING": True}
    )
    headers = {} if path == "/auth/tokens" else {"Authorization": "Bearer some-token"}

    with app.app_context():
        response = app.test_client().open(API + path, method=method, headers=headers, **options)
        db.engine.dispose()

    assert_unavailable(response)


class Proxy:
    """A TCP relay to the database server that can be cut and restored, on one port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Close the listener and every relayed connection: the server is gone."""
        assert self.listener is not None
        # Closing alone would leave a thread blocked in accept() listening on.
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxied_app(database_url, norm_set, create_location, create_user) -> Iterator:
    """The app on the test database through a relay that the test can cut."""
    url = make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    create_location(code="TER-APEL")
    create_user("coordinator", username="coordinator")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False
            ),
            "TESTING": True,
            "PASSWORD_HASH_COST": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        yield app, proxy
        with suppress(Exception):
            db.session.remove()
        db.engine.dispose()
    with suppress(Exception):
        proxy.cut()


@pytest.mark.skipif(not USE_POSTGRES, reason="SQLite has no server connection to lose")
def test_a_lost_server_connection_is_503_and_the_api_recovers(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    login = client.post(
        f"{API}/auth/tokens", json={"username": "coordinator", "password": "correct horse battery"}
    )
    assert login.status_code == 201, login.get_json()
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    assert client.get(f"{API}/locations", headers=headers).status_code == 200

    proxy.cut()
    during = client.get(f"{API}/locations", headers=headers)
    proxy.start()
    after = client.get(f"{API}/locations", headers=headers)

    assert_unavailable(during)
    assert after.status_code == 200, after.get_data(as_text=True)[:300]
    assert [item["code"] for item in after.get_json()["items"]] == ["TER-APEL"]


@pytest.mark.skipif(not USE_POSTGRES, reason="SQLite has no server connection to lose")
def test_a_connection_lost_before_the_commit_is_503_and_nothing_is_stored(proxied_app):
    app, proxy = proxied_app
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handlers answer
    armed: list[str] = []
    cuts: list[str] = []

    @app.after_request
    def _cut_before_the_commit(response):  # runs before the hooks registered earlier
        if armed and not cuts:
            cuts.append(request.path)
            proxy.cut()
        return response

    client = app.test_client()
    login = client.post(
        f"{API}/auth/tokens", json={"username": "coordinator", "password": "correct horse battery"}
    )
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}

    armed.append("yes")
    during = client.patch(f"{API}/locations/TER-APEL", json={"capacity": 10}, headers=headers)
    proxy.start()
    after = client.get(f"{API}/locations/TER-APEL", headers=headers)

    assert cuts == [f"{API}/locations/TER-APEL"]
    assert_unavailable(during)
    assert after.status_code == 200
    assert after.get_json()["capacity"] == 400
