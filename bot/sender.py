"""The outbox's delivery worker, owned by the runtime: sends due rows as soon as they are due.

- `kick()` when rows are queued (or made due, e.g. the bot was invited); otherwise it sleeps until
  the earliest `next_attempt_at`, and at most `poll` seconds, so rows queued by other replicas are
  found too. With `poll=None` it works only when kicked (tests and the sandbox move the clock by
  hand, and kick it after each step).
- One thread claims due rows in batches (bot/outbox_batch.py: one statement, at most one post per
  channel, `FOR UPDATE SKIP LOCKED` on PostgreSQL) and hands them to a pool of up to `workers`
  threads (threads are started as the due channels need them: the work waits on HTTP). A channel's
  next post is claimed once the one before it is sent, so a channel's posts keep their order, and a
  channel Slack rate limits waits for Retry-After (written on its row) while other channels go on.
- Posts Slack took are recorded in batches (outbox_batch.Recorder); each settled row wakes whoever
  waits for it (`settle(ids)`: the background work after an answer waits here for its posts instead
  of sending them itself or polling the database).
- Pacing (bot/pacing.py): a channel that answered 429 is paced at Slack's rate afterwards.
- Rows are claimed with a conditional UPDATE and a claim token, so two senders (two replicas on one
  database) never send a row twice.
- `wait_idle(timeout)`: nothing due now, nothing in flight.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import delivery, outbox_batch, request_path
from bot.clock import now
from bot.pacing import Pacing, retry_after

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

WORKERS = 16  # threads sending at the same time, per process (started as needed)
POLL = 5.0  # seconds between looks for rows nobody kicked about (other replicas' rows)
BATCH = 256  # rows in flight at most; claimed in one statement when half of that is free
ACROSS_PROCESSES = 0.25  # seconds between looks at rows another process is sending (`settle`)


@dataclass
class _Waiter:
    ids: set[int]
    results: dict[int, delivery.Result] = field(default_factory=dict)


class Sender:
    def __init__(self, rt: Runtime, *, workers: int = WORKERS, poll: float | None = POLL, batch: int = BATCH):
        self.rt, self.workers, self.poll, self.batch = rt, workers, poll, max(batch, 1)
        self.sent = 0  # rows this sender sent (for the retry job's count and the logs)
        self.pacing = Pacing()
        self._cond = threading.Condition()
        self._kicked = poll is not None  # a process starting up looks once at what waited meanwhile
        self._scanning = False
        self._in_flight = 0  # rows claimed and not settled yet
        self._waiters: list[_Waiter] = []
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._recorder = outbox_batch.Recorder(rt, self._settled)

    # --- control ---------------------------------------------------------------------------
    def start(self) -> Sender:
        self._pool = pool = ThreadPoolExecutor(self.workers, thread_name_prefix="truce-sender")
        self._thread = threading.Thread(target=self._loop, args=(pool,), name="truce-sender-scan", daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stopping

    def kick(self) -> None:
        """Something may be due now: look at once."""
        with self._cond:
            self._kicked = True
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is due now and nothing is in flight (True), or `timeout` (False)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._in_flight and not self._scanning and (not self._kicked or not self.running),
                timeout=timeout)

    def settle(self, ids: list[int], *, timeout: float = 10.0) -> list[delivery.Result]:
        """Send these rows (kicked) and return what became of them once none is on its way any more
        (as `delivery.settled` says), or after `timeout` seconds. Woken by this sender as each row
        settles; the database is read then, and only every ACROSS_PROCESSES seconds while the rows
        are in another process's hands."""
        deadline = time.monotonic() + timeout
        waiter = _Waiter(set(ids))
        with self._cond:
            self._waiters.append(waiter)
            self._kicked = True
            self._cond.notify_all()
        try:
            while True:
                seen = len(waiter.results)
                results, moving = delivery.where_they_are(self.rt, ids)
                left = deadline - time.monotonic()
                if not moving or left <= 0:
                    return results
                with self._cond:
                    # at least once a second: rows another process sends say nothing here
                    if not self._cond.wait_for(partial(self._news, waiter, seen), timeout=min(left, 1.0)):
                        continue
                    if len(waiter.results) == seen and not self._stopping:
                        # this sender is idle and the rows are still moving: another process has them
                        self._cond.wait(min(ACROSS_PROCESSES, max(deadline - time.monotonic(), 0)))
        finally:
            with self._cond:
                self._waiters.remove(waiter)

    def _news(self, waiter: _Waiter, seen: int) -> bool:
        """One of the waited-for rows settled, or this sender has nothing in hand any more."""
        return len(waiter.results) != seen or self._stopping or (
            not self._in_flight and not self._scanning and not self._kicked)

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop looking and claim nothing more; rows in hand are finished, rows claimed but not
        started are given back. Waits at most `timeout` seconds; True when nothing is left in flight."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._pool is not None:
            self._pool.shutdown(wait=False)  # chains not started yet give their rows back
        with self._cond:
            idle = self._cond.wait_for(lambda: not self._in_flight, timeout=max(0.0, deadline - time.monotonic()))
        self._recorder.close()
        return idle

    # --- work ------------------------------------------------------------------------------
    def _ready(self) -> bool:
        """Time to claim: kicked, and room for half a batch (or nothing in flight)."""
        return self._kicked and (not self._in_flight or self._in_flight <= self.batch // 2)

    def _loop(self, pool: ThreadPoolExecutor) -> None:
        delay: float | None = None
        while True:
            with self._cond:
                until = None if delay is None else time.monotonic() + delay
                while not self._stopping and not self._ready():
                    left = None if until is None else until - time.monotonic()
                    if left is not None and left <= 0:
                        self._kicked, until = True, None  # time to look (once there is room)
                        continue
                    self._cond.wait(left)
                if self._stopping:
                    return
                self._kicked = False
                self._scanning = True
                room = self.batch - self._in_flight
            try:
                delay = self._dispatch(pool, room)
            except Exception:  # the database may be away for a moment: look again later
                log.exception("outbox sender: looking for due posts failed")
                delay = self.poll
            finally:
                with self._cond:
                    self._scanning = False
                    self._cond.notify_all()

    def _dispatch(self, pool: ThreadPoolExecutor, room: int) -> float | None:
        """Claim up to `room` due rows and start them; return how long to sleep. Answers to Slack in
        flight in this process go first (at most a second's wait: request_path.yield_to_answers)."""
        request_path.yield_to_answers()
        claimed = outbox_batch.claim(self.rt, room)
        with self._cond:
            self._in_flight += len(claimed)
            if len(claimed) == room:
                self._kicked = True  # more may be due: claimed again as rows settle
        for chain in outbox_batch.chains(claimed):
            try:
                pool.submit(self._run_chain, chain)
            except RuntimeError:  # stopping: the pool takes no more work
                self._give_back(chain.rows)
        if self.poll is None or len(claimed) == room:
            return None
        due = delivery.next_due(self.rt)
        if due is None:
            return self.poll
        wait = (due - now()).total_seconds()
        # Due already: behind a row in flight, which kicks when it settles.
        return self.poll if wait <= 0 else min(self.poll, wait)

    def _client(self, team_id: str) -> WebClient:
        """This thread's client for the workspace (no automatic retries: bot.delivery.client_without_retries)."""
        clients: dict[str, WebClient] = self._local.__dict__.setdefault("clients", {})
        client = clients.get(team_id)
        if client is None:
            client = clients[team_id] = delivery.client_without_retries(self.rt, team_id)
        return client

    def _run_chain(self, chain: outbox_batch.Chain) -> None:
        for n, row in enumerate(chain.rows):
            if self._stopping or not threading.main_thread().is_alive():
                self._give_back(chain.rows[n:])  # stopping, or the process is exiting: the rest waits
                return
            last = n == len(chain.rows) - 1
            try:
                result = outbox_batch.send(
                    self.rt, row, self._client,
                    partial(self._record, wait=not last), self._limited)
            except Exception:
                log.exception("outbox sender: row %s failed", row.attempt.row_id)
                result = delivery.Result(row.attempt.row_id, "queued", "internal_error")
            if result is not None:
                self._settled(result)

    def _record(self, item: outbox_batch.Sent, *, wait: bool) -> None:
        item.pace_until = self.pacing.sent(item.attempt.team_id, item.attempt.channel, now())
        self._recorder.add(item, wait=wait)

    def _limited(self, attempt: delivery._Attempt, exc: SlackApiError) -> None:
        if attempt.channel is not None:
            self.pacing.limited(attempt.team_id, attempt.channel, retry_after(exc.response.headers),
                                now())

    def _give_back(self, rows: list[outbox_batch.Claimed]) -> None:
        try:
            outbox_batch.release(self.rt, rows)
        except Exception:  # their claims expire instead (CLAIM_FOR)
            log.exception("outbox sender: giving back %d rows failed", len(rows))
        with self._cond:
            self._in_flight -= len(rows)
            self._cond.notify_all()

    def _settled(self, result: delivery.Result) -> None:
        with self._cond:
            self._in_flight -= 1
            if result.status == "sent":
                self.sent += 1
            # its channel's next post (or the update waiting for it) may be due now; a broken row
            # waits for the poll
            self._kicked = self._kicked or result.error != "internal_error"
            news = not self._in_flight or self._ready()  # the loop claims, or wait_idle may be done
            for waiter in self._waiters:
                if result.id in waiter.ids:
                    waiter.results[result.id] = result
                    news = True
            if news:  # else nobody waits for this one: no thread is woken for nothing
                self._cond.notify_all()
