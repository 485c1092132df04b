"""joint: quarterly meetings, occurrences, RSVPs, time poll, agenda items, needs, action items, plans

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:19:43.001532
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_need', schema=None) as batch_op:
        batch_op.create_index('ix_customer_need_quarter', ['team_id', 'quarter'], unique=False)

    op.create_table('joint_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('joint_agenda_item', schema=None) as batch_op:
        batch_op.create_index('ix_joint_agenda_item_quarter', ['team_id', 'quarter'], unique=False)

    op.create_table('joint_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prompt_post_ids', sa.JSON(), nullable=False),
    sa.Column('notice_post_ids', sa.JSON(), nullable=False),
    sa.Column('outcomes_post_id', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('minutes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moved_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'quarter', name='uq_joint_meeting_quarter')
    )
    op.create_table('joint_occurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'quarter', 'kind', name='uq_joint_occurrence')
    )
    op.create_table('joint_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('owners', sa.JSON(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'quarter', name='uq_joint_plan_quarter')
    )
    op.create_table('joint_action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dm_post_id', sa.Integer(), nullable=True),
    sa.Column('reminder_post_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('joint_action_item', schema=None) as batch_op:
        batch_op.create_index('ix_joint_action_item_open', ['team_id', 'status'], unique=False)

    op.create_table('joint_plan_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('campaign', sa.Text(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('expected_pipeline', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('expected_revenue', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['joint_plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('joint_plan_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_plan_line_plan_id'), ['plan_id'], unique=False)

    op.create_table('joint_plan_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['joint_plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('joint_plan_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_plan_revision_plan_id'), ['plan_id'], unique=False)

    op.create_table('joint_rsvp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('attending', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_joint_rsvp_user')
    )
    op.create_table('joint_time_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'starts_at', name='uq_joint_time_option')
    )
    op.create_table('joint_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], ),
    sa.ForeignKeyConstraint(['option_id'], ['joint_time_option.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_joint_vote_user')
    )


def downgrade() -> None:
    op.drop_table('joint_vote')
    op.drop_table('joint_time_option')
    op.drop_table('joint_rsvp')
    with op.batch_alter_table('joint_plan_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_plan_revision_plan_id'))

    op.drop_table('joint_plan_revision')
    with op.batch_alter_table('joint_plan_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_plan_line_plan_id'))

    op.drop_table('joint_plan_line')
    with op.batch_alter_table('joint_action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_joint_action_item_open')

    op.drop_table('joint_action_item')
    op.drop_table('joint_plan')
    op.drop_table('joint_occurrence')
    op.drop_table('joint_meeting')
    with op.batch_alter_table('joint_agenda_item', schema=None) as batch_op:
        batch_op.drop_index('ix_joint_agenda_item_quarter')

    op.drop_table('joint_agenda_item')
    with op.batch_alter_table('customer_need', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_need_quarter')

    op.drop_table('customer_need')
