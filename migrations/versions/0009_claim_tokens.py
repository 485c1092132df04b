"""outbox and task: a token per claim (an attempt writes its outcome only while it still holds
the row); outbox: where an interrupted history lookup of a post in doubt resumes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('lookup_from', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+): recreating outbox would break on the rows that point at it.
    with op.batch_alter_table('task', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('claim_token')
    with op.batch_alter_table('outbox', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('lookup_from')
        batch_op.drop_column('claim_token')
