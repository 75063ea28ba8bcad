"""The words of the domain, each defined once: statuses, their orders and labels, roles,
location types and the time zone of the service.

The engine defines what it scores with (the statuses of an inspection, the
location types, the Europe/Amsterdam day); this module adds what the rest of
the service shows, sorts and filters by. The pages get the same through
``served()``, so that no script keeps a copy of its own.
"""

from __future__ import annotations

from typing import Any

from inspection.engine import (
    AMSTERDAM,
    BELOW_NORM,
    CRITICAL,
    FINDING_STATES,
    INCOMPLETE,
    LOCATION_TYPES,
    MEETS_NORMS,
    NOT_INSPECTED,
    SEVERITIES,
    STATUSES,
)

__all__ = [
    "AMSTERDAM",
    "BELOW",
    "BELOW_NORM",
    "BELOW_STATUSES",
    "CRITICAL",
    "DRAW_ORDER",
    "FINDING_READERS",
    "FINDING_RECORD_STATES",
    "FINDING_RESPONDERS",
    "FINDING_STATES",
    "INCOMPLETE",
    "INSPECTION_READERS",
    "INSPECTION_STATUSES",
    "LOCATION_STATUSES",
    "LOCATION_TYPES",
    "LOCATION_TYPE_CODE",
    "LOCATION_TYPE_KINDS",
    "RESPONSIBLE_PARTIES",
    "MEETS_NORMS",
    "NOT_INSPECTED",
    "ROLES",
    "REPORT_STATES",
    "ROLE_LABELS",
    "SEVERITIES",
    "STATUS_LABELS",
    "STATUS_SHORT_LABELS",
    "SUBMITTERS",
    "TIME_ZONE",
    "WITHDRAWN",
    "WORST_FIRST",
    "served",
]

# Days, "today" and as_of dates are days in the Netherlands.
TIME_ZONE = AMSTERDAM.key

# --- statuses ---------------------------------------------------------------------------
# An inspection gets one of the engine's statuses; a location without any has this one.
INSPECTION_STATUSES = STATUSES
LOCATION_STATUSES = (*STATUSES, NOT_INSPECTED)
# Lists and tables show the worst first; maps draw the worst last, on top of the others.
WORST_FIRST = (CRITICAL, BELOW_NORM, INCOMPLETE, MEETS_NORMS, NOT_INSPECTED)
DRAW_ORDER = tuple(reversed(WORST_FIRST))
# In a filter, ``below`` stands for both statuses below the norms.
BELOW = "below"
BELOW_STATUSES = (BELOW_NORM, CRITICAL)

# What the pages say (a badge, a filter, a chart's tooltip).
STATUS_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        CRITICAL: "Kritiek: direct ingrijpen nodig",
        BELOW_NORM: "Onder de norm",
        INCOMPLETE: "Onvolledig ingevuld",
        MEETS_NORMS: "Voldoet aan de normen",
        NOT_INSPECTED: "Nog niet geïnspecteerd",
    },
    "en": {
        CRITICAL: "Critical: immediate action needed",
        BELOW_NORM: "Below the norms",
        INCOMPLETE: "Incompletely filled in",
        MEETS_NORMS: "Meets the norms",
        NOT_INSPECTED: "Not inspected yet",
    },
}
# Where room is short (the legend and filter line of a printed map), in Dutch: its readers'.
STATUS_SHORT_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        CRITICAL: "Kritiek",
        BELOW_NORM: "Onder de norm",
        INCOMPLETE: "Onvolledig ingevuld",
        MEETS_NORMS: "Voldoet aan de normen",
        NOT_INSPECTED: "Nog niet geïnspecteerd",
        BELOW: "Onder de norm of kritiek",
    },
}

# --- location types -----------------------------------------------------------------
# The types themselves are data (the location_types table); these are the words a
# type is described with. A kind groups types that are run alike.
LOCATION_TYPE_KINDS = (
    "arrival",
    "process",
    "regular",
    "emergency",
    "crisis",
    "unaccompanied_minors",
    "protected",
)
# Who answers for reception of a type.
RESPONSIBLE_PARTIES = ("COA", "municipality", "Nidos")
# Codes of location types: short, lower case, usable in paths and norm set documents.
LOCATION_TYPE_CODE = r"^[a-z][a-z0-9-]{1,31}$"

# --- reports ------------------------------------------------------------------------
# A visit's report goes through these states in this order only: written, heard by the
# location's manager, adopted with how the reaction was weighed, published.
REPORT_CONCEPT, REPORT_HEARING, REPORT_ADOPTED, REPORT_PUBLISHED = (
    "concept",
    "hearing",
    "adopted",
    "published",
)
REPORT_STATES = (REPORT_CONCEPT, REPORT_HEARING, REPORT_ADOPTED, REPORT_PUBLISHED)

# --- roles ------------------------------------------------------------------------------
INSPECTOR, MANAGER, COORDINATOR, VIEWER = "inspector", "manager", "coordinator", "viewer"
ROLES = (INSPECTOR, MANAGER, COORDINATOR, VIEWER)
# Who may send inspections (and their photos), and who may read them.
SUBMITTERS = (INSPECTOR, COORDINATOR)
INSPECTION_READERS = (INSPECTOR, MANAGER, COORDINATOR)
# Findings: who reads them (viewers get counts only), and who answers them.
FINDING_READERS = (INSPECTOR, MANAGER, COORDINATOR)
FINDING_RESPONDERS = (MANAGER, COORDINATOR)
# Besides the engine's open, resolved and lapsed: a finding that a rescoring showed was
# none, kept because it had responses.
WITHDRAWN = "withdrawn"
FINDING_RECORD_STATES = (*FINDING_STATES, WITHDRAWN)
ROLE_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        INSPECTOR: "inspecteur",
        MANAGER: "locatiebeheerder",
        COORDINATOR: "coördinator",
        VIEWER: "kijker",
    },
    "en": {
        INSPECTOR: "inspector",
        MANAGER: "location manager",
        COORDINATOR: "coordinator",
        VIEWER: "viewer",
    },
}


def served() -> dict[str, Any]:
    """The vocabulary as the pages get it (JSON-ready)."""
    return {
        "worst_first": list(WORST_FIRST),
        "draw_order": list(DRAW_ORDER),
        "status_labels": STATUS_LABELS,
        "roles": list(ROLES),
        "role_labels": ROLE_LABELS,
        "submitters": list(SUBMITTERS),
        "time_zone": TIME_ZONE,
    }
