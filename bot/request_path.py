"""Which threads are answering Slack right now, and the work that waits until they have answered.

A request from Slack must be answered within 3 seconds, and answering it must never wait on
Slack itself (a slow or hung Web API would starve every acknowledgement). So the thread that
runs a listener only reads and writes the database and builds the answer; every Web API call is
handed to the runtime's background pool (`Runtime.defer`) or the outbox. Work handed over while a
request is being answered starts once the answer has been sent (`bot.web` runs it when the
server closes the response), so a follow-up never reaches the person before the answer itself.
The test suite fails any Slack call made while a thread is marked.

The process also counts the answers in flight, so that background work (posting, the outbox's
sender, jobs) can step aside while Slack waits for answers: `yield_to_answers` before each unit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

_local = threading.local()
# Answers in flight in this process (threads inside an outermost `serving()` block).
_answering = threading.Condition()
_in_flight = 0
# The longest background work steps aside for answers before it starts anyway: it is delayed, never starved.
YIELD_MAX_WAIT = 1.0  # seconds
# Another process's answers (the web process's, seen from its worker: bot/answers_shared.py), and how often a
# waiting thread looks at them.
_elsewhere: Callable[[], bool] | None = None
ELSEWHERE_POLL = 0.005  # seconds
# Told whether this process is answering, each time that changes (the web process's shared byte).
_publish: Callable[[bool], None] | None = None


def publish(to: Callable[[bool], None] | None) -> None:
    """Tell `to` whether this process is answering Slack, now and whenever that changes."""
    global _publish
    with _answering:
        _publish = to
        _tell(_in_flight > 0)


def _tell(answering: bool) -> None:
    """`publish`'s receiver told, under `_answering`; never raising into an answer."""
    if _publish is not None:
        try:
            _publish(answering)
        except Exception:  # a shared page gone: only the worker's stepping aside is lost
            logging.getLogger(__name__).exception("telling whether this process answers failed")


def also_wait_for(answering: Callable[[], bool] | None) -> None:
    """`yield_to_answers` also waits while `answering()` says another process is answering."""
    global _elsewhere
    _elsewhere = answering


@contextmanager
def serving() -> Iterator[list[Callable[[], object]]]:
    """Mark this thread as answering a request until the block ends. Yields the list of work
    handed over meanwhile; whoever opened the outermost block starts it after answering."""
    outer = getattr(_local, "after", None)
    if outer is not None:  # already marked (the HTTP layer, then Bolt's dispatch): one list
        yield outer
        return
    global _in_flight
    after: list[Callable[[], object]] = []
    _local.after = after
    with _answering:
        _in_flight += 1
        if _in_flight == 1:
            _tell(True)
    try:
        yield after
    finally:
        _local.after = None
        with _answering:
            _in_flight -= 1
            if _in_flight == 0:
                _tell(False)
                _answering.notify_all()


def active() -> bool:
    return getattr(_local, "after", None) is not None


def in_flight() -> int:
    """How many threads of this process are answering Slack right now."""
    return _in_flight


def yield_to_answers(max_wait: float = YIELD_MAX_WAIT) -> float:
    """Background work calls this before each unit of work (a deferred function, a post, a job's
    step): it returns at once when no answer is in flight, else once none is or after `max_wait`
    seconds, whichever comes first, so answers get the interpreter and the database (on SQLite, the
    write turn) before work nobody is waiting on, and that work is only ever delayed by `max_wait`. In
    the worker process, the web process's answers count too (`also_wait_for`: the machine's cores).
    Returns the seconds waited. A thread that is answering never waits here."""
    elsewhere = _elsewhere
    if active() or max_wait <= 0 or (_in_flight == 0 and (elsewhere is None or not elsewhere())):
        return 0.0
    began = time.monotonic()
    deadline = began + max_wait
    with _answering:
        while _in_flight > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _answering.wait(left)
    while elsewhere is not None and elsewhere() and time.monotonic() < deadline:
        time.sleep(min(ELSEWHERE_POLL, max(deadline - time.monotonic(), 0)))
    return time.monotonic() - began


def after_answer(start: Callable[[], object]) -> bool:
    """Keep `start` until the answer is sent, if this thread is answering one (True)."""
    after = getattr(_local, "after", None)
    if after is None:
        return False
    after.append(start)
    return True


def run_all(after: list[Callable[[], object]]) -> None:
    while after:
        after.pop(0)()


def answering() -> bool:
    """Whether this thread is answering Slack right now (not running a request it already answered)."""
    return active() and not getattr(_local, "replaying", False)


class Superseded(Exception):
    """A run of a request Slack was already answered for lost its claim to a later run (bot/accepted.py),
    which does the work instead: this one's first write is rolled back and it says nothing."""


class Consume(Protocol):
    """What marks a replayed request as run, with its first write (bot/accepted.py)."""

    def claim(self, session: Any) -> None:
        """In the first writing unit of work, before it commits; raises Superseded if the run lost its claim."""

    def committed(self) -> None:
        """That unit of work committed: the request ran."""

    def failed(self) -> None:
        """A listener of the request failed on Truce's side (not the person's input: `fail`)."""


@contextmanager
def replaying(consume: Consume) -> Iterator[list[Callable[[], object]]]:
    """Run a request Slack was already answered for (bot/accepted.py) as if answering it: its listeners
    hand work over the same way (yielded, started by the caller once the request's answer is said) and
    never call Slack here; it is not counted as an answer in flight. The first unit of work that writes
    (`bot.db.session_scope`) calls `consume.claim(session)` before it commits and `consume.committed()`
    once it has: the request's first write and its being marked as run commit together, so running it
    again never writes twice. A unit of work that fails to commit gives it back to the next one."""
    after: list[Callable[[], object]] = []
    _local.after, _local.replaying, _local.consume, _local.run = after, True, consume, consume
    try:
        yield after
    finally:
        _local.after, _local.replaying, _local.consume, _local.run = None, False, None, None


def fail() -> None:
    """The request being replayed here failed on Truce's side (the error handler says so): its run may be
    tried again rather than taken as answered (bot/accepted.py). Nothing outside a replay."""
    run: Consume | None = getattr(_local, "run", None)
    if run is not None:
        run.failed()


def take_consume(wrote: Callable[[], bool]) -> Consume | None:
    """The replayed request's `consume`, for the unit of work about to commit if it `wrote()`; once."""
    consume: Consume | None = getattr(_local, "consume", None)
    if consume is None or not wrote():
        return None
    _local.consume = None
    return consume


def give_back(consume: Consume) -> None:
    """The unit of work that took `consume` did not commit: the next writing one takes it."""
    if getattr(_local, "replaying", False):
        _local.consume = consume
