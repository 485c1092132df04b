"""workspace_prefs: each feature's preferences in its own row (team, feature), validated by the feature's model
(bot/prefs.py), instead of the workspace's untyped `prefs` JSON; existing values are moved and keyed one way:

    intel_emoji               -> intel.emoji
    intel_digest              -> intel.digest
    joint.schedule            -> joint.schedule
    joint.export_token_sha256 -> joint.export_token_sha256
    unhappy                   -> unhappy (its fields as they were)
    winloss.currency          -> playbook.winloss_currency

Downgrade puts them back under their old keys. A key Truce never wrote has no feature to go to: it is kept, in
a row of its own (feature "legacy"), and put back by downgrade too.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 22:00:00.000000
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# old key -> (feature, field); None as the field: the old value is the feature's whole object.
MOVES: dict[str, tuple[str, str | None]] = {
    "intel_emoji": ("intel", "emoji"),
    "intel_digest": ("intel", "digest"),
    "joint.schedule": ("joint", "schedule"),
    "joint.export_token_sha256": ("joint", "export_token_sha256"),
    "unhappy": ("unhappy", None),
    "winloss.currency": ("playbook", "winloss_currency"),
}
LEGACY = "legacy"

workspace = sa.table('workspace', sa.column('team_id', sa.String), sa.column('prefs', sa.JSON))
workspace_prefs = sa.table('workspace_prefs', sa.column('team_id', sa.String), sa.column('feature', sa.String),
                           sa.column('data', sa.JSON), sa.column('updated_at', sa.DateTime(timezone=True)))


def _loaded(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # some drivers hand JSON back as text
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def upgrade() -> None:
    op.create_table('workspace_prefs',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'feature')
    )
    conn = op.get_bind()
    rows = []
    for team_id, prefs in conn.execute(sa.select(workspace.c.team_id, workspace.c.prefs)).all():
        features: dict[str, dict[str, Any]] = {}
        for key, value in _loaded(prefs).items():
            feature, field = MOVES.get(key, (LEGACY, key))
            if field is None:
                features.setdefault(feature, {}).update(_loaded(value))
            else:
                features.setdefault(feature, {})[field] = value
        rows += [{"team_id": team_id, "feature": f, "data": data, "updated_at": datetime.now(UTC)}
                 for f, data in features.items()]
    if rows:
        conn.execute(workspace_prefs.insert(), rows)
    with op.batch_alter_table('workspace', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('prefs')


def downgrade() -> None:
    with op.batch_alter_table('workspace', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('prefs', sa.JSON(), nullable=False, server_default='{}'))
    conn = op.get_bind()
    back = {(feature, field): key for key, (feature, field) in MOVES.items()}
    prefs: dict[str, dict[str, Any]] = {}
    for team_id, feature, data in conn.execute(
            sa.select(workspace_prefs.c.team_id, workspace_prefs.c.feature, workspace_prefs.c.data)).all():
        old = prefs.setdefault(team_id, {})
        data = _loaded(data)
        if (feature, None) in back:
            old[back[(feature, None)]] = data
            continue
        for field, value in data.items():
            old[back.get((feature, field), field if feature == LEGACY else f"{feature}.{field}")] = value
    for team_id, old in prefs.items():
        conn.execute(workspace.update().where(workspace.c.team_id == team_id).values(prefs=old))
    op.drop_table('workspace_prefs')
