"""A small country of locations with inspections, and the checks the geodata tests share.

``world`` has two provinces:

- Groningen (municipality Groningen): GRON-OK meets the norms, GRON-CRIT is
  critical, GRON-NEW has never been inspected, GRON-HALF is incomplete;
- Overijssel: ZWOL-LOW (Zwolle) is below the norms (HYG), the confidential
  ZWOL-SECRET (Zwolle) is critical, and the confidential LONELY-SECRET is
  the only location of Dalfsen, so it has no position to show but its own.

The manager runs ZWOL-LOW and ZWOL-SECRET.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from geo_helpers import API, BELOW_NORM, CRITICAL, LOCATIONS, LONELY, SECRET


@pytest.fixture
def submit(client, headers_for, make_submission) -> Callable[..., dict[str, Any]]:
    """Submit an inspection through the API as an inspector; returns the stored inspection."""
    inspector = headers_for("inspector")

    def _submit(code: str, changes: dict[str, Any] | None = None, **overrides: Any):
        body = make_submission(location=code, **overrides)
        for item, value in (changes or {}).items():
            if value is None:
                body["answers"].pop(item, None)
            else:
                body["answers"][item] = value
        response = client.post(f"{API}/inspections", json=body, headers=inspector)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _submit


@pytest.fixture
def world(norm_set, create_location, headers_for, submit) -> dict[str, Any]:
    """The locations of the module docstring, their inspections, and a user of each role."""
    for fields in LOCATIONS:
        create_location(**fields)
    submit("GRON-OK")
    submit("GRON-CRIT", CRITICAL)
    submit("GRON-HALF", answers={"residents_present": 200, "children_present": 30})
    submit("ZWOL-LOW", BELOW_NORM)
    submit(SECRET["code"], CRITICAL)
    submit(LONELY["code"], BELOW_NORM)
    return {
        "inspector": headers_for("inspector"),
        "manager": headers_for("manager", ("ZWOL-LOW", SECRET["code"])),
        "coordinator": headers_for("coordinator"),
        "viewer": headers_for("viewer"),
    }
