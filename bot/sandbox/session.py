"""One sandbox run: its own database, the emulated workspace with Truce in it, the scheduler, and a
log file instead of the terminal.

The sandbox never writes into `DATABASE_URL` (a `.env` made for production must not receive a demo
workspace): it makes a fresh SQLite database in a temporary folder, dropped when it stops, unless
`TRUCE_SANDBOX_DATABASE_URL` names one for it (e.g. to try the sandbox on PostgreSQL).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import clock
from bot.config import Settings, SettingsError
from bot.sandbox.stack import SandboxStack

LOG_FILE = Path(tempfile.gettempdir()) / "truce-sandbox.log"


@contextmanager
def logs_to_file(path: Path = LOG_FILE) -> Iterator[Path]:
    """Truce's and the libraries' log lines go to a file while the sandbox runs: the person trying it
    sees what Slack would show them, not warnings and tracebacks meant for whoever runs Truce."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in saved:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO if level in (logging.NOTSET, logging.WARNING) else level)
    logging.captureWarnings(True)
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        for old in saved:
            root.addHandler(old)
        root.setLevel(level)


def check_database(settings: Settings) -> None:
    """The sandbox's own database answers, when one is named (a fresh SQLite one always does)."""
    if settings.sandbox_database_url:
        _check(settings.sandbox_database_url)


def _check(url: str) -> None:
    from bot.db import make_engine
    from bot.preflight import first_line

    where = make_url(url).render_as_string(hide_password=True)
    options = {} if url.startswith("sqlite") else {"connect_args": {"connect_timeout": 10}}
    engine = make_engine(url, **options)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise SettingsError(f"Truce cannot start the sandbox: the database at {where} is unreachable "
                            f"({first_line(exc)}). Check TRUCE_SANDBOX_DATABASE_URL.") from None
    finally:
        engine.dispose()


@contextmanager
def open_sandbox(settings: Settings, *, scheduler: bool = True) -> Iterator[SandboxStack]:
    """The emulated workspace with Truce serving it, on the sandbox's own database."""
    from bot import migrate
    from bot.db import make_engine

    tmp = tempfile.TemporaryDirectory(prefix="truce-sandbox-")
    url = settings.sandbox_database_url
    if url:
        _check(url)
    else:
        url = f"sqlite:///{Path(tmp.name) / 'sandbox.db'}"
    engine = make_engine(url)
    stack = None
    running = None
    try:
        migrate.upgrade(engine)
        stack = SandboxStack(engine=engine, name="sandbox")
        if scheduler and settings.run_scheduler:
            from bot.sandbox.clock import scheduler as truce_scheduler

            running = truce_scheduler(stack)
            running.start()
        yield stack
    finally:
        if running is not None:
            running.shutdown(wait=False)
        if stack is not None:
            stack.stop()
        engine.dispose()
        clock.reset()
        tmp.cleanup()
