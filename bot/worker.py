"""The worker process: where `python -m bot serve` runs the work that follows its answers.

One Python process runs Python on one core at a time (the GIL), and every call an answer makes to the
database gives the GIL up and waits to take it back: with the work after the answers (running accepted
slash commands and clicks, posting, the schedules) in the same process, each answer's few database calls
waited behind that work's Python, and answers came several times slower than a bare Bolt app's under load
(bench.acks). So the web process answers, and a worker process of its own, started and watched by it, does
the rest: it runs the accepted requests it is handed (`bot/accepted.py`), the outbox's sender and the
scheduler. Its CPU priority is lowered (nice), so the operating system runs answers first when both want
the machine; the two processes also use both cores. Its background work also steps aside for a moment while
the web process is answering (bot/answers_shared.py), as it does inside one process.

The web process hands each accepted request over as one line on the worker's standard input ("run ID TOKEN"),
and tells it when a form or an event it answered queued posts ("kick": the worker's outbox sender sends them);
a line that cannot be written (the worker gone, or its pipe full) is run in the web process instead, as without
a worker. The worker says on its standard output when it is done with each ("done ID": run, or failed and left
to its claim), and the web process keeps what it handed over until then: a worker that dies leaves requests it
was handed and never ran — a line still in its pipe (written while it was dying: its files stay open until its
last thread has exited), one waiting in its pool, one in the middle of its run — and the web process takes
those up itself as soon as it sees the worker gone (`on_lost`: their claims taken from the dead worker's
tokens, so still run once), rather than leave them until their claims lapse. The worker stops when its input
closes (the web process stopped or was killed) or on SIGTERM: runs in flight get SHUTDOWN_TIMEOUT seconds, and
whatever is left is taken up from the database by the next worker (accepted requests, outbox rows and jobs are
all claimed there). A worker that dies is started again, after a pause that grows while it keeps dying; once
FALLBACK_AFTER have died in a row soon after starting, the web process also runs the outbox's sender and the
schedules itself, so posts and schedules never wait on a worker that cannot start (claims keep both from doing
anything twice).

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
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answers_shared import Answering
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

    def __init__(self, argv: list[str] | None = None, *, on_failing: Callable[[], object] | None = None,
                 on_lost: Callable[[list[tuple[int, str]]], object] | None = None) -> None:
        """`on_failing`: called once (on the watching thread) when FALLBACK_AFTER workers in a row died early.
        `on_lost`: called (on the watching thread) with the (accepted id, token) of each request handed to a
        worker that died before saying it was done with it."""
        self._argv = argv or [sys.executable, "-m", "bot", "work"]
        self._on_failing = on_failing
        self._on_lost = on_lost
        self._handed: dict[int, str] = {}  # handed to the current worker, not yet said done: id -> token
        self._answering: Answering | None = None
        self._reader: threading.Thread | None = None
        self._failed_early = 0
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> Worker:
        from bot import answers_shared

        # Whether this process is answering, for the worker's background work to step aside meanwhile.
        self._answering = answers_shared.share()
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="truce-worker-watch", daemon=True)
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        shared: tuple[int, ...] = ()
        env = None
        if self._answering is not None:
            from bot.answers_shared import ENV

            shared, env = (self._answering.fd,), {**os.environ, ENV: str(self._answering.fd)}
        proc = subprocess.Popen(self._argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
                                pass_fds=shared, env=env)
        assert proc.stdin is not None and proc.stdout is not None
        os.set_blocking(proc.stdin.fileno(), False)  # a full pipe is refused at once, never waited on
        handed: dict[int, str] = {}
        reader = threading.Thread(target=self._read_done, args=(proc.stdout, handed), name="truce-worker-done",
                                  daemon=True)
        with self._lock:
            self._proc, self._handed, self._reader = proc, handed, reader
        reader.start()
        log.debug("worker process %s started", proc.pid)

    def _read_done(self, stream: IO[bytes], handed: dict[int, str]) -> None:
        """The worker's "done ID" lines, until it exits: those requests are no longer its to run."""
        with contextlib.suppress(OSError, ValueError), stream:
            for raw in stream:
                parts = raw.split()
                if len(parts) == 2 and parts[0] == b"done" and parts[1].isdigit():
                    with self._lock:
                        handed.pop(int(parts[1]), None)

    def run(self, accepted_id: int, token: str) -> bool:
        """Hand an accepted request to the worker; False when it cannot take it (run it here instead)."""
        return self._send(f"run {accepted_id} {token}\n".encode(), handing=(accepted_id, token))

    def kick(self) -> bool:
        """Tell the worker's outbox sender that posts are queued; False when it cannot be told."""
        return self._send(b"kick\n")

    def _send(self, line: bytes, handing: tuple[int, str] | None = None) -> bool:
        with self._lock:
            proc = self._proc
            # poll() says nothing while the watching thread waits for the process (it returns None whenever
            # another thread is in waitpid): a worker that just died can still take the line, and a dying one's
            # pipe still has a reader until its last thread is gone. What it was handed is kept (`_handed`)
            # until it says done, and taken up here if it dies first (`_watch`).
            if proc is None or proc.stdin is None or proc.stdin.closed or proc.poll() is not None:
                return False
            if handing is not None:
                self._handed[handing[0]] = handing[1]  # before the write: its "done" may come at once
            try:  # one line, under PIPE_BUF: written whole or not at all
                written = os.write(proc.stdin.fileno(), line) == len(line)
            except OSError:  # BrokenPipeError (it died), BlockingIOError (its pipe is full)
                written = False
            if handing is not None:
                if not written:
                    self._handed.pop(handing[0], None)
                else:
                    log.debug("accepted request %s handed to worker process %s", handing[0], proc.pid)
            return written

    def _watch(self) -> None:
        pause = RESPAWN_FIRST
        while not self._stopping.is_set():
            proc = self._proc
            if proc is None:
                return
            started = time.monotonic()
            code = proc.wait()
            lost = self._lost(proc)
            if self._stopping.is_set():
                return
            if time.monotonic() - started > STABLE:
                pause, self._failed_early = RESPAWN_FIRST, 0
            else:
                self._failed_early += 1
            log.error("worker process %s exited with %s; starting another in %.0f s", proc.pid, code, pause)
            if lost:  # now, not once their claims lapse: nobody else knows they were not run
                log.warning("worker process %s left %d accepted request(s) it was handed: run here", proc.pid,
                            len(lost))
                self._take_up(lost)
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

    def _lost(self, proc: subprocess.Popen[bytes]) -> list[tuple[int, str]]:
        """What the worker that exited was handed and never said done, once its last "done" lines are read."""
        reader = self._reader
        if reader is not None:
            reader.join(timeout=5)  # its output ends with it (nothing else holds the pipe)
        with self._lock:  # under the lock: `_send` writes to its pipe under it
            lost, self._handed = list(self._handed.items()), {}
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
        return lost

    def _take_up(self, lost: list[tuple[int, str]]) -> None:
        if self._on_lost is None:
            return
        try:
            self._on_lost(lost)
        except Exception:
            log.exception("taking up the requests of the worker that died failed (their claims lapse)")

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
