"""intel: market-intelligence shares, their posts, votes, supporters, digests, full-text search

Full-text search uses each database's own index: on PostgreSQL a GIN index over a tsvector
expression (the same expression the search query uses), on SQLite an FTS5 external-content
table `intel_share_fts` kept in step with `intel_share` by triggers (so DELETE keeps it exact).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:21:22.203552
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

# Frozen copies of bot.intel.models.SEARCH_DOCUMENT / SQLITE_FTS_TABLE as of this revision.
SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, (((COALESCE(summary, ''::character varying)::text || ' '::text) "
    "|| COALESCE(competitor, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(link_title, ''::character varying)::text)"
)
SQLITE_FTS_TABLE = "intel_share_fts"

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intel_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('share_count', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'week', name='uq_intel_digest_team_week')
    )
    op.create_table('intel_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('sharer_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('from_team', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('competitor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('competitor_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('why', sa.Text(), nullable=True),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('link_title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('link_description', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True),
    sa.Column('enrichment', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('source_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('source_permalink', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('source_text', sa.Text(), nullable=True),
    sa.Column('source_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('useful_count', sa.Integer(), nullable=False),
    sa.Column('sort_key', sa.BigInteger(), nullable=False),
    sa.Column('discussion_outbox_id', sa.Integer(), nullable=True),
    sa.Column('discussion_permalink', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['discussion_outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'source_channel', 'source_ts', name='uq_intel_share_source')
    )
    with op.batch_alter_table('intel_share', schema=None) as batch_op:
        batch_op.create_index('ix_intel_share_team_competitor', ['team_id', 'competitor_key'], unique=False)
        batch_op.create_index('ix_intel_share_team_created', ['team_id', 'created_at'], unique=False)
        batch_op.create_index('ix_intel_share_team_sort', ['team_id', 'sort_key'], unique=False)

    op.create_table('intel_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('permalink', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['share_id'], ['intel_share.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('share_id', 'role', name='uq_intel_post_share_role')
    )
    with op.batch_alter_table('intel_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intel_post_share_id'), ['share_id'], unique=False)

    op.create_table('intel_supporter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['intel_share.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('share_id', 'user_id', name='uq_intel_supporter_share_user')
    )
    op.create_table('intel_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['intel_share.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('share_id', 'user_id', name='uq_intel_vote_share_user')
    )
    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    op.drop_table('intel_vote')
    op.drop_table('intel_supporter')
    with op.batch_alter_table('intel_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intel_post_share_id'))

    op.drop_table('intel_post')
    with op.batch_alter_table('intel_share', schema=None) as batch_op:
        batch_op.drop_index('ix_intel_share_team_sort')
        batch_op.drop_index('ix_intel_share_team_created')
        batch_op.drop_index('ix_intel_share_team_competitor')

    op.drop_table('intel_share')
    op.drop_table('intel_digest')


_FTS_COLUMNS = "summary, competitor, link_title"


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_intel_share_search ON intel_share USING gin ({SEARCH_DOCUMENT})")
    elif dialect == "sqlite":
        fts, new = SQLITE_FTS_TABLE, "new.summary, new.competitor, new.link_title"
        old = "old.summary, old.competitor, old.link_title"
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({_FTS_COLUMNS}, content='intel_share', "
                   "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON intel_share BEGIN "
                   f"INSERT INTO {fts}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON intel_share BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {_FTS_COLUMNS} ON intel_share BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new}); END")
        # Rows that existed before (none on a fresh install) enter the index once.
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _drop_search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_intel_share_search")
    elif dialect == "sqlite":
        fts = SQLITE_FTS_TABLE
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
