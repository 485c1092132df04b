"""The thread pool Bolt runs listeners in after ack(); it can tell when all work is done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16, *, name: str = "truce-listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=name)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def reserve(self) -> None:
        """Count work that will be submitted a moment later (`submit_reserved`) as pending now."""
        with self._idle:
            self._pending += 1

    def submit_reserved(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T] | None:
        try:
            future = super().submit(fn, *args, **kwargs)
        except RuntimeError:  # shut down in the meantime (the process is stopping)
            self._done(None)
            return None
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted listener has finished (True), or timeout (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
