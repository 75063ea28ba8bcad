"""A report as a given reader may see it.

Viewers read only published reports; of a confidential location they see
neither name, code nor position, and no photos. They also get no account
names: those identify people, not the inspectorate's findings.
"""

from __future__ import annotations

from typing import Any

from inspection.confidentiality import MASKED_NAME, knows_identity, masked_code
from inspection.models import Location, Report, User
from inspection.reports.workflow import allowed_actions
from inspection.vocabulary import VIEWER


def location_as_seen(location: Location, user: User) -> dict[str, Any]:
    """The location's identity as ``user`` may see it in a report."""
    identity = knows_identity(user, location)
    return {
        "code": location.code if identity else masked_code(location),
        "name": location.name if identity else MASKED_NAME,
        "type": location.type,
        "municipality": location.municipality,
        "province": location.province,
        "masked": not identity,
    }


def names_people(user: User) -> bool:
    return user.role != VIEWER


def report_view(report: Report, user: User) -> dict[str, Any]:
    """The JSON of a report for ``user`` (``schemas.reports.ReportOutSchema``)."""
    people = names_people(user)

    def who(account: User | None) -> str | None:
        return account.username if account is not None and people else None

    return {
        "id": report.id,
        "inspection": report.inspection_id if people else None,
        "location": location_as_seen(report.location, user),
        "observed_at": report.inspection.observed_at_local,
        "state": report.state,
        "created_at": report.created_at,
        "created_by": who(report.created_by),
        "sent_at": report.sent_at,
        "sent_by": who(report.sent_by),
        "reaction_due": report.reaction_due,
        "adopted_at": report.adopted_at,
        "adopted_by": who(report.adopted_by),
        "handling": report.handling,
        "published_at": report.published_at,
        "published_by": who(report.published_by),
        "reactions": [
            {
                "author": who(reaction.author),
                "submitted_at": reaction.submitted_at,
                "text": reaction.text,
                "corrections": reaction.corrections,
            }
            for reaction in report.reactions
        ],
        "actions": allowed_actions(user, report),
        "document": {
            "html": f"/api/v1/reports/{report.id}.html",
            "pdf": f"/api/v1/reports/{report.id}.pdf",
        },
    }
