"""One engine per process; `session_scope()` commits or rolls back.

Every engine cleans the text it sends to the database (`storable`): PostgreSQL refuses NUL (\\x00)
in text and `\\u0000` in JSON, and no driver encodes a lone UTF-16 surrogate (which JSON payloads,
Slack's or a webhook's, can carry as "\\ud800"). Cleaning here, in one place, covers every way into
the database: ORM flushes, Core `update()`s, raw SQL, JSON columns, and the parameters of reads (a
search for "acme\\x00"). The alternative, refusing such text at every input parser, would leave
any parser that forgets it to fail with "something went wrong"; and nobody means to type a NUL,
so dropping it loses nothing. NUL is removed; a lone surrogate becomes U+FFFD (the replacement
character), as a UTF-8 decoder shows undecodable bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, text

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` without NUL, and with U+FFFD for each lone surrogate: what any database can store."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value


def _clean_parameters(conn, cursor, statement, parameters, context, executemany):
    return statement, _clean(parameters)


def _json_dumps(value: Any) -> str:
    return json.dumps(_clean(value))


def make_engine(url: str, **kwargs) -> Engine:
    kwargs.setdefault("json_serializer", _json_dumps)
    engine = _create(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _clean_parameters, retval=True)
    return engine


def _create(url: str, **kwargs) -> Engine:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy own transactions so BEGIN IMMEDIATE below takes the write lock up front:
    # two threads never deadlock upgrading a read lock, and claims stay atomic.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # reported as "unreachable" by /healthz, never raised
        return False
