"""What `python -m bot` sets in its own process before anything else: Python's garbage collector
held off while start-up builds its ~190,000 long-lived objects (modules, tables, mappers, Bolt's
listeners), and glibc's malloc arenas capped.

- Start-up creates objects and frees almost none, so every generational collection it triggers
  finds nothing and walks ever more of them: a third of start-up's CPU. `starting()` disables the
  collector; `serving()` (once the process listens) moves what start-up built to the permanent
  generation (`gc.freeze`: never walked again, so later collections cost what requests allocate,
  not what start-up built) and enables it again; SETTLE seconds later, off the start-up's path, one
  full collection frees start-up's own garbage and freezes what is left.
- glibc gives each thread that allocates its own arena (up to 8 per core), and memory freed in one
  is not reused by another: with two dozen threads (request threads, background pools, the sender's
  lanes, the scheduler) resident memory grows with the arenas touched. ARENAS caps them, as
  MALLOC_ARENA_MAX does (which, when set, wins).
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading

ARENAS = 2
SETTLE = 2.0  # seconds after listening: start-up's garbage collected once
_M_ARENA_MAX = -8  # glibc's mallopt() parameter


def starting() -> None:
    gc.disable()
    if "MALLOC_ARENA_MAX" not in os.environ:
        _cap_arenas(ARENAS)


def serving(settle: float | None = SETTLE) -> None:
    """Start-up is over: freeze what it built, collect as usual from now on, and (after `settle`
    seconds, None: now) collect start-up's garbage once."""
    if gc.isenabled():
        return  # not started by `starting()` (a test, the sandbox)
    gc.freeze()
    gc.enable()
    if settle is None:
        _settle()
    else:
        timer = threading.Timer(settle, _settle)
        timer.daemon = True
        timer.name = "truce-gc-settle"
        timer.start()


def _settle() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _cap_arenas(count: int) -> bool:
    """mallopt() found among the symbols the process already has (the C library is loaded): not through
    ctypes.util.find_library, which runs `ldconfig -p` in a child process at every start."""
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, count))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        return False
