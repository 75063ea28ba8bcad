"""A world for reports: locations, one visit at each, and a user of every role."""

from __future__ import annotations

from typing import Any

import pytest

API = "/api/v1"


class World:
    def __init__(self, client, login, users, visits, submit) -> None:
        self.client = client
        self.users = users
        self.visits = visits
        self.submit = submit
        self.headers = {role: login(user.username) for role, user in users.items()}

    def call(self, method: str, path: str, role: str, **kwargs: Any):
        return self.client.open(API + path, method=method, headers=self.headers[role], **kwargs)

    def new_report(
        self, location: str = "OWN", role: str = "inspector", visit: str | None = None
    ) -> dict[str, Any]:
        visit = visit or self.visits[location]
        response = self.call("POST", f"/inspections/{visit}/report", role)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def report_in(self, state: str, location: str = "OWN", fresh: bool = False) -> int:
        """A report of the location's visit moved on to ``state`` along the allowed path.

        ``fresh``: of a new visit, so that the location's first report is left alone.
        """
        visit = self.submit(location) if fresh else None
        report_id = self.new_report(location, visit=visit)["id"]
        steps = [
            ("hearing", "send", "inspector", None),
            ("adopted", "adopt", "coordinator", {"handling": "De reactie is meegewogen."}),
            ("published", "publish", "coordinator", None),
        ]
        for target, move, role, body in steps:
            if state == "concept":
                break
            if target == "adopted":
                reacted = self.call(
                    "POST",
                    f"/reports/{report_id}/reactions",
                    "other_manager" if location == "OTHER" else "manager",
                    json={"text": "Wij herkennen het beeld.", "corrections": {}},
                )
                assert reacted.status_code == 201, reacted.get_json()
            response = self.call("POST", f"/reports/{report_id}/{move}", role, json=body)
            assert response.status_code == 200, response.get_json()
            if target == state:
                break
        return report_id


@pytest.fixture
def world(client, norm_set, create_location, create_user, login, make_submission, passing_answers):
    """OWN (the manager's), OTHER and SECRET (confidential), each visited by ``inspector``."""
    create_location(code="OWN", name="Eigen locatie")
    create_location(
        code="OTHER", name="Andere locatie", municipality="Zwolle", province="Overijssel"
    )
    create_location(code="SECRET", name="Beschermde opvang", confidential=True)
    users = {
        "inspector": create_user("inspector"),
        "other_inspector": create_user("inspector"),
        "manager": create_user("manager", ("OWN", "SECRET")),
        "other_manager": create_user("manager", ("OTHER",)),
        "coordinator": create_user("coordinator"),
        "viewer": create_user("viewer"),
    }
    headers = login(users["inspector"].username)

    def submit(code: str) -> str:
        # 460 residents and 20 working toilets: 23 per toilet, HYG-01 fails (azc: at most 10).
        answers = {**passing_answers, "residents_present": 460}
        body = make_submission(location=code, answers=answers, notes={"HYG-01": "Twee defect."})
        response = client.post(f"{API}/inspections", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return body["id"]

    def submit_at(code: str, observed_at: str, toilets: int) -> str:
        """A visit of ``code`` at ``observed_at`` with 460 residents and ``toilets`` toilets."""
        answers = {**passing_answers, "residents_present": 460, "toilets_working": toilets}
        body = make_submission(location=code, answers=answers, observed_at=observed_at)
        response = client.post(f"{API}/inspections", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return body["id"]

    visits = {code: submit(code) for code in ("OWN", "OTHER", "SECRET")}
    world = World(client, login, users, visits, submit)
    world.submit_at = submit_at
    return world


@pytest.fixture
def create_places(create_location):
    """Locations from rows: code, type, municipality, province, latitude, longitude, secret."""

    def create(places: list[tuple[str, str, str, str, float, float, bool]]) -> None:
        for code, kind, municipality, province, lat, lon, secret in places:
            create_location(
                code=code,
                name=f"Locatie {code}",
                type=kind,
                municipality=municipality,
                province=province,
                latitude=lat,
                longitude=lon,
                confidential=secret,
            )

    return create
