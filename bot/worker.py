"""The worker process: where `python -m bot serve` runs the work that follows its answers.

One Python process runs Python on one core at a time (the GIL), and every call an answer makes to the
database gives the GIL up and waits to take it back: with the work after the answers (running accepted
slash commands and clicks, posting, the schedules) in the same process, each answer's few database calls
waited behind that work's Python, and answers came several times slower than a bare Bolt app's under load
(bench.acks). So the web process answers, and a worker process of its own, started and watched by it, does
the rest: it runs the accepted requests it is handed (`bot/accepted.py`), the outbox's sender and the
scheduler. Its CPU priority is lowered (nice), so the operating system runs answers first when both want
the machine; the two processes also use both cores.

The web process hands each accepted request over as one line on the worker's standard input ("run ID
TOKEN"), and tells it when a form or an event it answered queued posts ("kick": the worker's outbox sender
sends them); a line that cannot be written (the worker gone, or its pipe full) is run in the web process
instead, as without a worker. The worker stops when its input closes (the web process stopped or was
killed) or on SIGTERM: runs in flight get SHUTDOWN_TIMEOUT seconds, and whatever is left is taken up from
the database by the next worker (accepted requests, outbox rows and jobs are all claimed there). A worker
that dies is started again, after a pause that grows while it keeps dying; once FALLBACK_AFTER have died in a
row soon after starting, the web process also runs the outbox's sender and the schedules itself, so posts and
schedules never wait on a worker that cannot start (claims keep both from doing anything twice).

On by default on PostgreSQL. On SQLite (one writer at a time) the worker's transactions would make the web
process's wait in SQLite's busy handler, which sleeps in growing steps: there the work stays in the web
process, whose turns at the one writer are given answers first (`bot.db.WriteGate`).
`TRUCE_WORKER_PROCESS=1`/`0` overrides either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("truce.worker")

# Added to the worker's CPU niceness: answers first when the machine is busy, the runs not starved when it is
# not (0, 5 and 10 measured: docs/benchmarks.md).
NICE = 5
RESPAWN_FIRST, RESPAWN_MOST = 1.0, 30.0  # seconds before starting a worker that died, doubling while it keeps dying
INPUT_GRACE = 10.0  # seconds a worker told to stop still takes requests from the web process (its DRAIN)
STABLE = 60.0  # a worker that lived this long had not been dying: the next pause starts again at RESPAWN_FIRST
# Workers dying one after another, each before STABLE, after which the web process takes up the outbox's sender
# and the schedules itself (`on_failing`) rather than leave posts and schedules waiting for a worker that may
# never come (a bad deploy, the database refusing one more connection).
FALLBACK_AFTER = 3


def wanted(settings: Settings) -> bool:
    if settings.worker_process is not None:
        return settings.worker_process
    return settings.database_url.startswith(("postgresql", "postgres://"))


class Worker:
    """The web process's side: the worker process, the pipe to it, and a thread starting it again if it dies."""

    def __init__(self, argv: list[str] | None = None, *, on_failing: Callable[[], object] | None = None) -> None:
        """`on_failing`: called once (on the watching thread) when FALLBACK_AFTER workers in a row died early."""
        self._argv = argv or [sys.executable, "-m", "bot", "work"]
        self._on_failing = on_failing
        self._failed_early = 0
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> Worker:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="truce-worker-watch", daemon=True)
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        proc = subprocess.Popen(self._argv, stdin=subprocess.PIPE, close_fds=True)
        assert proc.stdin is not None
        os.set_blocking(proc.stdin.fileno(), False)  # a full pipe is refused at once, never waited on
        with self._lock:
            self._proc = proc
        log.debug("worker process %s started", proc.pid)

    def run(self, accepted_id: int, token: str) -> bool:
        """Hand an accepted request to the worker; False when it cannot take it (run it here instead)."""
        return self._send(f"run {accepted_id} {token}\n".encode())

    def kick(self) -> bool:
        """Tell the worker's outbox sender that posts are queued; False when it cannot be told."""
        return self._send(b"kick\n")

    def _send(self, line: bytes) -> bool:
        with self._lock:
            proc = self._proc
            if proc is None or proc.stdin is None or proc.stdin.closed or proc.poll() is not None:
                return False
            try:  # one line, under PIPE_BUF: written whole or not at all
                return os.write(proc.stdin.fileno(), line) == len(line)
            except OSError:  # BrokenPipeError (it died), BlockingIOError (its pipe is full)
                return False

    def _watch(self) -> None:
        pause = RESPAWN_FIRST
        while not self._stopping.is_set():
            proc = self._proc
            if proc is None:
                return
            started = time.monotonic()
            code = proc.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > STABLE:
                pause, self._failed_early = RESPAWN_FIRST, 0
            else:
                self._failed_early += 1
            log.error("worker process %s exited with %s; starting another in %.0f s", proc.pid, code, pause)
            if self._failed_early == FALLBACK_AFTER and self._on_failing is not None:
                on_failing, self._on_failing = self._on_failing, None  # once: what it starts runs until the end
                try:
                    on_failing()
                except Exception:
                    log.exception("taking up the worker's work in this process failed")
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, RESPAWN_MOST)
            try:
                self._spawn()
            except OSError:
                log.exception("starting the worker process failed")

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Ask it to stop, without waiting (see `wait`): its input is closed, and it stops once it has run what
        it was handed."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if proc.stdin is not None and not proc.stdin.closed:
                with contextlib.suppress(OSError):
                    proc.stdin.close()

    def wait(self, timeout: float) -> bool:
        """Wait for it to have stopped; killed past `timeout`. True when it stopped by itself."""
        proc = self._proc
        if proc is None:
            return True
        try:
            proc.wait(timeout=max(0.0, timeout))
            return True
        except subprocess.TimeoutExpired:
            log.warning("worker process %s did not stop within %.0f s: killed", proc.pid, timeout)
            proc.kill()
            proc.wait()
            return False
