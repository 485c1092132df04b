"""unhappy: customer-unhappiness reports, corrective actions, reminder stages, satisfaction scores

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:20:10.820668

Tables: unhappy_report (the shared task), unhappy_action (corrective actions), unhappy_stage
(one row per reminder stage sent: the unique (report_id, stage) key makes each stage happen once),
csat_score, csat_token (the webhook secret's hash), csat_digest_run (one row per workspace per week).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('csat_digest_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'week', name='uq_csat_digest_week')
    )
    op.create_table('csat_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('customer', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('customer_key', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('scale', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reporter_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('csat_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csat_score_customer_key'), ['customer_key'], unique=False)
        batch_op.create_index('ix_csat_score_team_created', ['team_id', 'created_at'], unique=False)

    op.create_table('csat_token',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('unhappy_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('customer', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('customer_key', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reporter_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source_permalink', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('source_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sales_owner_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('marketing_owner_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('sales_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('marketing_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('time_to_owned_s', sa.Integer(), nullable=True),
    sa.Column('acknowledged_by', sa.JSON(), nullable=False),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('alert_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('alert_outbox_id', sa.Integer(), nullable=True),
    sa.Column('alert_permalink', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unhappy_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unhappy_report_customer_key'), ['customer_key'], unique=False)
        batch_op.create_index('ix_unhappy_report_team_status', ['team_id', 'status'], unique=False)

    op.create_table('unhappy_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('root_cause', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['unhappy_report.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unhappy_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unhappy_action_report_id'), ['report_id'], unique=False)

    op.create_table('unhappy_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['unhappy_report.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'stage', name='uq_unhappy_stage')
    )


def downgrade() -> None:
    op.drop_table('unhappy_stage')
    with op.batch_alter_table('unhappy_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unhappy_action_report_id'))

    op.drop_table('unhappy_action')
    with op.batch_alter_table('unhappy_report', schema=None) as batch_op:
        batch_op.drop_index('ix_unhappy_report_team_status')
        batch_op.drop_index(batch_op.f('ix_unhappy_report_customer_key'))

    op.drop_table('unhappy_report')
    op.drop_table('csat_token')
    with op.batch_alter_table('csat_score', schema=None) as batch_op:
        batch_op.drop_index('ix_csat_score_team_created')
        batch_op.drop_index(batch_op.f('ix_csat_score_customer_key'))

    op.drop_table('csat_score')
    op.drop_table('csat_digest_run')
