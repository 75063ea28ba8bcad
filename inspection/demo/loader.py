"""Loading the demonstration data: the default norms, real locations, users and visits.

Everything is generated from a seed, so the same seed on the same day gives
the same database; visits are scored by the engine like any submission.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from inspection.db import db, utcnow
from inspection.demo.answers import generate_answers, quality_trajectory, visit_schedule
from inspection.locations import import_locations
from inspection.models import Location, User
from inspection.norm_sets import compiled, load_shipped_norm_sets, norm_set_in_force
from inspection.submissions import Submission, submit_inspection
from inspection.users import create_user

DEMO_LOCATIONS_FILE = Path(__file__).parent.parent / "data" / "demo-locations.csv"

# One user per role; the README states these passwords. Never use them outside a demo.
DEMO_USERS = {
    "inspecteur": ("inspector", "inspecteur-demo-2026"),
    "beheerder": ("manager", "beheerder-demo-2026"),
    "coordinator": ("coordinator", "coordinator-demo-2026"),
    "analist": ("viewer", "analist-demo-2026"),
}
# The demo manager runs one location of each type.
DEMO_MANAGER_LOCATIONS = ("TER-APEL", "AMSTERDAM-BOOT", "ZWOLLE-SPORTHAL")


@dataclass(frozen=True)
class DemoReport:
    locations: int
    inspections: int
    users: tuple[str, ...]


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Location)) == 0


def load_demo(seed: int = 2023, months: int = 18, today: date | None = None) -> DemoReport:
    """Load the demo into the current transaction (the caller commits)."""
    rng = random.Random(seed)
    today = today or date.today()
    catalogue = load_shipped_norm_sets()[0].catalogue
    report = import_locations(DEMO_LOCATIONS_FILE)
    users = _create_users()
    inspector = users["inspecteur"]

    start = today - timedelta(days=round(months * 30.44))
    # Visits end yesterday, so none lies in the future whatever the hour of loading.
    yesterday = today - timedelta(days=1)
    now = utcnow()
    count = 0
    locations = db.session.scalars(select(Location).order_by(Location.code)).all()
    for location in locations:
        # A closed location was last visited before it closed, half-way through.
        end = yesterday if location.active else start + (yesterday - start) / 2
        visits = visit_schedule(rng, location.type, start, end)
        qualities = quality_trajectory(rng, location.type, len(visits))
        for observed_at, quality in zip(visits, qualities, strict=True):
            # Each visit answers the checklist of the version in force on its day.
            in_force = compiled(norm_set_in_force(catalogue, observed_at))
            checklist = [item.code for item in in_force.items_for(location.type)]
            answers = generate_answers(
                rng, location.type, location.capacity or 100, quality, checklist
            )
            submission = Submission(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                location=location.code,
                observed_at=observed_at,
                answers=answers,
            )
            # Phones sync late: minutes to days after the visit, never after now.
            delay = timedelta(hours=rng.choice((0.2, 1, 3, 20, 70)))
            received_at = min(observed_at + delay, now)
            submit_inspection(submission, inspector, received_at=received_at)
            count += 1
    return DemoReport(
        locations=report.created + report.updated,
        inspections=count,
        users=tuple(users),
    )


def _create_users() -> dict[str, User]:
    users = {}
    for username, (role, password) in DEMO_USERS.items():
        scope = DEMO_MANAGER_LOCATIONS if role == "manager" else ()
        users[username] = create_user(username, password, role, scope)
    return users
