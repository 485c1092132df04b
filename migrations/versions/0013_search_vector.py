"""search at a million shares: PostgreSQL stores the search document's tsvector (a generated column,
`search_vector`) and indexes it with GIN instead of the expression; SQLite's FTS5 table gets a prefix
index for the `word*` queries search sends (3- and 4-letter prefixes, bot/intel/search.PREFIX_FROM);
competitor indexes that walk newest first (battlecards, `vs:`)

The stored column means a search compares a stored vector instead of parsing each row's text again,
and ANALYZE keeps per-word statistics for it, so the planner can tell a rare word (GIN) from a common
one (the sort index). Existing rows: the column is computed for each by ALTER TABLE; the FTS5 table is
rebuilt from intel_share.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 00:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Frozen copies of bot.intel.models.SEARCH_DOCUMENT / SQLITE_FTS_TABLE as of this revision.
SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, (((COALESCE(summary, ''::character varying)::text || ' '::text) "
    "|| COALESCE(competitor, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(link_title, ''::character varying)::text)"
)
SQLITE_FTS_TABLE = "intel_share_fts"
_FTS_COLUMNS = "summary, competitor, link_title"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE intel_share ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({SEARCH_DOCUMENT}) "
                   "STORED")
        op.execute("DROP INDEX IF EXISTS ix_intel_share_search")
        op.execute("CREATE INDEX ix_intel_share_search ON intel_share USING gin (search_vector)")
    elif dialect == "sqlite":
        _fts(prefix="prefix='3 4', ")
        # Each term's share count, read by bot/intel/search_fts5.py to expand `word*` into its terms.
        op.execute(f"CREATE VIRTUAL TABLE {SQLITE_FTS_TABLE}_vocab USING fts5vocab({SQLITE_FTS_TABLE}, row)")
    _competitor_indexes(create=True)
    if dialect == "postgresql":
        op.execute("ANALYZE intel_share")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _competitor_indexes(create=False)
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_intel_share_search")
        op.execute("ALTER TABLE intel_share DROP COLUMN IF EXISTS search_vector")
        op.execute(f"CREATE INDEX ix_intel_share_search ON intel_share USING gin ({SEARCH_DOCUMENT})")
    elif dialect == "sqlite":
        _fts(prefix="")


def _competitor_indexes(*, create: bool) -> None:
    """(team_id, competitor_id, sort_key) replaces (team_id, competitor_id): `vs:` and a battlecard's
    shares are read newest and most useful first; the battlecard's per-kind lists and its counts (by
    kind, sharer, team, of the shares not retracted) read that index alone."""
    if create:
        op.drop_index("ix_intel_share_team_competitor_id", table_name="intel_share")
        op.create_index("ix_intel_share_team_competitor_sort", "intel_share", ["team_id", "competitor_id", "sort_key"])
        op.create_index("ix_intel_share_competitor_kind", "intel_share",
                        ["team_id", "competitor_id", "kind", "sort_key", "sharer_id", "from_team", "retracted_at"])
    else:
        op.drop_index("ix_intel_share_competitor_kind", table_name="intel_share")
        op.drop_index("ix_intel_share_team_competitor_sort", table_name="intel_share")
        op.create_index("ix_intel_share_team_competitor_id", "intel_share", ["team_id", "competitor_id"])


def _fts(*, prefix: str) -> None:
    """(Re)create the FTS5 table and its triggers, then index every existing share."""
    fts, new = SQLITE_FTS_TABLE, "new.summary, new.competitor, new.link_title"
    old = "old.summary, old.competitor, old.link_title"
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {fts}_vocab")
    op.execute(f"DROP TABLE IF EXISTS {fts}")
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({_FTS_COLUMNS}, content='intel_share', "
               f"content_rowid='id', {prefix}tokenize='porter unicode61 remove_diacritics 2')")
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON intel_share BEGIN "
               f"INSERT INTO {fts}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON intel_share BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {_FTS_COLUMNS} ON intel_share BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new}); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
