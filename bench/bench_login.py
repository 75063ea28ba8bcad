"""Login timing: does the answer's speed tell whether a username exists?

Logs in through the app (Flask's test client, SQLite, Argon2id at its
production cost) with a wrong password for an existing user, an unknown
username and a deactivated user, interleaved, each from its own address so
that no limit interferes, and prints the median of each and the ratios to
the wrong-password case measured in the same run. Ratios near 1.0 mean the
three cannot be told apart by timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import PASSWORD, machine, prepare_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {machine()}")

    from app import create_app
    from inspection.db import db
    from inspection.users import create_user

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'login.sqlite3'}"
        prepare_database(url, locations=1)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            create_user("vertrokken", PASSWORD, "inspector").active = False
            db.session.commit()
        client = app.test_client()
        cases = {
            "wrong password": ("bench", "not the password"),
            "unknown user": ("niemand", "not the password"),
            "deactivated user": ("vertrokken", PASSWORD),
        }
        timings: dict[str, list[float]] = {case: [] for case in cases}
        for n in range(args.rounds):
            for index, (case, (username, password)) in enumerate(cases.items()):
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/auth/tokens",
                    json={"username": username, "password": password},
                    environ_base={"REMOTE_ADDR": f"10.{index}.{n // 250}.{n % 250 + 1}"},
                )
                timings[case].append(time.perf_counter() - started)
                assert response.status_code == 401, response.get_json()
        reference = statistics.median(timings["wrong password"])
        for case, values in timings.items():
            median = statistics.median(values)
            print(f"{case:17} median {median * 1000:7.1f} ms  ratio {median / reference:.2f}")


if __name__ == "__main__":
    main()
