"""playbook: marketing strategies (step 9) and the win/loss log (step 8)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 10:05:35.168147
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('strategy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('segment', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('key_messages', sa.Text(), nullable=True),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.create_index('ix_strategy_team_status', ['team_id', 'status', 'updated_at'], unique=False)

    op.create_table('win_loss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('customer', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('competitor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('win_loss', schema=None) as batch_op:
        batch_op.create_index('ix_win_loss_team_closed', ['team_id', 'closed_at'], unique=False)

    op.create_table('strategy_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('strategy_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('strategy_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_revision_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategy_revision_strategy_id'), ['strategy_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('strategy_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_revision_strategy_id'))
        batch_op.drop_index(batch_op.f('ix_strategy_revision_created_at'))

    op.drop_table('strategy_revision')
    with op.batch_alter_table('win_loss', schema=None) as batch_op:
        batch_op.drop_index('ix_win_loss_team_closed')

    op.drop_table('win_loss')
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.drop_index('ix_strategy_team_status')

    op.drop_table('strategy')
