"""Workspace rows a form's answer read a moment ago (bot/accepted_forms.py): one read of the row per workspace
a second under load, instead of one per form."""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from bot.db import table_of
from bot.models import Workspace, WorkspacePrefs


class Recent:
    """Workspace rows read by form answers in the last RECENT_FOR seconds, by engine and team.

    Reading the row through the ORM is most of a form's answer (about 1.3 ms of CPU in a served process,
    `bench.anatomy`), and under load every form of a workspace reads the same row. A row read a moment ago
    is used only to let a form through: a form it finds errors in is checked again against the row read
    afresh, so nobody is ever refused for a setting changed since. A form let through on a row an admin
    changed within that moment (a channel cleared) is the race the run already handles: its listener
    reads the row itself and, finding errors, sends the person them and what they typed in a DM.

    Any write to a workspace's row or preferences through this process's sessions forgets them all
    (`_written` below: at its flush and again once it commits), and a row read while such a write was
    under way is not kept (`since`), so the window is another process's change, for at most RECENT_FOR:
    another replica's, or on PostgreSQL the worker process's (it runs clicks and commands; the forms'
    checks read only the workspace's channels, which change through forms answered by the web process)."""

    def __init__(self, most: int = 1024) -> None:
        self._most = most
        self._rows: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, Workspace]]] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()
        self._cleared = 0  # how many times everything was forgotten

    def get(self, engine: Engine, team_id: str) -> Workspace | None:
        found = self._rows.get(engine, {}).get(team_id)
        if found is None or time.monotonic() - found[0] > RECENT_FOR:
            return None
        return found[1]

    def since(self) -> tuple[float, int]:
        """Taken before reading a row, for `put`: when, and which generation of what is kept."""
        return time.monotonic(), self._cleared

    def put(self, engine: Engine, team_id: str, ws: Workspace, since: tuple[float, int]) -> None:
        """Keep `ws`, read after `since()` — unless something was forgotten meanwhile (a write may have
        committed between the read and now: the row read may be the one before it)."""
        read_at, generation = since
        with self._lock:
            if generation != self._cleared:
                return
            rows = self._rows.setdefault(engine, {})
            rows.pop(team_id, None)
            rows[team_id] = (read_at, ws)
            while len(rows) > self._most:  # the oldest read first
                del rows[next(iter(rows))]

    def clear(self) -> None:
        with self._lock:
            self._cleared += 1
            self._rows.clear()


RECENT_FOR = 1.0  # seconds
RECENT = Recent()
_WORKSPACE_ROWS = (Workspace, WorkspacePrefs)
_WORKSPACE_TABLES = frozenset(table_of(model).name for model in _WORKSPACE_ROWS)
_WROTE_WORKSPACE = "truce_wrote_workspace"


@event.listens_for(OrmSession, "after_flush")
def _written(session: OrmSession, flush_context: Any) -> None:
    if any(isinstance(obj, _WORKSPACE_ROWS) for obj in (*session.new, *session.dirty, *session.deleted)):
        _forget(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _written_by_statement(state: ORMExecuteState) -> None:
    """An UPDATE, DELETE or INSERT of either table, by model or by table, through a session."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WORKSPACE_TABLES or any(
            m.class_ in _WORKSPACE_ROWS for m in state.all_mappers):
        _forget(state.session)


def _forget(session: OrmSession) -> None:
    # Now, and again once it commits: a form answered in between may read the row as it was.
    RECENT.clear()
    session.info[_WROTE_WORKSPACE] = True


@event.listens_for(OrmSession, "after_commit")
def _committed(session: OrmSession) -> None:
    if session.in_nested_transaction():  # a savepoint released: the write is not committed yet
        return
    if session.info.pop(_WROTE_WORKSPACE, False):
        RECENT.clear()


@event.listens_for(OrmSession, "after_soft_rollback")
def _rolled_back(session: OrmSession, previous_transaction: Any) -> None:
    if getattr(previous_transaction, "parent", None) is None:  # the whole transaction, not a savepoint
        session.info.pop(_WROTE_WORKSPACE, None)
