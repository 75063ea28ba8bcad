"""Managers' responses to the findings at their locations, for the demo.

A manager answers most findings within days: what was done or is planned, and
by when. A response never closes a finding; only a visit that passes the norm
does, so some answered findings stay open and some run past their deadline.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from inspection.db import db
from inspection.findings import add_response
from inspection.models import Finding, Location, User

# What a location writes, per domain of the norm: in Dutch, as managers do.
TEXTS = {
    "SAF": (
        "Extra medewerker in de nachtdienst ingeroosterd; de training signaleren van "
        "kindermishandeling is voor het hele team gepland.",
        "Vluchtwegen vrijgemaakt en de brandmeldinstallatie laten nakijken door de installateur.",
        "Melding brandveilig gebruik ingediend bij de gemeente; ontvangstbevestiging volgt.",
        "Voor alle amv is de voogdij aangevraagd bij Nidos; de presentielijst wordt dagelijks "
        "afgetekend.",
    ),
    "LIV": (
        "Bewoners herverdeeld over de slaapruimtes; extra slaapunits zijn besteld.",
        "Gezinnen krijgen een eigen afsluitbare kamer zodra de nieuwe units geplaatst zijn.",
        "Nachtrust: vaste tijden afgesproken en de nachtdienst ziet erop toe.",
    ),
    "HYG": (
        "Defecte toiletten en douches gemeld bij de aannemer; reparatie is ingepland.",
        "Extra sanitair-units gehuurd; plaatsing deze week.",
        "Schoonmaakrooster aangepast en aftekenlijsten weer ingevoerd.",
    ),
    "FOOD": (
        "Met de cateraar afgesproken: drie maaltijden en tussendoortjes voor kinderen.",
        "Flesvoeding en een flessenwarmer staan nu ook 's nachts klaar.",
    ),
    "HEA": (
        "Met GZA en de GGD afgesproken dat de ontbrekende intakes volgende week plaatsvinden.",
        "De PGA-JGZ komt op de locatie om de intakes van de kinderen in te halen.",
    ),
    "EDU": (
        "Met de gemeente en de school plaatsen voor de nieuwe kinderen gevonden; "
        "leerlingenvervoer is geregeld.",
        "Een stiltelokaal voor huiswerk ingericht.",
    ),
    "PLAY": (
        "Speelhoek ingericht en een buitenspeelplek afgezet.",
        "Vrijwilligers organiseren nu vijf dagen per week activiteiten.",
    ),
    "FAM": (
        "Overplaatsingen van gezinnen met kinderen worden voortaan een week vooraf aangekondigd.",
        "Met het COA overlegd over doorplaatsing van de kinderen die hier te lang verblijven.",
    ),
    "PAR": (
        "Informatie over klachten en rechten vertaald en opgehangen; kinderraad opgericht.",
        "Een vertrouwenspersoon komt wekelijks spreekuur houden voor kinderen.",
    ),
}
# The share of findings a manager answers, and how soon after the finding opened.
RESPONDED = 0.75
DAYS_TO_RESPOND = (0.5, 6.0)


def respond_to_findings(rng: random.Random, managers: list[User], now: datetime) -> int:
    """Let each manager answer findings at their locations; returns how many answers."""
    count = 0
    for manager in managers:
        codes = [location.code for location in manager.locations]
        findings = db.session.scalars(
            select(Finding)
            .join(Location, Finding.location_id == Location.id)
            .where(Location.code.in_(codes))
            .order_by(Finding.opened_at, Finding.id)
        ).all()
        for finding in findings:
            if rng.random() >= RESPONDED:
                continue
            domain = finding.norm.split("-")[0]
            text = rng.choice(TEXTS.get(domain, TEXTS["SAF"]))
            written = finding.opened_at + timedelta(days=rng.uniform(*DAYS_TO_RESPOND))
            written = min(written, finding.closed_at or now, now)
            planned = written.date() + timedelta(days=rng.randint(2, finding.follow_up_days + 7))
            response, _ = add_response(
                finding,
                manager,
                text,
                planned,
                response_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
            # Written days after the visit, not on the day the demo was loaded.
            response.created_at = written
            count += 1
    return count
