"""The ceiling for "receive and store a submission": Flask, parse the JSON, one INSERT.

Served under the same gunicorn settings as the real app, it shows what this
machine can do at best, so that our figure can be read as a ratio.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading

from flask import Flask, request

DATABASE = os.environ["CEILING_DATABASE"]
_local = threading.local()


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "db"):
        db = sqlite3.connect(DATABASE, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS submissions (id TEXT PRIMARY KEY, body TEXT)")
        _local.db = db
    return _local.db


app = Flask(__name__)


@app.post("/api/v1/inspections")
def store() -> tuple[dict, int]:
    body = request.get_json()
    _connection().execute(
        "INSERT INTO submissions (id, body) VALUES (?, ?)", (body["id"], json.dumps(body))
    )
    return {"id": body["id"]}, 201
