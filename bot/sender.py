"""The outbox's delivery worker, owned by the runtime: sends due rows as soon as they are due.

- `kick()` when rows are queued (or made due, e.g. the bot was invited); otherwise it sleeps until
  the earliest `next_attempt_at`, and at most `poll` seconds, so rows queued by other replicas are
  found too. With `poll=None` it works only when kicked (tests and the sandbox move the clock by
  hand, and kick it after each step).
- A small pool of threads works on lanes: one channel's posts go out one after the other, in the
  order they were queued (the outbox claims a post only once the posts before it into the same
  channel are sent), so a channel that Slack rate limits waits for Retry-After while other channels
  go on in parallel. Updates of one message are a lane of their own.
- Rows are claimed with the outbox's atomic conditional UPDATE, so two senders (two replicas on one
  database) never send a row twice. A batch claim (`FOR UPDATE SKIP LOCKED`) is not needed: the
  scan only reads, and each lane claims its next row on its own.
- `wait_idle(timeout)`: nothing due now, nothing in flight.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from bot import delivery
from bot.clock import now

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

WORKERS = 4  # channels sent to at the same time, per process
POLL = 5.0  # seconds between looks for rows nobody kicked about (other replicas' rows)
BATCH = 200  # lanes started per look


class Sender:
    def __init__(self, rt: Runtime, *, workers: int = WORKERS, poll: float | None = POLL, batch: int = BATCH):
        self.rt, self.workers, self.poll, self.batch = rt, workers, poll, batch
        self.sent = 0  # rows this sender sent (for the retry job's count and the logs)
        self._cond = threading.Condition()
        self._kicked = poll is not None  # a process starting up looks once at what waited meanwhile
        self._scanning = False
        self._lanes: set[delivery.Lane] = set()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

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
                lambda: not self._lanes and not self._scanning and (not self._kicked or not self.running),
                timeout=timeout)

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop looking and claim nothing more; lanes finish the row in hand (it is claimed) and stop.
        Waits at most `timeout` seconds; True when no lane is left running."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)  # lanes not started yet: their rows wait
        with self._cond:
            return self._cond.wait_for(lambda: not self._lanes, timeout=max(0.0, deadline - time.monotonic()))

    # --- work ------------------------------------------------------------------------------
    def _loop(self, pool: ThreadPoolExecutor) -> None:
        delay: float | None = None
        while True:
            with self._cond:
                if not self._kicked and not self._stopping:
                    self._cond.wait(delay)
                if self._stopping:
                    return
                self._kicked = False
                self._scanning = True
            try:
                delay = self._dispatch(pool)
            except Exception:  # the database may be away for a moment: look again later
                log.exception("outbox sender: looking for due posts failed")
                delay = self.poll
            finally:
                with self._cond:
                    self._scanning = False
                    self._cond.notify_all()

    def _dispatch(self, pool: ThreadPoolExecutor) -> float | None:
        """Start a lane for each channel with a due row; return how long to sleep."""
        for lane, row_id in delivery.due_lanes(self.rt, limit=self.batch).items():
            with self._cond:
                if lane in self._lanes or self._stopping:
                    continue
                self._lanes.add(lane)
            pool.submit(self._run_lane, lane, row_id).add_done_callback(partial(self._forget, lane))
        if self.poll is None:
            return None
        due = delivery.next_due(self.rt)
        if due is None:
            return self.poll
        wait = (due - now()).total_seconds()
        # Due already: its lane is busy, and kicks when it is done.
        return self.poll if wait <= 0 else min(self.poll, wait)

    def _forget(self, lane: delivery.Lane, future: Future[None]) -> None:
        """A lane cancelled before it started (the sender is stopping) is not running."""
        if not future.cancelled():
            return  # it ran: `_run_lane` took it off itself
        with self._cond:
            self._lanes.discard(lane)
            self._cond.notify_all()

    def _run_lane(self, lane: delivery.Lane, row_id: int) -> None:
        look_again = True
        try:
            for result in delivery.deliver_lane(self.rt, row_id):
                if result.status == "sent":
                    with self._cond:
                        self.sent += 1
                look_again = result.error != "internal_error"  # a broken row waits for the poll
                if self._stopping or not threading.main_thread().is_alive():
                    break  # stopping, or the process is exiting: the row in hand is done, the rest waits
        except Exception:
            log.exception("outbox sender: lane %s failed", lane)
            look_again = False
        finally:
            with self._cond:
                self._lanes.discard(lane)
                self._kicked = self._kicked or look_again
                self._cond.notify_all()
