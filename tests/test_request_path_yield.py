"""bot.request_path.yield_to_answers: background work steps aside while answers are in flight, for a bounded time."""

from __future__ import annotations

import threading
import time

from bot import request_path


def test_no_answer_in_flight_no_wait() -> None:
    assert request_path.in_flight() == 0
    assert request_path.yield_to_answers(1.0) == 0.0


def test_waits_until_the_answer_is_sent() -> None:
    entered, leave = threading.Event(), threading.Event()

    def answering() -> None:
        with request_path.serving():
            entered.set()
            leave.wait(5)

    t = threading.Thread(target=answering)
    t.start()
    entered.wait(5)
    assert request_path.in_flight() == 1
    threading.Timer(0.2, leave.set).start()
    waited = request_path.yield_to_answers(5.0)
    t.join(5)
    assert 0.1 < waited < 2.0
    assert request_path.in_flight() == 0


def test_never_waits_longer_than_max_wait() -> None:
    entered, leave = threading.Event(), threading.Event()

    def answering() -> None:
        with request_path.serving():
            entered.set()
            leave.wait(5)

    t = threading.Thread(target=answering)
    t.start()
    entered.wait(5)
    began = time.monotonic()
    request_path.yield_to_answers(0.2)
    assert 0.15 < time.monotonic() - began < 1.0
    leave.set()
    t.join(5)


def test_an_answering_thread_never_waits() -> None:
    with request_path.serving():
        assert request_path.yield_to_answers(5.0) == 0.0
