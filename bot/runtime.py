"""What one Truce process holds: settings, its database engine, its Slack client and its features.

Listeners get it injected (bot.app), and scheduled jobs get it as their argument (APScheduler's memory
job store keeps the object itself), so two runtimes (two "replicas") can live in one test process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import delivery, request_path, tasks
from bot.config import Settings
from bot.db import make_engine, session_scope
from bot.executor import TrackingExecutor
from bot.feature import AgendaSource, Feature, agenda_sources
from bot.oauth import DbInstallationStore
from bot.sender import Sender

if TYPE_CHECKING:
    from bot.worker import Worker

log = logging.getLogger(__name__)


BACKGROUND_WORKERS = 4
URGENT_WORKERS = 8
# Threads running the slash commands and clicks answered before they were run (bot/accepted.py), and how
# long each steps aside for answers in flight before it starts (its person is waiting to see its answer).
ACCEPTED_WORKERS = 8
ACCEPTED_YIELD = 0.05  # seconds
# Every Web API call gives up after this long. Slack answers in well under a second, so 10 s is
# only reached when Slack is in real trouble; it stays under slack_sdk's default of 30 s so a call
# Slack never answers frees its thread (a listener, a job, the outbox's sender) soon.
SLACK_TIMEOUT = 10
# Seconds `Runtime.shutdown` may take: within what a PaaS allows between SIGTERM and SIGKILL (30 s).
SHUTDOWN_TIMEOUT = 20


# Runs a request through the app after its answer: (request, consume) -> (its answer, the work handed over).
Replay = Callable[[BoltRequest, request_path.Consume], tuple[BoltResponse, list[Callable[[], object]]]]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    client: WebClient
    name: str = "main"
    installations: DbInstallationStore | None = None  # when installed through OAuth
    team_id: str | None = None  # the bot token's workspace (single-token install), learned by bootstrap
    extras: dict[str, Any] = field(default_factory=dict)
    # The product's features (bot/features.py), set by build_app: what the app, the scheduler, the web
    # server, App Home and the joint meeting's agenda are made of.
    features: tuple[Feature, ...] = ()
    # kind -> function for durable tasks (bot/tasks.py); the app's handlers provide them.
    task_functions: dict[str, Callable[..., None]] = field(default_factory=dict)
    # Work a listener hands off after ack() so the listener pool stays free to acknowledge
    # the next requests at once (see `defer`).
    background: TrackingExecutor = field(
        default_factory=lambda: TrackingExecutor(BACKGROUND_WORKERS, name="truce-background"))
    # Calls a person is waiting for — a form to open within its trigger's 3 seconds, a short note —
    # never wait behind slow work (posting, reading messages, fetching pages): see `defer_urgent`.
    urgent: TrackingExecutor = field(
        default_factory=lambda: TrackingExecutor(URGENT_WORKERS, name="truce-urgent"))
    # Requests Slack was answered for before they ran (bot/accepted.py): each steps aside for answers in
    # flight for a moment (ACCEPTED_YIELD) before it runs.
    accepted_runs: TrackingExecutor = field(
        default_factory=lambda: TrackingExecutor(ACCEPTED_WORKERS, name="truce-accepted"))
    # The outbox's delivery worker once `start_sender()` ran: `rt.sender.kick()`.
    sender: Sender | None = None
    # Jobs (the scheduler's threads) queue their posts and kick the running sender instead of sending
    # them one after another themselves: set by `python -m bot serve`, where the sender runs for good.
    # Tests and the sandbox leave it off, so a job's posts are in Slack when the job returns.
    jobs_post_through_sender: bool = False
    # callback_id -> the check of each form answered before it runs (bot/accepted_forms.py), registered
    # with the form's listener.
    accepted_forms: dict[str, Callable[..., dict[str, str] | None]] = field(default_factory=dict)
    # Runs a request Slack was already answered for through the app (bot/accepted.py): set by build_app.
    replay: Replay | None = None
    # The worker process running accepted requests, the sender and the schedules, when this is the web
    # process of `python -m bot serve` (bot/worker.py).
    worker: Worker | None = None
    # What to stop when this process stops (see `shutdown`), e.g. its scheduler.
    closers: list[Callable[[], object]] = field(default_factory=list)

    @property
    def agenda_sources(self) -> tuple[AgendaSource, ...]:
        """Every feature's section of the joint meeting's agenda."""
        return agenda_sources(self.features)

    def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> bool:
        """The process is stopping: done within `timeout` seconds, whatever Slack does. True when
        nothing was left running.

        1. `closers` run, newest first (one failing does not keep the others from running), each
           without waiting: the scheduler starts no new job, and a job in progress is not waited for.
        2. Urgent work (forms to open, notes) and accepted requests to run keep going until the deadline;
           what has not started by then is cancelled (an accepted request is taken up by the next process),
           what is in hand is left to its thread.
           Background work not started yet is dropped. It loses nothing anyone was answered for: what
           a listener stored was committed before the answer, so what is dropped is either re-done
           from the database — outbox posts (sent by the next process's sender) and durable tasks
           (`jobs/tasks.py`) — or a best-effort extra: an ephemeral note, a form opening (its
           trigger_id lasts 3 seconds anyway), links to posts, an App Home refresh.
        3. The sender stops: it claims no new row; the row in hand is finished.
        4. Work in flight (background and sender) gets what is left of `timeout`; a call still hanging
           on Slack after that is left to its thread, and its row is found in doubt by the next sender.
        """
        deadline = time.monotonic() + timeout
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:
                log.exception("shutting down: %s failed", getattr(closer, "__name__", closer))
        # Urgent work is short (a form to open, a note, an accepted request to run: bot/accepted.py) and
        # someone is waiting for it: it is finished within the deadline, not dropped.
        self.urgent.shutdown(wait=False, cancel_futures=False)
        self.accepted_runs.shutdown(wait=False, cancel_futures=False)
        self.background.shutdown(wait=False, cancel_futures=True)
        sender, self.sender = self.sender, None
        idle = sender.stop(timeout=max(0.0, deadline - time.monotonic())) if sender is not None else True
        for pool in (self.urgent, self.accepted_runs, self.background):
            idle = pool.wait_idle(timeout=max(0.0, deadline - time.monotonic())) and idle
        # What has not started by the deadline is left: an accepted request stays stored, and the next process
        # takes it up once its claim lapses. Cancelled, since a pool's threads are joined at the interpreter's
        # exit and run everything still queued first (a backlog of runs would hold the process for minutes).
        for pool in (self.urgent, self.accepted_runs):
            pool.shutdown(wait=False, cancel_futures=True)
        if not idle:
            log.warning("shutting down: work in flight did not finish within %s s; left to its threads", timeout)
        return idle

    def start_sender(self, **options: Any) -> Sender:
        """Start the outbox's sender (once); options go to bot.sender.Sender (workers, poll)."""
        if self.sender is None:
            self.sender = Sender(self, **options).start()
        return self.sender

    def stop_sender(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        sender, self.sender = self.sender, None
        if sender is not None:
            sender.stop(timeout=timeout)

    def defer(self, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
        """Run `fn` in the background pool: at once, or, from a thread answering Slack, as soon as
        the answer is sent. It must report its own failures to the person concerned; anything it
        lets escape is logged here, never lost silently."""
        self._hand_over(self.background, fn, args, kwargs)

    def run_accepted(self, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
        """Like `defer`, in the pool that runs requests answered before they ran (bot/accepted.py)."""
        self._hand_over(self.accepted_runs, fn, args, kwargs)

    def hand_accepted(self, accepted_id: int, token: str) -> None:
        """Run a request just stored by `bot.accepted.accept`, once it is answered: in the worker process when
        there is one (and it takes it), else here."""
        from bot import accepted

        worker = self.worker
        if worker is None:
            self.run_accepted(accepted.run, self, accepted_id, token)
            return

        def hand() -> None:
            if not worker.run(accepted_id, token):
                self.run_accepted(accepted.run, self, accepted_id, token)

        if not request_path.after_answer(hand):
            hand()

    def defer_urgent(self, fn: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
        """Like `defer`, in the pool for short calls a person is waiting for (views.open, a note)."""
        self._hand_over(self.urgent, fn, args, kwargs)

    def _hand_over(self, pool: TrackingExecutor, fn: Callable[..., object], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> None:
        # Answers in flight go first, for a bounded wait: a whole second for work nobody waits on, a moment
        # (an answer's own length) for an accepted request, whose person waits to see its answer.
        wait = {self.urgent: 0.0, self.accepted_runs: ACCEPTED_YIELD}.get(pool, request_path.YIELD_MAX_WAIT)

        def run() -> object:
            if wait:
                request_path.yield_to_answers(wait)
            try:
                return fn(*args, **kwargs)
            except Exception:
                log.exception("background work %s failed", getattr(fn, "__name__", fn))
                raise

        pool.reserve()
        if not request_path.after_answer(lambda: pool.submit_reserved(run)):
            pool.submit_reserved(run)

    def run_task(self, task_id: int) -> None:
        """Run a stored task (bot/tasks.py) in the background pool, after the answer to Slack."""
        self.defer(tasks.run, self, task_id, self.task_functions)

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

    @staticmethod
    def take_queued(session: Session) -> list[int]:
        """The outbox rows a `session(deliver=False)` queued, for the caller to deliver itself."""
        return list(session.info.pop("outbox_ids", ()))

    def send_queued(self, session: Session) -> None:
        """Send the posts this session queued: at once in a job or background work (or, where
        `jobs_post_through_sender`, by the sender, in parallel with every other channel's posts); from
        the thread that answers Slack (which never waits on Slack), by the outbox's sender (the worker
        process's, where there is one: bot/worker.py)."""
        queued = self.take_queued(session)
        if not queued:
            return
        sender = self.sender if self.sender is not None and self.sender.running else None
        if not request_path.active() and not (self.jobs_post_through_sender and sender is not None):
            session.info["delivery"] = delivery.deliver(self, queued)
        elif sender is not None:
            sender.kick()
        elif self.worker is None or not self.worker.kick():  # the worker process's sender sends them
            self.defer(delivery.deliver, self, queued)


def make_client(settings: Settings, token: str | None = None, *, logger: logging.Logger | None = None) -> WebClient:
    """A Web API client for direct calls (views, ephemerals, reads): a bounded timeout, one retry
    when the connection drops, and one wait of Retry-After on a 429 (slack_sdk.http_retry).
    The outbox sends with a copy without these retries (bot.delivery): a blind retry of a post
    whose answer was lost would post it twice."""
    return WebClient(token=token or settings.slack_bot_token, base_url=settings.slack_api_url,
                     timeout=SLACK_TIMEOUT, logger=logger,
                     retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1),
                                     RateLimitErrorRetryHandler(max_retry_count=1)])


def build_runtime(settings: Settings, *, name: str = "main", engine: Engine | None = None) -> Runtime:
    rt = Runtime(
        settings=settings,
        engine=engine or make_engine(settings.database_url),
        client=make_client(settings),
        name=name,
    )
    if settings.oauth and not settings.slack_bot_token:
        rt.installations = DbInstallationStore(rt.engine)
    return rt
