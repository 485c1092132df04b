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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Row, Table, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, create_engine, text

from bot import request_path
from bot.models.base import dialect_insert
from bot.models.base import pk as pk  # the id of a stored row; defined with the models so builders can use it

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


def _clean_parameters(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                      executemany: bool) -> tuple[str, Any]:
    return statement, _clean(parameters)


def _json_dumps(value: Any) -> str:
    return json.dumps(_clean(value))


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", _json_dumps)
    engine = _create(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _clean_parameters, retval=True)
    return engine


def _create(url: str, **kwargs: Any) -> Engine:
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
    # No `pool_pre_ping`: that is a SELECT 1 round trip before every unit of work, a tenth of an answer
    # under load. A connection is checked only when it sat idle long enough to have been dropped
    # (`_ping_if_idle`); connections are renewed every half hour; TCP keepalives find a dead peer.
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_recycle", POOL_RECYCLE)
    connect_args = kwargs.setdefault("connect_args", {})
    for name, value in KEEPALIVES.items():
        connect_args.setdefault(name, value)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


POOL_RECYCLE = 1800  # seconds
IDLE_PING = 10.0  # seconds a pooled connection may sit unused before it is checked on checkout
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
_IDLE_SINCE = "truce_idle_since"


def _note_idle(_dbapi_conn: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """A connection unused for IDLE_PING seconds (a database restart or a proxy's idle timeout may have
    dropped it) is checked with a round trip before it is handed out; a dead one is replaced (the pool
    retries the checkout on DisconnectionError). Connections in steady use are not checked: under load
    each one comes back within milliseconds."""
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING:
        return
    try:
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_conn.rollback()
    except Exception as exc:  # any failure: this connection is not usable
        raise DisconnectionError(f"a pooled connection idle for {IDLE_PING}+ s was dropped") from exc


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy own transactions so BEGIN IMMEDIATE below takes the write lock up front:
    # two threads never deadlock upgrading a read lock, and claims stay atomic.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints, not at each commit: a committed transaction survives
    # the process being killed (kill -9), though not the machine losing power mid-write.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A unit of work that only reads (`session_scope(..., read_only=True)`) does not queue for the
    # write lock: in WAL mode readers never wait for the writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


READ_ONLY = "truce_read_only"


class WriteGate:
    """SQLite lets one transaction write at a time; the others wait in SQLite's busy handler, which
    sleeps in growing steps (up to 100 ms) and wakes in no order, so under load a short transaction can
    wait seconds behind a stream of others. Within a process, units of work take turns here instead:
    the next one starts the moment the last one ends, and one answering Slack (bot.request_path) goes
    before background work.

    Each turn's end wakes one waiter (an answer's when one waits), not all of them: every SQLite call
    gives up Python's GIL and takes it back, and a herd of waiters woken at once fought the turn's next
    holder for the GIL at each of its calls (bench.acks at 200 senders). A thread arriving as a turn ends
    may take it before the woken waiter runs (it then waits again, and is woken at the next end): a turn
    handed only to the waiter, in order, left the gate idle until that thread was scheduled, which halved
    the runs' throughput on SQLite (docs/benchmarks.md). Re-entrant per thread; other processes still meet
    SQLite's busy handler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._urgent = threading.Condition(self._lock)  # answers waiting
        self._background = threading.Condition(self._lock)
        self._owner: int | None = None
        self._depth = 0
        self._urgent_waiting = 0
        self._background_waiting = 0

    @property
    def waiting(self) -> int:
        return self._urgent_waiting + self._background_waiting

    @contextmanager
    def turn(self, *, urgent: bool) -> Iterator[None]:
        me = threading.get_ident()
        with self._lock:
            if self._owner != me:
                if urgent:
                    self._urgent_waiting += 1
                    try:
                        while self._owner is not None:
                            self._urgent.wait()
                    finally:
                        self._urgent_waiting -= 1
                else:
                    self._background_waiting += 1
                    try:
                        while self._owner is not None or self._urgent_waiting:
                            self._background.wait()
                    finally:
                        self._background_waiting -= 1
                self._owner = me
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    if self._urgent_waiting:
                        self._urgent.notify()
                    elif self._background_waiting:
                        self._background.notify()


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def _gate(engine: Engine) -> WriteGate | None:
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url)
    with _gates_lock:
        return _gates.setdefault(key, WriteGate())


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error. `read_only`: it only reads (on SQLite
    it then takes no write lock and does not wait for a turn; writing in it fails)."""
    gate = None if read_only else _gate(engine)
    with gate.turn(urgent=request_path.answering()) if gate is not None else nullcontext():
        if read_only:
            engine = engine.execution_options(**{READ_ONLY: True})
        session = Session(engine, expire_on_commit=False)
        consume = None
        try:
            yield session
            # A request run after its answer (bot/accepted.py): marked as run with its first write.
            consume = request_path.take_consume(lambda: wrote(session))
            if consume is not None:
                consume.claim(session)
            session.commit()
        except BaseException as exc:
            session.rollback()
            if consume is not None and not isinstance(exc, request_path.Superseded):
                request_path.give_back(consume)
            raise
        finally:
            session.close()
        if consume is not None:
            consume.committed()


WROTE = "wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def wrote(session: Session) -> bool:
    """Whether this unit of work wrote anything (flushed or pending objects, or an INSERT/UPDATE/DELETE)."""
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


@contextmanager
def one_read(engine: Engine) -> Iterator[Session]:
    """A unit of work of ONE read statement: on PostgreSQL it runs outside a transaction (autocommit: no
    BEGIN and no COMMIT round trips, one instead of three); on SQLite it is `read_only`. Two statements
    in it would not see one snapshot: use `session_scope(read_only=True)` for those."""
    if engine.dialect.name != "postgresql":
        with session_scope(engine, read_only=True) as session:
            yield session
        return
    session = Session(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def table_of(model: type[Any]) -> Table:
    """The table of a SQLModel table class (mypy does not know SQLModel's `__table__`)."""
    table: Table = model.__table__
    return table


def insert_new(session: Session, model: type[Any], rows: list[dict[str, Any]], *, unique: tuple[str, ...],
               returning: tuple[str, ...] = ("id",)) -> list[Row[Any]]:
    """Insert `rows` of `model`'s table in one statement, skipping those whose `unique` columns are taken
    already: `INSERT … ON CONFLICT (unique) DO NOTHING RETURNING …` (PostgreSQL, and SQLite 3.35+).
    Returns the rows inserted (`returning` columns): no savepoint, and no read first."""
    if not rows:
        return []
    table = table_of(model)
    stmt = (dialect_insert(session.get_bind().dialect.name)(table).on_conflict_do_nothing(index_elements=list(unique))
            .returning(*(table.c[name] for name in returning)))
    # Parameters apart from the statement: it is compiled once per process (SQLAlchemy's cache), and
    # several rows go as one multi-row INSERT ("insertmanyvalues"); `.values(rows)` compiled every time.
    return list(session.execute(stmt, rows))


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # reported as "unreachable" by /healthz, never raised
        return False
