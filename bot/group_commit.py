"""Group commit: threads that each need a small write committed wait together, and one of them writes them
all in one transaction.

A transaction's cost barely depends on how many rows it holds: its turn at SQLite's one writer (and the GIL
taken back after each SQLite call, which another busy thread can hold for a switch interval each time),
or PostgreSQL's round trips and its wait for the disk. Under load the threads answering Slack each
storing their request one transaction at a time queue behind one another (`bench.acks`); grouped, one
turn stores every request that arrived meanwhile.

Leader and followers, no thread of its own: a thread whose item finds no batch being written writes its
own, with whatever queued up by then; the others wait. When a batch is done, the head of the queue (if any)
is told to lead the next one, so every thread returns as soon as its own batch is committed. A batch that
fails raises its error in every thread whose item it held.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Slot(Generic[Item, Result]):
    __slots__ = ("error", "finished", "item", "lead", "result", "taken", "wake")

    def __init__(self, item: Item, lock: threading.Lock) -> None:
        self.item = item
        self.wake = threading.Condition(lock)  # on the group's one lock: notified when finished or given a lane
        self.lead = False  # holds a lane: writes batches until its own item is in one
        self.taken = False  # in a batch being written
        self.finished = False  # that batch is done
        self.result: Result | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """`submit(item)` returns `write(batch)`'s result for that item; `write` gets the items in the order they
    came and returns one result per item (or raises). At most `lanes` batches are written at the same time
    (1 for SQLite's one writer; more where the database takes concurrent commits, as PostgreSQL does, so that
    an item arriving while a batch is written need not wait for that batch before its own starts)."""

    def __init__(self, write: Callable[[Sequence[Item]], Sequence[Result]], *, most: int = 64,
                 lanes: int = 1) -> None:
        self._write = write
        self._most = most  # items per batch at most: a bounded statement and transaction
        self._lanes = max(lanes, 1)
        self._mutex = threading.Lock()
        self._queue: list[_Slot[Item, Result]] = []  # items not in a batch yet, in the order they came
        self._leading = 0  # lanes held

    def submit(self, item: Item) -> Result:
        with self._mutex:
            slot: _Slot[Item, Result] = _Slot(item, self._mutex)
            self._queue.append(slot)
            if self._leading < self._lanes:
                self._leading += 1
                slot.lead = True
            while not slot.finished and not slot.lead:
                slot.wake.wait()
        if slot.lead:
            self._lead(slot)
            with self._mutex:
                while not slot.finished:  # its item went into another lane's batch
                    slot.wake.wait()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # set by the batch that held it

    def _lead(self, own: _Slot[Item, Result]) -> None:
        """Write batches from the head of the queue until `own` is in one; then hand the lane to the first
        item still queued that holds none (or give it up)."""
        try:
            while True:
                with self._mutex:
                    if own.taken:
                        return
                    batch = self._queue[:self._most]
                    if own not in batch:  # the queue is longer than a batch: its own item goes in first
                        batch = [own, *batch[:self._most - 1]]
                    for slot in batch:
                        slot.taken = True
                    self._queue = [slot for slot in self._queue if not slot.taken]
                self._write_batch(batch)
        finally:
            with self._mutex:
                nxt = next((slot for slot in self._queue if not slot.lead), None)
                if nxt is None:
                    self._leading -= 1
                else:
                    nxt.lead = True
                    nxt.wake.notify()

    def _write_batch(self, batch: list[_Slot[Item, Result]]) -> None:
        try:
            results = self._write([s.item for s in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"group commit: {len(results)} results for {len(batch)} items")
            for slot, result in zip(batch, results, strict=True):
                slot.result = result
        except BaseException as exc:
            for slot in batch:
                slot.error = exc
        finally:
            with self._mutex:
                for slot in batch:
                    slot.finished = True
                    slot.wake.notify()
