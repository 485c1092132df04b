"""scorecard: actuals against the joint plan (per goal and owner) and their history, the actuals
webhook's token, the chart files posted; covering indexes on intel_share and unhappy_report for the
scorecard's quarterly counts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actuals_token',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('plan_actual',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('goal_key', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('owner_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('owner_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('budget_spent', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('pipeline', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('revenue', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'quarter', 'goal_key', 'owner_id', name='uq_plan_actual_line')
    )
    op.create_table('plan_actual_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_plan_actual_revision_quarter', 'plan_actual_revision', ['team_id', 'quarter'], unique=False)

    op.create_table('scorecard_chart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'key', name='uq_scorecard_chart_key')
    )
    op.create_index('ix_intel_share_scorecard', 'intel_share',
                    ['team_id', 'created_at', 'from_team', 'useful_count', 'retracted_at'], unique=False)
    op.create_index('ix_unhappy_report_scorecard', 'unhappy_report',
                    ['team_id', 'created_at', 'status', 'time_to_owned_s', 'closed_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_unhappy_report_scorecard', table_name='unhappy_report')
    op.drop_index('ix_intel_share_scorecard', table_name='intel_share')
    op.drop_table('scorecard_chart')
    op.drop_index('ix_plan_actual_revision_quarter', table_name='plan_actual_revision')
    op.drop_table('plan_actual_revision')
    op.drop_table('plan_actual')
    op.drop_table('actuals_token')
