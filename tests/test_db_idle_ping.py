"""PostgreSQL without pre-ping: a pooled connection idle long enough to have been dropped is checked (and
replaced when dead) on checkout; one in steady use is handed out without a round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from bot import db as bot_db
from bot.db import make_engine


def test_a_dropped_idle_connection_is_replaced_and_a_busy_one_is_not_pinged(database_url) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pool only (SQLite has no server to drop the connection)")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    statements: list[str] = []
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        event.listen(engine, "before_cursor_execute", lambda c, cur, stmt, *a: statements.append(stmt))
        with engine.connect() as conn:  # just returned: no ping
            conn.execute(text("SELECT 1"))
        assert statements == ["SELECT 1"]

        admin = make_engine(database_url)
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        record = engine.pool._pool.queue[0]  # type: ignore[attr-defined]  # the one pooled connection
        record.info[bot_db._IDLE_SINCE] -= bot_db.IDLE_PING + 1  # as if idle long enough
        with engine.connect() as conn:  # checked, found dead, replaced: the unit of work does not fail
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()
