"""Which threads are answering Slack right now, and the work that waits until they have answered.

A request from Slack must be answered within 3 seconds, and answering it must never wait on
Slack itself (a slow or hung Web API would starve every acknowledgement). So the thread that
runs a listener only reads and writes the database and builds the answer; every Web API call is
handed to the runtime's background pool (`Runtime.defer`) or the outbox. Work handed over while a
request is being answered starts once the answer has been sent (`bot.web` runs it when the
server closes the response), so a follow-up never reaches the person before the answer itself.
The test suite fails any Slack call made while a thread is marked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_local = threading.local()


@contextmanager
def serving() -> Iterator[list[Callable[[], object]]]:
    """Mark this thread as answering a request until the block ends. Yields the list of work
    handed over meanwhile; whoever opened the outermost block starts it after answering."""
    outer = getattr(_local, "after", None)
    if outer is not None:  # already marked (the HTTP layer, then Bolt's dispatch): one list
        yield outer
        return
    after: list[Callable[[], object]] = []
    _local.after = after
    try:
        yield after
    finally:
        _local.after = None


def active() -> bool:
    return getattr(_local, "after", None) is not None


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
