"""schedule_due: when each per-workspace job is next due (bot/models/schedule.py), indexed on (job, due_at);
every existing workspace's jobs due at once, so the first tick computes their real times

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 23:50:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# As bot/models/schedule.py had them at this revision (a migration does not follow later code).
JOBS = ("joint", "intel-digest", "intel-feedback", "csat-digest", "scorecard-chart", "members")
ASAP = datetime(2000, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    table = op.create_table('schedule_due',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'job')
    )
    op.create_index('ix_schedule_due_job_due', 'schedule_due', ['job', 'due_at'], unique=False)
    backfill(op.get_bind(), table)


def backfill(conn: sa.Connection, table: sa.Table) -> None:
    """Every workspace's jobs due at once (one INSERT … SELECT per job)."""
    workspace = sa.table('workspace', sa.column('team_id', sa.String))
    for job in JOBS:
        conn.execute(table.insert().from_select(
            ['team_id', 'job', 'due_at'],
            sa.select(workspace.c.team_id, sa.literal(job, sa.String), sa.literal(ASAP, sa.DateTime(timezone=True)))))


def downgrade() -> None:
    op.drop_index('ix_schedule_due_job_due', table_name='schedule_due')
    op.drop_table('schedule_due')
