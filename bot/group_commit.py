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
    __slots__ = ("done", "error", "item", "lead", "result")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = threading.Event()
        self.lead = False
        self.result: Result | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """`submit(item)` returns `write(batch)`'s result for that item; `write` gets the items in the order they
    came and returns one result per item (or raises)."""

    def __init__(self, write: Callable[[Sequence[Item]], Sequence[Result]], *, most: int = 64) -> None:
        self._write = write
        self._most = most  # items per batch at most: a bounded statement and transaction
        self._mutex = threading.Lock()
        self._queue: list[_Slot[Item, Result]] = []
        self._leading = False

    def submit(self, item: Item) -> Result:
        slot: _Slot[Item, Result] = _Slot(item)
        with self._mutex:
            self._queue.append(slot)
            lead = slot.lead = not self._leading
            self._leading = True
        if not lead:
            slot.done.wait()
        if slot.lead:
            self._lead()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # set by the batch that held it

    def _lead(self) -> None:
        with self._mutex:
            batch, self._queue = self._queue[:self._most], self._queue[self._most:]
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
                nxt = self._queue[0] if self._queue else None
                self._leading = nxt is not None
                if nxt is not None:
                    nxt.lead = True
            for slot in batch:
                slot.lead = False
                slot.done.set()
            if nxt is not None:
                nxt.done.set()  # woken to lead the next batch, its own among them
