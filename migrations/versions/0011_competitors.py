"""competitors (with their spellings and history), intel feedback, win/loss citations, closed deals
from the CRM; intel_share and win_loss get competitor_id, and every competitor already named in them
becomes one competitor per spelling key (`Initech`, `INITECH` and `initech inc` are one)

competitor_id on intel_share and win_loss has no FOREIGN KEY: SQLite can drop such a column again only
by rebuilding the table, and rebuilding intel_share drops its full-text triggers and cascades through the
rows that point at it. Competitors are never deleted (a merged one is kept), so every id resolves.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competitor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['competitor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('competitor', schema=None) as batch_op:
        batch_op.create_index('ix_competitor_team_name', ['team_id', 'name'], unique=False)

    op.create_table('deal_token',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('intel_feedback_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', 'week', name='uq_intel_feedback_digest_week')
    )
    op.create_table('competitor_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'key', name='uq_competitor_alias_team_key')
    )
    with op.batch_alter_table('competitor_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competitor_alias_competitor_id'), ['competitor_id'], unique=False)

    op.create_table('competitor_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('competitor_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competitor_event_competitor_id'), ['competitor_id'], unique=False)

    op.create_table('deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('owner_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('competitor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('competitor_id', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updates', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('asked_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminder_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('win_loss_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitor.id'], ),
    sa.ForeignKeyConstraint(['win_loss_id'], ['win_loss.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'external_id', name='uq_deal_team_external')
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.create_index('ix_deal_due', ['status', 'reminder_due_at'], unique=False)

    op.create_table('intel_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_team', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['intel_share.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('share_id', 'user_id', name='uq_intel_feedback_share_user')
    )
    with op.batch_alter_table('intel_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_intel_feedback_team_updated', ['team_id', 'updated_at'], unique=False)

    op.create_table('win_loss_intel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('win_loss_id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('cited_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['intel_share.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['win_loss_id'], ['win_loss.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('win_loss_id', 'share_id', name='uq_win_loss_intel')
    )
    with op.batch_alter_table('win_loss_intel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_win_loss_intel_share_id'), ['share_id'], unique=False)

    # Added in place (never a rebuild: see the docstring).
    with op.batch_alter_table('intel_share', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('competitor_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_intel_share_team_competitor_id', ['team_id', 'competitor_id'], unique=False)
    with op.batch_alter_table('win_loss', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('competitor_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_win_loss_team_competitor_id', ['team_id', 'competitor_id'], unique=False)
    _link_existing()


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+), as they were added.
    with op.batch_alter_table('win_loss', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_win_loss_team_competitor_id')
        batch_op.drop_column('competitor_id')
    with op.batch_alter_table('intel_share', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_intel_share_team_competitor_id')
        batch_op.drop_column('competitor_id')
    with op.batch_alter_table('win_loss_intel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_win_loss_intel_share_id'))

    op.drop_table('win_loss_intel')
    with op.batch_alter_table('intel_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_intel_feedback_team_updated')

    op.drop_table('intel_feedback')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_due')

    op.drop_table('deal')
    with op.batch_alter_table('competitor_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competitor_event_competitor_id'))

    op.drop_table('competitor_event')
    with op.batch_alter_table('competitor_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competitor_alias_competitor_id'))

    op.drop_table('competitor_alias')
    op.drop_table('intel_feedback_digest')
    op.drop_table('deal_token')
    with op.batch_alter_table('competitor', schema=None) as batch_op:
        batch_op.drop_index('ix_competitor_team_name')

    op.drop_table('competitor')


# --- linking what is already there (the key as bot/competitors/names.py computed it at 0010) ----------

_LEGAL_FORMS = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "lp", "plc",
    "gmbh", "mbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab", "as", "asa",
    "pty", "pte", "kk", "se", "sl", "sro",
))
_DROPPED = re.compile("[.'`\u2019\u00b4]")
_SEPARATOR = re.compile(r"[^\w]+|_+")


def _key(name: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    parts = [w for w in _SEPARATOR.split(_DROPPED.sub("", text.casefold().replace("&", " and "))) if w]
    if len(parts) > 1 and parts[0] == "the":
        parts = parts[1:]
    while len(parts) > 1 and (parts[-1] in _LEGAL_FORMS or parts[-1] in ("and", "the")):
        parts = parts[:-1]
    return " ".join(parts)[:100]


def _link_existing() -> None:
    """One competitor per workspace and spelling key, named by its most used spelling (the earliest
    on a tie), with that key as its alias and a `created` event listing the spellings it was found as."""
    bind = op.get_bind()
    meta = sa.MetaData()
    share = sa.Table("intel_share", meta, autoload_with=bind)
    entry = sa.Table("win_loss", meta, autoload_with=bind)
    competitor = sa.Table("competitor", meta, autoload_with=bind)
    alias = sa.Table("competitor_alias", meta, autoload_with=bind)
    event = sa.Table("competitor_event", meta, autoload_with=bind)
    found: dict[tuple[str, str], dict] = {}
    for table in (share, entry):
        rows = bind.execute(sa.select(table.c.id, table.c.team_id, table.c.competitor, table.c.created_at)
                            .where(table.c.competitor.is_not(None)).order_by(table.c.created_at, table.c.id))
        for row in rows:
            name = " ".join(row.competitor.split())[:100]
            key = _key(name)
            if not key:
                continue
            group = found.setdefault((row.team_id, key),
                                     {"names": Counter(), "first": {}, "ids": {share: [], entry: []}})
            group["names"][name] += 1
            group["first"].setdefault(name, (row.created_at, len(group["first"])))
            group["ids"][table].append(row.id)
    at = datetime.now(UTC)
    for (team_id, key), group in sorted(found.items()):
        name = min(group["names"], key=lambda n: (-group["names"][n], *group["first"][n]))
        competitor_id = bind.execute(competitor.insert().values(
            team_id=team_id, name=name, created_at=at, updated_at=at)).inserted_primary_key[0]
        bind.execute(alias.insert().values(team_id=team_id, competitor_id=competitor_id, key=key, name=name,
                                           created_at=at))
        bind.execute(event.insert().values(team_id=team_id, competitor_id=competitor_id, action="created",
                                           changes={"by": "migration", "spellings": sorted(group["names"])},
                                           created_at=at))
        for table, ids in group["ids"].items():
            for start in range(0, len(ids), 500):
                bind.execute(table.update().where(table.c.id.in_(ids[start:start + 500]))
                             .values(competitor_id=competitor_id))
