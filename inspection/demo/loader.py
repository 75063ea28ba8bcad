"""Loading the demonstration data: the default norms, real locations, users and visits.

Everything is generated from a seed, so the same seed on the same day gives
the same database; visits are scored by the engine like any submission.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from inspection.db import db, utcnow
from inspection.demo.answers import (
    CONTEXT_ITEMS,
    generate_answers,
    make_consistent,
    quality_trajectory,
    visit_schedule,
)
from inspection.demo.responses import respond_to_findings
from inspection.engine import NormSetDocument
from inspection.locations import import_locations
from inspection.models import Location, User
from inspection.norm_sets import compiled, load_shipped_norm_sets, norm_set_in_force
from inspection.submissions import Submission, submit_inspection
from inspection.users import create_user
from inspection.vocabulary import AMSTERDAM

DEMO_LOCATIONS_FILE = Path(__file__).parent.parent / "data" / "demo-locations.csv"

# One user per role; the README states these passwords. Never use them outside a demo.
DEMO_USERS = {
    "inspecteur": ("inspector", "inspecteur-demo-2026"),
    "beheerder": ("manager", "beheerder-demo-2026"),
    "coordinator": ("coordinator", "coordinator-demo-2026"),
    "analist": ("viewer", "analist-demo-2026"),
}
# The demo manager runs three locations: an arrival centre, a municipality's
# emergency reception and a crisis emergency shelter.
DEMO_MANAGER_LOCATIONS = ("TER-APEL", "AMSTERDAM-BOOT", "ZWOLLE-SPORTHAL")
# Colleagues of the demo inspector; their passwords are random and never shown.
DEMO_COLLEAGUES = ("inspecteur-noord", "inspecteur-oost", "inspecteur-zuid", "inspecteur-west")

# Managers of other locations, with random passwords too.
DEMO_COLLEAGUE_MANAGERS = {
    "beheerder-noord": ("LEEK", "ASSEN-EXPO", "MUSSELKANAAL"),
    "beheerder-midden": ("HARSKAMP", "ALMERE-AMV", "UTRECHT-HOTEL"),
    "beheerder-zuid": ("EINDHOVEN", "BERGEN-OP-ZOOM", "BUDEL"),
    "beheerder-west": ("DEN-HAAG", "ROTTERDAM", "DEN-HAAG-GEMEENTE"),
}

# Locations that closed: visits end on the day they closed (dates as reported).
CLOSED_ON = {
    "HEUMENSOORD": date(2016, 5, 31),  # the tent camp near Nijmegen, before any norm set
    "VELSEN": date(2024, 9, 30),  # the cruise ship Ocean Majesty left in 2024
    "ZOUTKAMP": date(2023, 9, 30),  # the Marnewaard waiting room
}
# A failure found on a visit is still there at the next one unless repaired.
REPAIRED_BY_NEXT_VISIT = 0.6
# A follow-up checks only what failed; what is critical is repaired more often.
REPAIRED_BY_FOLLOW_UP = {"critical": 0.7, "major": 0.5, "minor": 0.4}
# A critical failure is followed up within days; a major one now and then.
FOLLOW_UP = {"critical": 0.85, "major": 0.25}
MAX_FOLLOW_UPS = 2
# Seasons: fewer visits in the holidays, and winter breaks what heats.
HOLIDAY_SKIP = 0.7
WINTER_MONTHS = (12, 1, 2)
WINTER_PENALTY = 0.05
# Some visits in the evening or at night; most by the location's own inspector.
EVENING_VISITS = 0.1
NIGHT_VISITS = 0.05
OWN_INSPECTOR = 0.7


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
    shipped = load_shipped_norm_sets()
    catalogue = shipped[0].catalogue
    first_day = min(version.valid_from for version in shipped)
    report = import_locations(DEMO_LOCATIONS_FILE)
    users = _create_users()
    inspectors = [users["inspecteur"], *_create_colleagues(rng)]

    start = today - timedelta(days=round(months * 30.44))
    # Visits end yesterday, so none lies in the future whatever the hour of loading.
    yesterday = today - timedelta(days=1)
    visits = _Visits(rng, catalogue, inspectors, utcnow())
    locations = db.session.scalars(select(Location).order_by(Location.code)).all()
    for location in locations:
        if location.active:
            first, last = start, yesterday
        else:
            # A closed location was visited until it closed; none before the first norms.
            last = CLOSED_ON.get(location.code, start + (yesterday - start) / 2)
            first = max(first_day, last - (yesterday - start))
            if first > last:
                continue
        visits.location(location, first, last)
    managers = [users["beheerder"], *_create_colleague_managers()]
    respond_to_findings(rng, managers, visits.now)
    return DemoReport(
        locations=report.created + report.updated,
        inspections=visits.count,
        users=tuple(users),
    )


class _Visits:
    """The visits of one location after another: regular ones, and follow-ups that
    check again what failed, until a visit finds it repaired."""

    def __init__(
        self, rng: random.Random, catalogue: str, inspectors: list[User], now: datetime
    ) -> None:
        self.rng = rng
        self.catalogue = catalogue
        self.inspectors = inspectors
        self.now = now
        self.count = 0

    def location(self, location: Location, first: date, last: date) -> None:
        rng = self.rng
        # Each location has an inspector of its own; others stand in now and then.
        self.own = rng.choice(self.inspectors)
        schedule = visit_schedule(rng, location.type, first, last)
        qualities = quality_trajectory(rng, location.type, len(schedule))
        failing: dict[str, dict[str, object]] = {}  # norm -> the answers that failed it
        for index, (observed_at, quality) in enumerate(zip(schedule, qualities, strict=True)):
            if _in_holidays(observed_at) and rng.random() < HOLIDAY_SKIP:
                continue
            observed_at = self._time_of_day(observed_at)
            if observed_at.month in WINTER_MONTHS:
                quality = max(0.0, quality - WINTER_PENALTY)  # boilers and heating break down
            document = self._document(observed_at)
            checklist = [item.code for item in document.items_for(location.type)]
            answers = generate_answers(
                rng, location.type, location.capacity or 100, quality, checklist
            )
            # What was broken stays broken until someone repairs it.
            for failed_answers in failing.values():
                if rng.random() >= REPAIRED_BY_NEXT_VISIT:
                    answers.update((k, v) for k, v in failed_answers.items() if k in answers)
            answers = make_consistent(answers, location.type)
            failing = self._submit(location, observed_at, answers, document)
            following = schedule[index + 1] if index + 1 < len(schedule) else None
            failing = self._follow_ups(location, observed_at, answers, failing, following, last)

    def _follow_ups(
        self,
        location: Location,
        visited: datetime,
        answers: dict[str, object],
        failing: dict[str, dict[str, object]],
        following: datetime | None,
        last: date,
    ) -> dict[str, dict[str, object]]:
        """Check the failed norms again, only those, until repaired or the next visit."""
        rng = self.rng
        for _ in range(MAX_FOLLOW_UPS):
            document = self._document(visited)
            severe = [n for n in document.norms if n.code in failing and n.severity != "minor"]
            critical = any(n.severity == "critical" for n in severe)
            if not severe or rng.random() >= FOLLOW_UP["critical" if critical else "major"]:
                return failing
            days = rng.randint(1, 4) if critical else rng.randint(14, 40)
            day = _next_working_day(visited.date() + timedelta(days=days))
            if day > last or (following is not None and day >= following.date()):
                return failing
            minute = rng.randrange(9 * 60, 16 * 60, 15)
            visited = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=AMSTERDAM)
            document = self._document(visited)
            checklist = {item.code for item in document.items_for(location.type)}
            # The head counts (they decide which norms apply), then the failed norms' items.
            better = generate_answers(
                rng, location.type, location.capacity or 100, 0.95, sorted(checklist)
            )
            check = {code: answers[code] for code in CONTEXT_ITEMS if code in answers}
            for norm in document.norms:
                if norm.code not in failing:
                    continue
                repaired = rng.random() < REPAIRED_BY_FOLLOW_UP[norm.severity]
                source = better if repaired else failing[norm.code]
                for code in set(failing[norm.code]) - set(CONTEXT_ITEMS):
                    if code in checklist and code in source:
                        check[code] = source[code]
            check = make_consistent(check, location.type)
            failing = self._submit(location, visited, check, document)
            answers = {**answers, **check}
        return failing

    def _submit(
        self,
        location: Location,
        observed_at: datetime,
        answers: dict[str, object],
        document: NormSetDocument,
    ) -> dict[str, dict[str, object]]:
        rng = self.rng
        inspector = self.own if rng.random() < OWN_INSPECTOR else rng.choice(self.inspectors)
        submission = Submission(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            location=location.code,
            observed_at=observed_at,
            answers=answers,
        )
        # Phones sync late: minutes to days after the visit, never after now.
        delay = timedelta(hours=rng.choice((0.2, 1, 3, 20, 70)))
        received_at = min(observed_at + delay, self.now)
        inspection, _ = submit_inspection(submission, inspector, received_at=received_at)
        self.count += 1
        # A norm's items, and the counts of children asked with it.
        items_of = {norm.code: set(norm.rule.items) for norm in document.norms}
        for item in document.items.values():
            if item.asked_with in items_of:
                items_of[item.asked_with].add(item.code)
        failing = {}
        for result in inspection.results:
            if result["outcome"] == "fail":
                codes = items_of[result["norm"]] - set(CONTEXT_ITEMS)
                failing[result["norm"]] = {c: answers[c] for c in codes if c in answers}
        return failing

    def _document(self, observed_at: datetime) -> NormSetDocument:
        return compiled(norm_set_in_force(self.catalogue, observed_at))

    def _time_of_day(self, observed_at: datetime) -> datetime:
        """Most visits are by day; some in the evening or at night, when night staff
        and night rest (SAF-02, LIV-06) can be seen as they are."""
        draw = self.rng.random()
        if draw < NIGHT_VISITS:
            minute = self.rng.randrange(0, 4 * 60, 15)  # between midnight and 04:00
        elif draw < NIGHT_VISITS + EVENING_VISITS:
            minute = self.rng.randrange(19 * 60, 23 * 60, 15)
        else:
            return observed_at
        return observed_at.replace(hour=minute // 60, minute=minute % 60)


def _in_holidays(moment: datetime) -> bool:
    """The school summer holidays (mid July to late August) and Christmas week."""
    day = (moment.month, moment.day)
    return (7, 15) <= day <= (8, 25) or day >= (12, 22) or day <= (1, 2)


def _next_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _create_colleague_managers() -> list[User]:
    """Managers of other locations, who answer their findings too; nobody logs in as them."""
    return [
        create_user(name, secrets.token_urlsafe(24), "manager", codes)
        for name, codes in DEMO_COLLEAGUE_MANAGERS.items()
    ]


def _create_colleagues(rng: random.Random) -> list[User]:
    """More inspectors, so that visits are not all one person's; nobody logs in as them."""
    return [create_user(name, secrets.token_urlsafe(24), "inspector") for name in DEMO_COLLEAGUES]


def _create_users() -> dict[str, User]:
    users = {}
    for username, (role, password) in DEMO_USERS.items():
        scope = DEMO_MANAGER_LOCATIONS if role == "manager" else ()
        users[username] = create_user(username, password, role, scope)
    return users
