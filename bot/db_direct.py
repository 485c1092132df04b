"""One INSERT on the driver's own connection: for the write on the path of every answer to Slack.

An accepted request is stored (bot/accepted.py) while Slack waits, by one multi-row
`INSERT … ON CONFLICT DO NOTHING RETURNING …`. Through the ORM that is a Session, a transaction and
SQLAlchemy's statement execution: about 0.2 ms of Python warm, and 0.5 to 0.9 ms in a served process, where
the rest of the answer and the runs between answers leave its code cold in the CPU's caches
(`bench.anatomy`, docs/benchmarks.md), several times the whole of a bare Bolt app's answer. Here the
statement is built once per table, columns and row count, the values go through the same type
conversions SQLAlchemy would apply (`TypeEngine.bind_processor`: SQLite's datetimes as text) and the same
cleaning of text (`bot.db.storable`), and it runs on a pooled connection (the pool's checkout check,
`bot.db._ping_if_idle`, still applies) as a statement of its own, outside any transaction: on
PostgreSQL one round trip instead of BEGIN, INSERT and COMMIT; on SQLite an implicit transaction at the
one writer, taken in turn with the process's others (`bot.db.WriteGate`). One statement is atomic: every
row is stored or none, committed before this returns.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect, Engine

from bot import request_path
from bot.db import _gate, is_postgres, storable

Plan = tuple[str, list["Callable[[Any], Any] | None"]]
# By dialect (an engine's: its JSON serializer is the engine's), then table, columns, row count, conflict target
# and what comes back.
_plans: weakref.WeakKeyDictionary[Dialect, dict[tuple[Any, ...], Plan]] = weakref.WeakKeyDictionary()
_plans_lock = threading.Lock()
MOST_ROWS = 64  # statements kept per table and columns: one per row count up to this (bot.group_commit's batch)


def _plan(engine: Engine, table: Table, names: tuple[str, ...], count: int, unique: tuple[str, ...],
          returning: tuple[str, ...]) -> Plan:
    dialect = engine.dialect
    key = (table.name, names, count, unique, returning)
    kept = _plans.get(dialect, {}).get(key)
    if kept is not None:
        return kept
    quote = dialect.identifier_preparer.quote
    mark = "%s" if is_postgres(engine) else "?"
    row = "(" + ", ".join(mark for _ in names) + ")"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES "
           + ", ".join(row for _ in range(count))
           + f" ON CONFLICT ({', '.join(quote(n) for n in unique)}) DO NOTHING"
           + f" RETURNING {', '.join(quote(n) for n in returning)}")
    processors: list[Callable[[Any], Any] | None] = [
        table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    plan: Plan = (sql, processors)
    if count <= MOST_ROWS:
        with _plans_lock:
            _plans.setdefault(dialect, {})[key] = plan
    return plan


def _value(value: Any, processor: Callable[[Any], Any] | None) -> Any:
    if isinstance(value, str):
        value = storable(value)
    return processor(value) if processor is not None and value is not None else value


def insert_new(engine: Engine, table: Table, rows: Sequence[dict[str, Any]], *, unique: tuple[str, ...],
               returning: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Insert `rows` (each with the same columns) in one statement committed on its own, skipping those
    whose `unique` columns are taken already; the `returning` columns of the rows inserted. Every column
    the table needs must be in the rows: the models' Python defaults are not applied here."""
    if not rows:
        return []
    names = tuple(rows[0])
    sql, processors = _plan(engine, table, names, len(rows), unique, returning)
    params = [_value(row[name], processor) for row in rows for name, processor in zip(names, processors,
                                                                                       strict=True)]
    postgres = is_postgres(engine)
    gate = _gate(engine)
    with gate.turn(urgent=request_path.answering()) if gate is not None else nullcontext():
        pooled = engine.raw_connection()
        try:
            driver: Any = pooled.driver_connection
            if postgres:
                driver.autocommit = True  # the statement is its own transaction: no BEGIN, no COMMIT
            cursor = driver.cursor()
            try:
                cursor.execute(sql, params)
                stored = [tuple(r) for r in cursor.fetchall()]  # on SQLite, committed once all are read
            finally:
                cursor.close()
        except BaseException:
            # Whatever state it is in (a lost connection, autocommit still on), it is not handed out again.
            pooled.invalidate()
            pooled.close()
            raise
        try:
            if postgres:
                driver.autocommit = False
        except Exception:  # stored all the same: the connection is dropped, the rows are not given up
            pooled.invalidate()
        finally:
            pooled.close()
    return stored
