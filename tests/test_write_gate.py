"""bot.db.WriteGate: one unit of work writes at a time, re-entrant per thread, answers before background work."""

from __future__ import annotations

import threading
import time

from bot.db import WriteGate


def _waiters(gate: WriteGate) -> int:
    return gate.waiting  # the threads waiting for their turn


def test_one_at_a_time_and_reentrant() -> None:
    gate, inside, most = WriteGate(), [0], [0]
    lock = threading.Lock()

    def work(urgent: bool) -> None:
        for _ in range(50):
            with gate.turn(urgent=urgent), gate.turn(urgent=urgent):  # re-entrant
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=work, args=(n % 2 == 0,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most[0] == 1
    assert gate._owner is None and gate._depth == 0


def test_answers_go_before_background_work_waiting_longer() -> None:
    gate, order = WriteGate(), []
    release = threading.Event()

    def holder() -> None:
        with gate.turn(urgent=False):
            release.wait(5)

    def waiter(name: str, urgent: bool) -> None:
        with gate.turn(urgent=urgent):
            order.append(name)

    first = threading.Thread(target=holder)
    first.start()
    while gate._owner is None:
        time.sleep(0.001)
    threads = []
    for name, urgent in [("bg1", False), ("bg2", False), ("answer1", True), ("answer2", True)]:
        t = threading.Thread(target=waiter, args=(name, urgent))
        t.start()
        threads.append(t)
        while _waiters(gate) < len(threads):
            time.sleep(0.001)
    release.set()
    for t in [first, *threads]:
        t.join(5)
    assert sorted(order[:2]) == ["answer1", "answer2"] and sorted(order[2:]) == ["bg1", "bg2"]


def test_a_turn_ending_wakes_one_waiter_not_the_herd() -> None:
    """Eight answers wait; each turn's end wakes one of them (the others sleep on), and all get their turn."""
    gate, woken, order = WriteGate(), [0], []
    release = threading.Event()
    real_wait = gate._urgent.wait

    def counted_wait(timeout=None):
        result = real_wait(timeout)
        woken[0] += 1
        return result

    gate._urgent.wait = counted_wait  # type: ignore[method-assign]

    def holder() -> None:
        with gate.turn(urgent=True):
            release.wait(5)

    def waiter(name: str) -> None:
        with gate.turn(urgent=True):
            order.append(name)
            time.sleep(0.005)  # the others are awake by now if they were all woken

    first = threading.Thread(target=holder)
    first.start()
    while gate._owner is None:
        time.sleep(0.001)
    threads = [threading.Thread(target=waiter, args=(f"answer{n}",)) for n in range(8)]
    for n, t in enumerate(threads, 1):
        t.start()
        while _waiters(gate) < n:
            time.sleep(0.001)
    release.set()
    for t in [first, *threads]:
        t.join(5)
    assert sorted(order) == sorted(f"answer{n}" for n in range(8))
    assert woken[0] == 8  # one wake-up per turn handed on (all of them woken at each end: 8 + 7 + ... = 36)
    assert gate._owner is None and gate.waiting == 0
