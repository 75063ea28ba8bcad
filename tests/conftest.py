"""Test fixtures: every test that touches the database gets a fresh one.

The schema is built once per run by the Alembic migrations (never by
``create_all``), into a template; each test then gets its own copy of that
template: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL (when ``DATABASE_URL`` points at one). Tests may therefore commit
freely, also from other threads, and never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from ports import free_port
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from inspection.db import db

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "")
USE_POSTGRES = SERVER_URL.startswith("postgresql")
RUN_ID = uuid.uuid4().hex[:8]
_counter = itertools.count()
# Argon2id still, at a cost that keeps a test's logins in milliseconds.
CHEAP_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class _Postgres:
    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.template = f"insp_{RUN_ID}_template"

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.url(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    instance = tmp_path_factory.mktemp("instance")
    if USE_POSTGRES:
        pg = _Postgres(SERVER_URL)
        pg.drop(pg.template)
        _migrate(pg.create(pg.template))
        yield pg
        pg.drop(pg.template)
        pg.admin.dispose()
    else:
        template = instance / "template.sqlite3"
        _migrate(f"sqlite:///{template}")
        yield template


@pytest.fixture
def database_url(database_template: Any, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated database of this test's own."""
    if USE_POSTGRES:
        name = f"insp_{RUN_ID}_{next(_counter)}"
        yield database_template.create(name, template=database_template.template)
        database_template.drop(name)
    else:
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(database_template, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "PASSWORD_HASH_COST": CHEAP_HASH}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def another_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Make further apps on this test's database: another worker, or other settings.

    Their pooled connections are closed after the test; left to the garbage collector
    they would warn (an error under ``filterwarnings``) in whichever test runs then.
    """
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        made.append(
            create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, **settings})
        )
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class Server:
    """The app under gunicorn: its address, its master process and the log it writes."""

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


@pytest.fixture
def threaded_server(app: Flask) -> Iterator[str]:
    """The test's app in a real threaded HTTP server (its base URL), for requests that race."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def start_gunicorn(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Serve the app on this test's database under gunicorn, on a free loopback port.

    Call it with gunicorn's options (``"--workers", "2"``, ...) once the test's data is
    in place: it returns when the API answers, failing with gunicorn's log if it never
    does. Every server started is stopped after the test.
    """
    started: list[Server] = []

    def start(*options: str) -> Server:
        port = free_port()
        log = tmp_path / "gunicorn.log"
        env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}",
                 "app:create_app()"],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server = Server(f"http://127.0.0.1:{port}", process, log)
        started.append(server)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=5).read()
                return server
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

    yield start
    for server in started:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def cli(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def norm_set(app: Flask):
    """The default catalogue (nl-children 2023.1), loaded as the CLI would."""
    from inspection.norm_sets import DEFAULT_NORM_SET_FILE, load_norm_set, read_document

    loaded = load_norm_set(read_document(DEFAULT_NORM_SET_FILE))
    db.session.commit()
    return loaded


@pytest.fixture
def create_location(app: Flask) -> Callable[..., Any]:
    from inspection.models import Location

    numbers = itertools.count(1)

    def _create(**fields: Any) -> Location:
        n = next(numbers)
        values = {
            "code": f"LOC-{n}",
            "name": f"Locatie {n}",
            "type": "azc",
            "operator": "COA",
            "municipality": "Westerwolde",
            "province": "Groningen",
            "latitude": 52.99 + n / 1000,
            "longitude": 7.06 + n / 1000,
            "capacity": 400,
        }
        values.update(fields)
        location = Location(**values)
        db.session.add(location)
        db.session.commit()
        return location

    return _create


@pytest.fixture
def create_user(app: Flask) -> Callable[..., Any]:
    from inspection.users import create_user as create

    numbers = itertools.count(1)

    def _create(role: str = "inspector", locations: tuple[str, ...] = (), **kw: Any):
        username = kw.pop("username", f"{role}{next(numbers)}")
        user = create(username, kw.pop("password", "correct horse battery"), role, locations)
        db.session.commit()
        return user

    return _create


@pytest.fixture
def passing_answers() -> dict[str, Any]:
    """A full checklist of a location that meets every norm of nl-children 2023.1."""
    booleans = [
        "amv_separated_from_adults",
        "staff_on_site_24h",
        "night_staff_child_protection_trained",
        "safeguarding_protocol_in_place",
        "fire_safety_notification_filed",
        "escape_routes_clear",
        "fire_detection_working",
        "amv_guardian_within_5_working_days",
        "amv_presence_checked_daily",
        "sleeping_rooms_have_window",
        "bed_and_storage_per_person",
        "quiet_hours_enforced",
        "hot_water_available",
        "baby_changing_facilities",
        "cleaning_schedule_followed",
        "drinking_water_24h",
        "warm_meal_daily",
        "infant_food_available_24h",
        "special_diets_provided",
        "gp_care_access",
        "vulnerability_assessment_within_30_days",
        "medical_records_transferred",
        "school_reachable_safely",
        "homework_space_available",
        "daily_outdoor_access",
        "families_housed_together",
        "information_in_understood_language",
        "complaints_route_for_children",
        "children_consulted_last_quarter",
    ]
    answers: dict[str, Any] = dict.fromkeys(booleans, True)
    answers.update(
        residents_present=200,
        children_present=60,
        infants_present=8,
        school_age_children=40,
        unaccompanied_minors_present=5,
        families_present=20,
        staff_with_vog_pct=100,
        sleeping_area_m2=900.0,
        families_in_own_lockable_unit=20,
        max_adults_per_room=4,
        toilets_working=20,
        showers_working=12,
        meals_per_day=3,
        meals_per_day_minors=5,
        medical_intake_pct=100,
        jgz_intake_within_6_weeks_pct=100,
        max_days_without_school=30,
        indoor_play_area_m2=150.0,
        activity_days_per_week=5,
        max_relocations_12_months=1,
        min_move_notice_days=14,
        max_child_stay_days=5,
    )
    return answers


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def login(client) -> Callable[[str, str], dict[str, str]]:
    """Log in through the API; returns the Authorization header to send."""

    def _login(username: str, password: str = "correct horse battery") -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/tokens", json={"username": username, "password": password}
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _login


@pytest.fixture
def headers_for(create_user, login) -> Callable[..., dict[str, str]]:
    """Create a user of a role (managers with their location codes) and log them in."""

    def _headers(role: str, locations: tuple[str, ...] = ()) -> dict[str, str]:
        user = create_user(role, locations)
        return login(user.username)

    return _headers


@pytest.fixture
def make_submission(passing_answers) -> Callable[..., dict[str, Any]]:
    """The JSON body of a submission, as a phone sends it."""

    def _make(location: str = "TER-APEL", **overrides: Any) -> dict[str, Any]:
        body = {
            "id": str(uuid.uuid4()),
            "location": location,
            "observed_at": "2026-11-20T10:15:00+01:00",
            "answers": dict(passing_answers),
            "notes": {},
        }
        body.update(overrides)
        return body

    return _make
