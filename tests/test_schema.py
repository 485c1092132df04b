"""Alembic's head is exactly the models' schema, and downgrade to base works (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bot import migrate
from bot.intel.models import SEARCH_VECTOR


def _include(obj, name, type_, reflected, compare_to):
    # Full-text search shadow tables (SQLite FTS5) are created by migrations on purpose and
    # have no model; they are named *_fts*. So is PostgreSQL's stored search vector (a generated
    # column, bot.intel.models.SEARCH_VECTOR, migration 0013).
    if type_ == "column" and reflected and name == SEARCH_VECTOR and getattr(obj.table, "name", "") == "intel_share":
        return False
    return not (type_ == "table" and name and "_fts" in name)


def test_upgrade_head_matches_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_and_back(engine):
    migrate.downgrade(engine, "base")
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert not {t for t in names if "_fts" not in t}, names
    finally:
        migrate.upgrade(engine)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
