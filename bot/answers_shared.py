"""Whether the web process is answering Slack right now, shared with its worker process (bot/worker.py).

Inside one process, work nobody waits on steps aside for a moment while answers are in flight
(`bot.request_path.yield_to_answers`). The worker process runs that work on PostgreSQL, and its runs, the
PostgreSQL backends serving them and its posts all take the same two cores the answers need: at 20 closed-loop
senders the answers' tails grew with the worker's load (docs/benchmarks.md). So the web process keeps one byte
saying "answering" in a page it shares with its worker: memory with no name (a memfd on Linux, else a file
unlinked at once), inherited by the worker as an open descriptor, gone with both processes, mapped by each. The
worker's `yield_to_answers` reads it, and waits — for at most the same bounded moment as in one process —
while it says so. One byte: written and read whole on any machine. A web process killed while answering
leaves it set; its worker stops when its input closes, and meanwhile only ever waits its bounded moment.
"""

from __future__ import annotations

import logging
import mmap
import os
import tempfile

from bot import request_path

ENV = "TRUCE_ANSWERING_FD"  # the descriptor's number in the worker process
log = logging.getLogger(__name__)


class Answering:
    """The shared byte: 1 while the web process answers, else 0. `fd`: the worker's inherited descriptor,
    mapped read-only (the web process alone writes it)."""

    def __init__(self, fd: int | None = None) -> None:
        self.fd = _new_page() if fd is None else fd
        self._map = mmap.mmap(self.fd, mmap.PAGESIZE,
                              access=mmap.ACCESS_WRITE if fd is None else mmap.ACCESS_READ)

    def set(self, answering: bool) -> None:
        self._map[0] = 1 if answering else 0

    def get(self) -> bool:
        return self._map[0] != 0


def _new_page() -> int:
    """A descriptor of one page of shared memory with no name. memfd where there is one (Linux: memory
    only, never written back to a disk), else a temporary file unlinked at once."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("truce-answering", os.MFD_CLOEXEC)
    else:
        with tempfile.TemporaryFile() as f:
            fd = os.dup(f.fileno())
    try:
        os.ftruncate(fd, mmap.PAGESIZE)
    except OSError:
        os.close(fd)
        raise
    return fd


def share() -> Answering | None:
    """In the web process: a new shared byte, kept up to date by `bot.request_path.serving`; its `fd` goes to
    the worker (`ENV`, and the descriptor passed on). None when none can be made: nothing is shared then."""
    try:
        answering = Answering()
    except (OSError, ValueError):
        log.warning("no shared memory for the worker process: it will not step aside for answers",
                    exc_info=True)
        return None
    request_path.publish(answering.set)
    return answering


def follow() -> Answering | None:
    """In the worker process: background work steps aside while the web process answers (if it said how).
    The descriptor is not passed on to anything the worker starts."""
    fd = os.environ.pop(ENV, "")
    if not fd.isdigit():
        return None
    try:
        os.set_inheritable(int(fd), False)
        answering = Answering(int(fd))
    except (OSError, ValueError):  # not the descriptor it was meant to be: nothing shared
        log.warning("%s=%s is not a shared page: not stepping aside for the web process's answers", ENV, fd)
        return None
    request_path.also_wait_for(answering.get)
    return answering
