"""outbox: remember when a post's outcome became unknown (no answer from Slack); find the
unsent posts queued before a post into the same channel (posts keep their order)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_doubt_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_lane', ['team_id', 'channel', 'status'], unique=False)


def downgrade() -> None:
    # No copy-and-recreate of the table on SQLite (other tables' rows point at outbox rows):
    # SQLite drops a plain column in place since 3.35.
    with op.batch_alter_table('outbox', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.drop_column('in_doubt_since')
