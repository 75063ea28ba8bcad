"""Settings from the environment: every setting under the prefix INSPECTION_, the older
plain names too, and a bad value stops the start naming its variable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import create_app
from inspection.settings import SETTINGS, SettingError

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = "https://dashboard.example.nl"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("INSPECTION_") or name in ("TRUSTED_PROXIES", "SERVICE_AREA"):
            monkeypatch.delenv(name)


def bare_app():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_number_from_the_environment_decides_how_long_a_token_lasts(
    monkeypatch, another_app, create_user
):
    create_user("inspector", username="inspecteur")
    monkeypatch.setenv("INSPECTION_TOKEN_TTL_SECONDS", "600")
    client = another_app().test_client()

    response = client.post(
        "/api/v1/auth/tokens", json={"username": "inspecteur", "password": "correct horse battery"}
    )

    assert response.status_code == 201, response.get_json()
    expires = datetime.fromisoformat(response.get_json()["expires_at"])
    assert 590 < (expires - datetime.now(UTC)).total_seconds() <= 600


def test_a_list_from_the_environment_lets_those_origins_call_the_api(monkeypatch, another_app):
    monkeypatch.setenv("INSPECTION_CORS_ORIGINS", f'["{DASHBOARD}"]')
    client = another_app().test_client()

    call = client.get("/api/v1/locations", headers={"Origin": DASHBOARD})

    assert call.headers["Access-Control-Allow-Origin"] == DASHBOARD


def test_the_plain_names_still_work_and_the_prefixed_one_wins(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setenv("SERVICE_AREA", "13.0,52.3,13.8,52.7")
    assert bare_app().config["TRUSTED_PROXIES"] == 1

    monkeypatch.setenv("INSPECTION_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("INSPECTION_SERVICE_AREA", "[4, 51, 6, 53]")
    app = bare_app()

    assert app.config["TRUSTED_PROXIES"] == 2
    assert app.config["SERVICE_AREA"] == (4.0, 51.0, 6.0, 53.0)


def test_text_is_taken_as_written_and_objects_by_their_keys(monkeypatch):
    monkeypatch.setenv("INSPECTION_MAP_TILE_ATTRIBUTION", "2024")
    monkeypatch.setenv("INSPECTION_PASSWORD_HASH_COST__time_cost", "2")

    app = bare_app()

    assert app.config["MAP_TILE_ATTRIBUTION"] == "2024"
    assert app.config["PASSWORD_HASH_COST"] == {"time_cost": 2}
    monkeypatch.delenv("INSPECTION_PASSWORD_HASH_COST__time_cost")
    assert bare_app().config["PASSWORD_HASH_COST"] == {}  # the default was not changed


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("INSPECTION_TOKEN_TTL_SECONDS", "acht uur", "a whole number of 1 or more"),
        ("INSPECTION_PHOTO_MAX_BYTES", "0", "a whole number of 1 or more"),
        ("INSPECTION_HEARING_DAYS", "14.5", "a whole number"),
        ("TRUSTED_PROXIES", "twee", "a whole number of 0 or more"),
        ("INSPECTION_DEFAULT_BOUNDARIES", "ja", "true or false"),
        ("INSPECTION_SERVICE_AREA", "[7.3, 53.6, 3.2, 50.7]", "min_longitude"),
        ("SERVICE_AREA", "3.2,50.7,7.3", "min_longitude"),
        ("INSPECTION_PASSWORD_HASH_COST", '{"time": 2}', "time_cost"),
        ("INSPECTION_NORM_CATALOGUE", " ", "non-empty"),
        ("INSPECTION_TOKEN_TTL", "600", "did you mean INSPECTION_TOKEN_TTL_SECONDS"),
    ],
)
def test_a_bad_value_stops_the_start_naming_its_variable(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingError) as refused:
        bare_app()

    assert str(refused.value).startswith(f"{variable} ")
    assert says in str(refused.value)


def test_a_bad_value_stops_a_command_before_it_does_anything(tmp_path):
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "INSPECTION_LOGIN_WINDOW_SECONDS": "15m"}
    env.pop("DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert "INSPECTION_LOGIN_WINDOW_SECONDS must be a whole number" in last, done.stderr
    assert not (tmp_path / "inspection.sqlite3").exists()


def test_every_setting_is_documented_for_deployment():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    rows = {
        match.group(1) for match in re.finditer(r"^\| `([A-Z_]+)` \|", guide, flags=re.MULTILINE)
    }

    assert {setting.name for setting in SETTINGS} <= rows
