"""`python -m bot work`: the worker process that `python -m bot serve` starts by itself (bot/worker.py says
why and how). It builds the app to run the accepted requests the web process hands it, and runs the outbox's
sender and the scheduler; it stops when its input closes (the web process stopped, or was killed) or on
SIGTERM. Its standard output is where it says "done ID" once it is done with a request it was handed (what it
prints goes to its standard error): the web process takes up what it was handed and never said done if it
dies. Like bot/server.py, it puts the features and the jobs together."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from contextlib import suppress
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO

from bot.worker import INPUT_GRACE, NICE

if TYPE_CHECKING:
    from slack_sdk.web import SlackResponse

    from bot.config import Settings
    from bot.runtime import Runtime

log = logging.getLogger("truce.worker")
STOP_ASKED = threading.Event()


def work(settings: Settings) -> None:
    """`python -m bot work`: started by `python -m bot serve`, never by hand. Runs until its input closes
    or SIGTERM."""
    from bot import answers_shared, process
    from bot.preflight import check_slack
    from bot.runtime import SHUTDOWN_TIMEOUT

    with suppress(OSError):
        os.nice(NICE)
    stop = STOP_ASKED  # set by SIGTERM or SIGINT from the process's first moment (`catch_stop`)
    catch_stop()
    done = Done(os.dup(1))
    os.dup2(2, 1)  # a stray print is not taken for a "done" line
    answers_shared.follow()  # first: the sender and the schedules that _build starts step aside from the start
    rt = _build(settings, check_slack(settings))
    process.serving()
    reader = threading.Thread(target=_read, args=(rt, sys.stdin.buffer, stop, done), name="truce-worker-input",
                              daemon=True)
    reader.start()
    log.debug("worker process %s ready", os.getpid())
    stop.wait()
    # SIGTERM may come before the web process, still answering, has handed everything over: what it hands
    # over until its input closes is run too (the web process closes it once it has answered).
    started = time.monotonic()
    reader.join(timeout=INPUT_GRACE)
    rt.shutdown(timeout=max(1.0, SHUTDOWN_TIMEOUT - (time.monotonic() - started)))
    rt.engine.dispose()
    log.debug("worker process %s stopped", os.getpid())


def catch_stop() -> None:
    """SIGTERM and SIGINT ask the worker to stop (`STOP_ASKED`) instead of killing it: `python -m bot work`
    calls this first thing, so that a stop asked while it starts up still runs what it was handed."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    STOP_ASKED.set()


def _build(settings: Settings, auth: SlackResponse | None) -> Runtime:
    from bot.app import build_app
    from bot.bootstrap import bootstrap
    from bot.executor import TrackingExecutor
    from bot.runtime import build_runtime

    rt = build_runtime(settings, name="worker")
    bootstrap(rt, auth=auth, teams=False)
    rt.start_sender()
    rt.jobs_post_through_sender = True
    build_app(rt, executor=TrackingExecutor(), auth=auth)
    if settings.run_scheduler:
        from jobs.scheduler import start_scheduler

        start_scheduler(rt)
    return rt


class Done:
    """Says to the web process, one line each, which requests it was handed this worker is done with."""

    def __init__(self, fd: int) -> None:
        self._fd, self._lock = fd, threading.Lock()

    def say(self, accepted_id: int) -> None:
        with self._lock, suppress(OSError):  # the web process gone: nobody to tell
            os.write(self._fd, b"done %d\n" % accepted_id)


def _run(rt: Runtime, accepted_id: int, token: str, done: Done) -> None:
    """Run it, then say done, whether it ran or failed (a failed run is run again once its claim lapses, as
    anywhere): only a worker dying before that leaves it to the web process."""
    from bot import accepted

    try:
        accepted.run(rt, accepted_id, token)
    finally:
        done.say(accepted_id)


def _read(rt: Runtime, stream: BinaryIO, stop: threading.Event, done: Done) -> None:
    """Each line from the web process: "run ID TOKEN" runs that accepted request, "kick" wakes the outbox's
    sender. Its input closing means the web process stopped: so does the worker."""
    try:
        for raw in stream:
            parts = raw.decode("ascii", "replace").split()
            if len(parts) == 3 and parts[0] == "run" and parts[1].isdigit():
                log.debug("worker process %s runs accepted request %s", os.getpid(), parts[1])
                try:
                    rt.run_accepted(_run, rt, int(parts[1]), parts[2], done)
                except RuntimeError:  # stopping: not done, so taken up by the web process, else once its claim lapses
                    log.warning("worker stopping: accepted request %s left to the next one", parts[1])
            elif parts == ["kick"]:
                if rt.sender is not None:
                    rt.sender.kick()
            elif parts:
                log.warning("worker: unknown line from the web process: %r", raw[:80])
    finally:
        stop.set()
