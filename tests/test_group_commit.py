"""bot.group_commit: items submitted while a batch is written go together in the next one; each thread gets
its own item's result, or the error of the batch that held it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from bot.group_commit import GroupCommit


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
        assert not t.is_alive()


def test_each_thread_gets_its_own_result_and_waiting_items_share_a_batch() -> None:
    batches: list[list[int]] = []
    gate = threading.Event()

    def write(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        if len(batches) == 1:
            gate.wait(5)  # the first batch is slow: everything else queues behind it
        return [i * 10 for i in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    results: dict[int, int] = {}
    first = threading.Thread(target=lambda: results.__setitem__(0, group.submit(0)))
    first.start()
    while not batches:
        time.sleep(0.001)
    others = [threading.Thread(target=lambda n=n: results.__setitem__(n, group.submit(n))) for n in range(1, 9)]
    for t in others:
        t.start()
    while len(group._queue) < 8:
        time.sleep(0.001)
    gate.set()
    for t in [first, *others]:
        t.join(10)
    assert results == {n: n * 10 for n in range(9)}
    assert batches[0] == [0] and sorted(batches[1]) == list(range(1, 9)) and len(batches) == 2


def test_a_failed_batch_raises_in_every_thread_it_held_and_the_next_batch_still_runs() -> None:
    calls: list[list[str]] = []

    def write(items: Sequence[str]) -> list[str]:
        calls.append(list(items))
        if "bad" in items:
            raise RuntimeError("database gone")
        return list(items)

    group: GroupCommit[str, str] = GroupCommit(write)
    with pytest.raises(RuntimeError, match="database gone"):
        group.submit("bad")
    assert group.submit("good") == "good"
    assert not group._leading and not group._queue


def test_many_threads_each_committed_once_in_bounded_batches() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def write(items: Sequence[int]) -> list[int]:
        assert len(items) <= 4
        time.sleep(0.001)
        with lock:
            seen.extend(items)
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(write, most=4)
    out: list[int] = []

    def submit_many(base: int) -> None:
        for i in range(50):
            out.append(group.submit(base + i))

    _run([threading.Thread(target=submit_many, args=(n * 1000,)) for n in range(12)])
    assert sorted(seen) == sorted(out) == sorted(n * 1000 + i for n in range(12) for i in range(50))
    assert not group._leading and not group._queue


def test_an_engines_group_commit_does_not_keep_the_engine_alive() -> None:
    """bot.accepted keeps one group commit per engine; an engine nobody uses any more is freed with it."""
    import gc
    import weakref

    from bot import accepted
    from bot.db import make_engine

    engine = make_engine("sqlite://")
    accepted._storer(engine)
    ref = weakref.ref(engine)
    del engine
    gc.collect()
    assert ref() is None
