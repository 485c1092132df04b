"""What one Truce process holds: settings, its database engine and its Slack client.

Scheduled jobs take a runtime *name* (a plain string) and look the runtime up here, so job
arguments stay serializable and two runtimes (two "replicas") can live in one test process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.db import make_engine, session_scope
from bot.executor import TrackingExecutor

log = logging.getLogger(__name__)
_registry: dict[str, Runtime] = {}
_lock = threading.Lock()


BACKGROUND_WORKERS = 4


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    client: WebClient
    name: str = "main"
    installations: object | None = None  # bot.oauth.DbInstallationStore when installed through OAuth
    extras: dict = field(default_factory=dict)
    # Work a listener hands off after ack() so the listener pool stays free to acknowledge
    # the next requests at once (see `defer`).
    background: TrackingExecutor = field(
        default_factory=lambda: TrackingExecutor(BACKGROUND_WORKERS, name="truce-background"))
    # What to stop when this process stops (see `shutdown`), e.g. its scheduler.
    closers: list[Callable[[], object]] = field(default_factory=list)

    def shutdown(self) -> None:
        """The process is stopping: run `closers` (newest first; one failing does not keep the others
        from running), then let the background pool finish what it was given."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:
                log.exception("shutting down: %s failed", getattr(closer, "__name__", closer))
        self.background.shutdown(wait=True)

    def defer(self, fn: Callable[..., object], /, *args, **kwargs) -> Future:
        """Run `fn` in the background pool. It must report its own failures to the person
        concerned; anything it lets escape is logged here, never lost silently."""

        def run() -> object:
            try:
                return fn(*args, **kwargs)
            except Exception:
                log.exception("background work %s failed", getattr(fn, "__name__", fn))
                raise

        return self.background.submit(run)

    def client_for(self, team_id: str | None) -> WebClient:
        """A Web API client with the bot token of `team_id` (the one token, in a single-workspace install)."""
        if self.installations is None:
            return self.client
        row = self.installations.row(team_id)
        if row is None:
            raise LookupError(f"Truce is not installed in workspace {team_id}")
        return make_client(self.settings, token=row.bot_token)

    @contextmanager
    def session(self, *, deliver: bool = True) -> Iterator[Session]:
        """A unit of work: commits on success, then sends the posts it queued in the outbox.

        What delivery did is left in `session.info["delivery"]` (see `delivery.outcome`).
        With deliver=False the posts wait for `send_queued(session)` (e.g. after ack()).
        """
        with session_scope(self.engine) as session:
            yield session
            session.flush()
        if deliver:
            self.send_queued(session)

    def send_queued(self, session: Session) -> None:
        queued = list(session.info.pop("outbox_ids", ()))
        if queued:
            from bot import delivery

            session.info["delivery"] = delivery.deliver(self, queued)


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    return WebClient(token=token or settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)


def build_runtime(settings: Settings, *, name: str = "main", engine: Engine | None = None) -> Runtime:
    rt = Runtime(
        settings=settings,
        engine=engine or make_engine(settings.database_url),
        client=make_client(settings),
        name=name,
    )
    if settings.oauth and not settings.slack_bot_token:
        from bot.oauth import DbInstallationStore

        rt.installations = DbInstallationStore(rt.engine)
    register(rt)
    return rt


def register(rt: Runtime) -> None:
    with _lock:
        _registry[rt.name] = rt


def get(name: str) -> Runtime:
    with _lock:
        return _registry[name]


def forget(name: str) -> None:
    with _lock:
        _registry.pop(name, None)
