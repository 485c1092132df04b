"""Whether the web process is answering Slack right now, shared with its worker process (bot/worker.py).

Inside one process, work nobody waits on steps aside for a moment while answers are in flight
(`bot.request_path.yield_to_answers`). The worker process runs that work on PostgreSQL, and its runs, the
PostgreSQL backends serving them and its posts all take the same two cores the answers need: at 20 closed-loop
senders the answers' tails grew with the worker's load (docs/benchmarks.md). So the web process keeps one byte
saying "answering" in a page it shares with its worker: a file that has no name (created and unlinked at once,
inherited by the worker as an open descriptor, gone with both processes), mapped into memory by each. The
worker's `yield_to_answers` reads it, and waits — for at most the same bounded moment as in one process —
while it says so. One byte: written and read whole on any machine. A web process killed while answering
leaves it set; its worker stops when its input closes, and meanwhile only ever waits its bounded moment.
"""

from __future__ import annotations

import mmap
import os
import tempfile

from bot import request_path

ENV = "TRUCE_ANSWERING_FD"  # the descriptor's number in the worker process


class Answering:
    """The shared byte: 1 while the web process answers, else 0."""

    def __init__(self, fd: int | None = None) -> None:
        if fd is None:
            with tempfile.TemporaryFile() as f:  # no name: nothing left on disk, whatever happens
                os.ftruncate(f.fileno(), mmap.PAGESIZE)
                fd = os.dup(f.fileno())
        self.fd = fd
        self._map = mmap.mmap(fd, mmap.PAGESIZE)

    def set(self, answering: bool) -> None:
        self._map[0] = 1 if answering else 0

    def get(self) -> bool:
        return self._map[0] != 0


def share() -> Answering:
    """In the web process: a new shared byte, kept up to date by `bot.request_path.serving`; its `fd` goes to
    the worker (`ENV`, and the descriptor passed on)."""
    answering = Answering()
    request_path.publish(answering.set)
    return answering


def follow() -> Answering | None:
    """In the worker process: background work steps aside while the web process answers (if it said how)."""
    fd = os.environ.get(ENV, "")
    if not fd.isdigit():
        return None
    try:
        answering = Answering(int(fd))
    except (OSError, ValueError):  # not the descriptor it was meant to be: nothing shared
        return None
    request_path.also_wait_for(answering.get)
    return answering
