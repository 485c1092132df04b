"""bot.answers_shared: the web process says whether it is answering Slack in a byte its worker process shares, and
the worker's background work steps aside for a bounded moment while it says so."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

from bot import answers_shared, request_path
from bot.worker import Worker


@pytest.fixture(autouse=True)
def _nothing_shared_after() -> Iterator[None]:
    yield
    request_path.publish(None)
    request_path.also_wait_for(None)


def test_the_web_process_publishes_whether_it_is_answering_until_its_last_answer_ends() -> None:
    answering = answers_shared.share()
    seen = answers_shared.Answering(answering.fd)  # a second mapping of the same page, as the worker has
    assert not seen.get()
    entered, leave = threading.Event(), threading.Event()

    def answer() -> None:
        with request_path.serving():
            entered.set()
            leave.wait(5)

    other = threading.Thread(target=answer)
    with request_path.serving():
        assert seen.get()
        other.start()
        entered.wait(5)
    assert seen.get()  # the other answer is still in flight
    leave.set()
    other.join(5)
    assert not seen.get()


def test_background_work_waits_while_the_other_process_answers_and_goes_once_it_stops() -> None:
    answering = answers_shared.Answering()
    request_path.also_wait_for(answering.get)
    assert request_path.yield_to_answers(5.0) == 0.0  # nobody answering: no wait at all
    answering.set(True)
    threading.Timer(0.2, answering.set, args=(False,)).start()
    waited = request_path.yield_to_answers(5.0)
    assert 0.15 < waited < 1.0


def test_background_work_never_waits_longer_than_its_moment() -> None:
    answering = answers_shared.Answering()
    answering.set(True)  # a web process killed while answering leaves it set
    request_path.also_wait_for(answering.get)
    began = time.monotonic()
    request_path.yield_to_answers(0.2)
    assert 0.15 < time.monotonic() - began < 1.0


def test_the_worker_process_sees_the_web_process_answering(tmp_path) -> None:
    """Through `Worker` itself: the byte's descriptor reaches the process it starts, which reads the same page."""
    seen = tmp_path / "seen"
    script = textwrap.dedent(f"""
        import mmap, os, sys
        from bot import answers_shared
        answering = answers_shared.follow()
        for line in sys.stdin:
            _, accepted_id, _ = line.split()
            with open({str(seen)!r}, "a") as out:
                out.write(f"{{accepted_id}} {{answering is not None and answering.get()}}\\n")
            print("done", accepted_id, flush=True)
    """)
    worker = Worker([sys.executable, "-c", script]).start()
    try:
        with request_path.serving():
            assert worker.run(1, "t")
            _wait_for_lines(seen, 1)
        assert worker.run(2, "t")
        _wait_for_lines(seen, 2)
        first = worker._proc
        assert first is not None
        first.kill()  # the worker started again gets the same page
        deadline = time.monotonic() + 20
        while worker._proc is first and time.monotonic() < deadline:
            time.sleep(0.05)
        with request_path.serving():
            while not worker.run(3, "t") and time.monotonic() < deadline:
                time.sleep(0.05)
            _wait_for_lines(seen, 3)
    finally:
        worker.stop()
        worker.wait(10)
    assert seen.read_text().splitlines() == ["1 True", "2 False", "3 True"]


def _wait_for_lines(path, n: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= n:
            return
        time.sleep(0.01)
    raise AssertionError(f"the worker wrote {path.read_text() if path.exists() else 'nothing'}")


def test_a_process_told_nothing_or_nonsense_shares_nothing_and_passes_nothing_on(monkeypatch) -> None:
    monkeypatch.delenv(answers_shared.ENV, raising=False)
    assert answers_shared.follow() is None
    read, write = os.pipe()
    try:
        for value in ("not a descriptor", "999", str(read)):  # not a number, closed, not a page
            monkeypatch.setenv(answers_shared.ENV, value)
            assert answers_shared.follow() is None
            assert answers_shared.ENV not in os.environ
    finally:
        os.close(read)
        os.close(write)
    assert request_path.yield_to_answers(5.0) == 0.0  # nothing to wait for


def test_the_worker_maps_the_page_read_only_and_keeps_it_to_itself(monkeypatch) -> None:
    answering = answers_shared.Answering()
    fd = os.dup(answering.fd)
    os.set_inheritable(fd, True)
    monkeypatch.setenv(answers_shared.ENV, str(fd))
    seen = answers_shared.follow()
    assert seen is not None and answers_shared.ENV not in os.environ and not os.get_inheritable(fd)
    answering.set(True)
    assert seen.get()
    with pytest.raises(TypeError):
        seen.set(False)  # read-only: only the web process writes it
