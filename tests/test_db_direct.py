"""bot.db_direct: the one INSERT on an answer's path, on the driver's connection — stored as the ORM would store
it (every column read back the same, SQLite's datetimes as the same text), skipping keys taken, committed when
it returns, and leaving the pooled connection as it found it."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from bot import accepted, db_direct
from bot.clock import now
from bot.db import is_postgres, make_engine, session_scope, table_of
from bot.models import AcceptedRequest


def _row(key: str, **values) -> dict:
    t = now()
    return {"key": key, "team_id": "T1", "kind": "command", "content_type": "application/x-www-form-urlencoded",
            "body": "command=%2Fintel&text=hello", "status": "pending", "attempts": 1,
            "claim_token": uuid.uuid4().hex, "claimed_until": t + timedelta(seconds=20), "received_at": t, **values}


def _insert(engine, rows):
    return db_direct.insert_new(engine, table_of(AcceptedRequest), rows, unique=("key",), returning=("id", "key"))


def _read(engine) -> dict[str, AcceptedRequest]:
    with session_scope(engine) as s:
        return {r.key: r for r in s.exec(select(AcceptedRequest).order_by(col(AcceptedRequest.id)))}


def test_rows_are_stored_as_the_orm_stores_them_and_read_back_the_same(db):
    direct, orm = _row("T1:command:direct"), _row("T1:command:orm")
    orm["received_at"], orm["claimed_until"] = direct["received_at"], direct["claimed_until"]
    [(row_id, key)] = _insert(db, [direct])
    with session_scope(db) as s:
        s.add(AcceptedRequest(**orm))
    rows = _read(db)
    assert key == "T1:command:direct" and rows[key].id == row_id
    for name in ("team_id", "kind", "content_type", "body", "status", "attempts", "claimed_until", "received_at",
                 "answer", "done_at"):
        assert getattr(rows[key], name) == getattr(rows["T1:command:orm"], name), name
    assert rows[key].claim_token == direct["claim_token"]
    # The same text in the database as the ORM's: SQLite compares datetimes as text (claims that lapse).
    with db.connect() as conn:
        stored = dict(conn.execute(text("SELECT key, claimed_until FROM accepted_request")).all())
    assert stored["T1:command:direct"] == stored["T1:command:orm"]


def test_a_key_taken_already_or_twice_in_one_batch_is_skipped(db):
    [(first, _)] = _insert(db, [_row("T1:command:a")])
    stored = _insert(db, [_row("T1:command:a"), _row("T1:command:b"), _row("T1:command:b")])
    assert [key for _, key in stored] == ["T1:command:b"]
    assert list(_read(db)) == ["T1:command:a", "T1:command:b"] and _read(db)["T1:command:a"].id == first


def test_text_no_database_can_hold_is_cleaned_as_everywhere_else(db):
    _insert(db, [_row("T1:command:nul", body="a\x00b\ud800c")])
    assert _read(db)["T1:command:nul"].body == "ab\ufffdc"


def test_what_is_stored_is_committed_and_seen_by_another_connection_at_once(db, database_url):
    other = make_engine(database_url)
    try:
        _insert(db, [_row("T1:command:seen")])
        assert "T1:command:seen" in _read(other)
    finally:
        other.dispose()


def test_the_pooled_connection_is_handed_back_as_it_was_taken(db):
    # One connection in the pool: the next unit of work gets the very connection the INSERT used, and must
    # still be in a transaction of its own (rolled back here: nothing of it stays).
    engine = _one_connection(db)
    try:
        _insert(engine, [_row("T1:command:before")])
        with pytest.raises(RuntimeError), session_scope(engine) as s:
            s.add(AcceptedRequest(**_row("T1:command:rolled-back")))
            s.flush()
            raise RuntimeError("the unit of work fails")
        assert list(_read(engine)) == ["T1:command:before"]
    finally:
        if engine is not db:
            engine.dispose()


def _one_connection(db):
    """An engine on the same database whose pool holds one connection: each use gets the one before's."""
    return make_engine(db.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0) \
        if is_postgres(db) else db


def test_a_failing_statement_raises_and_leaves_no_connection_in_a_bad_state(db, monkeypatch):
    engine = _one_connection(db)
    try:
        marks = ", ".join(["%s" if is_postgres(db) else "?"] * 10)
        monkeypatch.setattr(db_direct, "_plan", lambda *a: (f"INSERT INTO no_such_table VALUES ({marks})",
                                                            [None] * 10))
        with pytest.raises(Exception, match="no_such_table"):
            _insert(engine, [_row("T1:command:x")])
        monkeypatch.undo()
        with pytest.raises(RuntimeError), session_scope(engine) as s:  # still a transaction of its own
            s.add(AcceptedRequest(**_row("T1:command:rolled-back")))
            s.flush()
            raise RuntimeError("the unit of work fails")
        _insert(engine, [_row("T1:command:y")])
        assert list(_read(engine)) == ["T1:command:y"]
    finally:
        if engine is not db:
            engine.dispose()


def test_many_threads_storing_at_once_through_the_group_commit_each_get_their_own_id(db):
    results: dict[str, int | None] = {}

    def store(n: int) -> None:
        row = _row(f"T1:command:{n}")
        results[row["key"]] = accepted._storer(db).submit(row)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    rows = _read(db)
    assert len(rows) == 40 and all(results[key] == row.id for key, row in rows.items())
