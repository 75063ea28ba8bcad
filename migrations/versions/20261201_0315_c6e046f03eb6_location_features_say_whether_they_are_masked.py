"""The stored GeoJSON features of locations say whether they are masked (``masked: false``).

The features kept in ``location_pictures.feature`` are the variant a
coordinator sees; the export now ends every feature's properties with
``masked``. Each stored feature gets it here, with its digest (which export
ETags are made of), so that an existing database serves the flag without
waiting for each location to be written again.

The features are patched rather than made again from the locations and
pictures: orjson reads and writes every value of a feature unchanged (floats
as their shortest round trip), so adding the property last gives the bytes
the service writes for a new feature, and this revision needs no code of the
service, whose features may change after it.

Revision ID: c6e046f03eb6
Revises: a7c4d2e9f013
Create Date: 2026-12-01 03:15:00

"""

import hashlib

import orjson
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c6e046f03eb6"
down_revision = "a7c4d2e9f013"
branch_labels = None
depends_on = None

_BATCH = 1000
_PICTURES = sa.table(
    "location_pictures",
    sa.column("location_id", sa.Integer),
    sa.column("feature", sa.LargeBinary),
    sa.column("feature_digest", sa.LargeBinary),
)


def upgrade():
    _rewrite(_with_flag)


def downgrade():
    _rewrite(_without_flag)


def _with_flag(properties):
    # The coordinator's variant is stored: nothing in it is masked.
    properties["masked"] = False


def _without_flag(properties):
    properties.pop("masked", None)


def _rewrite(change):
    """Every stored feature with its properties changed by ``change``, and its digest.

    A location without a stored feature keeps none: the service makes it when read.
    """
    bind = op.get_bind()
    statement = (
        _PICTURES.update()
        .where(_PICTURES.c.location_id == sa.bindparam("key"))
        .values(feature=sa.bindparam("body"), feature_digest=sa.bindparam("kept"))
    )
    last = None
    while True:
        query = (
            sa.select(_PICTURES.c.location_id, _PICTURES.c.feature)
            .where(_PICTURES.c.feature.is_not(None))
            .order_by(_PICTURES.c.location_id)
            .limit(_BATCH)
        )
        if last is not None:
            query = query.where(_PICTURES.c.location_id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        batch = []
        for key, stored in rows:
            data = orjson.loads(stored)
            change(data["properties"])
            body = orjson.dumps(data)
            # As ``inspection.location_features.digest``.
            kept = hashlib.blake2b(body, digest_size=16).digest()
            batch.append({"key": key, "body": body, "kept": kept})
        bind.execute(statement, batch)
        last = rows[-1][0]
