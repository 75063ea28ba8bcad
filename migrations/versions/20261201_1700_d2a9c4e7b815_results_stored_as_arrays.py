"""Inspections keep their per-norm results as one array per norm, not one object.

The seven field names were repeated for every norm of every visit, more
than half of each result document; the service reads the arrays back as
objects (``inspection.stored_results``), so the API is unchanged.

Revision ID: d2a9c4e7b815
Revises: b4e8f2a6c1d3
Create Date: 2026-12-01 17:00:00.000000

"""

import orjson
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2a9c4e7b815"
down_revision = "b4e8f2a6c1d3"
branch_labels = None
depends_on = None

# As inspection.stored_results.FIELDS when this revision was written.
FIELDS = ("norm", "domain", "outcome", "severity", "value", "threshold", "critical")
BATCH = 1000


def upgrade():
    _rewrite(lambda result: [result[name] for name in FIELDS], dict)


def downgrade():
    _rewrite(lambda result: dict(zip(FIELDS, result, strict=True)), list)


def _rewrite(convert, source):
    """Convert, result by result, the results of every inspection whose results are of the
    ``source`` form, in batches by id; written as the service writes JSON (orjson)."""
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    update = sa.text(
        "UPDATE inspections SET results = "
        + ("CAST(:results AS JSONB)" if postgresql else ":results")
        + " WHERE id = :key"
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, CAST(results AS TEXT) FROM inspections WHERE id > :last "
                "ORDER BY id LIMIT :batch"
            ),
            {"last": last, "batch": BATCH},
        ).all()
        if not rows:
            return
        changed = []
        for key, text in rows:
            results = orjson.loads(text)
            if results and isinstance(results[0], source):
                converted = [convert(result) for result in results]
                changed.append({"key": key, "results": orjson.dumps(converted).decode()})
        if changed:
            bind.execute(update, changed)
        last = rows[-1][0]
