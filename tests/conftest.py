"""Test fixtures: a clean database per test (SQLite by default, PostgreSQL when
TEST_DATABASE_URL points at one), and a whole local Slack + Truce stack per test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bot import migrate
from bot.db import make_engine
from bot.sandbox.stack import SandboxStack
from tests.isolation import answering_guard, wipe

ROOT = Path(__file__).resolve().parent.parent


def _create_pg_database(url: str) -> tuple[str, str]:
    """A fresh database on the PostgreSQL server at `url` (so parallel runs never collide)."""
    base = make_url(url)
    name = f"truce_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # Commits need not wait for the disk: the tests kill Truce, never the database server, so
        # what they check (a commit is seen by every connection at once) is the same, only faster.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_pg_database(url: str, name: str) -> None:
    """Drops the test database in a process of its own that outlives this one: DROP DATABASE waits for a
    checkpoint of the whole server (seconds when it is busy), and nothing here needs to wait for it."""
    script = ("import sys; from sqlalchemy import text; from bot.db import make_engine; "
              "admin = make_engine(sys.argv[1], isolation_level='AUTOCOMMIT'); "
              "conn = admin.connect(); conn.execute(text(sys.argv[2])); conn.close(); admin.dispose()")
    subprocess.Popen([sys.executable, "-c", script, url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                     cwd=ROOT, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and not url.startswith("sqlite"):
        test_url, name = _create_pg_database(url)
        yield test_url
        _drop_pg_database(url, name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'truce-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    eng = make_engine(database_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine) -> Iterator[Engine]:
    """A clean database for this test."""
    wipe(engine)
    yield engine


@pytest.fixture
def stack(db) -> Iterator[SandboxStack]:
    """The demo workspace in an emulated Slack, and Truce serving it over HTTP."""
    s = SandboxStack(engine=db)
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def no_slack_calls_while_answering():
    """Fails a test whose app called Slack on a thread that was answering a request from Slack:
    a slow Slack must never hold up an acknowledgement (see bot/request_path.py)."""
    with answering_guard() as seen:
        yield
    assert not seen, "\n".join(seen)
