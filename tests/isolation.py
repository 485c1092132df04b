"""What keeps tests apart and honest: a clean database for each, the guard that fails a test whose
app called Slack while answering Slack, and `story()` for a story played once for several tests."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel


def wipe(engine: Engine) -> None:
    """Every table emptied and every id counting from 1 again. On PostgreSQL, DELETE and a sequence
    restart: TRUNCATE of thirty-odd tables costs most of a second per test, DELETE of a few rows does not."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    statements = [f'DELETE FROM "{table}"' for table in tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            sequences = conn.execute(text("SELECT relname FROM pg_class WHERE relkind = 'S'")).scalars().all()
            statements += [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences]
            conn.exec_driver_sql("; ".join(statements))
        else:
            for statement in statements:
                conn.exec_driver_sql(statement)
    from bot.recent_workspaces import RECENT

    RECENT.clear()  # the workspace rows forms read a moment ago were this database's


@contextmanager
def answering_guard() -> Iterator[list[str]]:
    """Records each Slack call (Web API or response_url) made on a thread that was answering a request
    from Slack: a slow Slack must never hold up an acknowledgement (see bot/request_path.py)."""
    from slack_sdk.web.base_client import BaseClient
    from slack_sdk.webhook import WebhookClient

    from bot import request_path

    seen: list[str] = []

    def guard(original, what):
        def wrapper(self, *args, **kwargs):
            if request_path.active():
                name = args[0] if args and isinstance(args[0], str) else what
                where = "".join(traceback.format_stack(limit=8)[:-1])
                seen.append(f"{name} called while answering Slack:\n{where}")
            return original(self, *args, **kwargs)
        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseClient, "api_call", guard(BaseClient.api_call, "web api"))
        patch.setattr(WebhookClient, "send_dict", guard(WebhookClient.send_dict, "response_url"))
        yield seen


@contextmanager
def story(engine: Engine) -> Iterator[None]:
    """For a module-scoped fixture that plays a story once and records what Slack showed at each step,
    so that focused tests check one step each and one failure hides none of the others: a clean
    database, and the guard (the story fails if a listener called Slack while answering)."""
    wipe(engine)
    with answering_guard() as seen:
        yield
    assert not seen, "\n".join(seen)
