"""The worker process (bot/worker.py): `python -m bot serve` answers, and a process of its own runs what it
answered for. Held up, the worker holds up the runs, not the answers; killed, it is started again and the web
process runs requests itself meanwhile; the web process killed, the worker stops by itself; SIGTERM stops both."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bench.measure import child_pids
from bot import delivery, request_path
from bot.db import make_engine, session_scope
from bot.sandbox.seed import MARK, MARKETING, SALES
from tests.test_server import Served, db_url_for

SAVED = ":inbox_tray: Saved."


def _children(pid: int) -> list[int]:
    return [p for p in child_pids(pid) if _alive(p)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def served(database_url, tmp_path, db):
    """Truce served with its worker process, on a clean database (`db`: on PostgreSQL the served process uses
    the tests' database, and rows other tests left, e.g. an unsent post in #sales, would be ahead of this
    test's posts in their channel)."""
    s = Served(db_url_for(database_url, tmp_path), TRUCE_WORKER_PROCESS="1", LOG_LEVEL="DEBUG")
    s.wait_for_line(f"worker process {_worker(s)} ready", timeout=30)
    yield s
    s.stop()


def _worker(served: Served) -> int:
    [pid] = _children(served.proc.pid)
    return pid


def test_the_worker_runs_what_the_web_process_answered_for(served):
    worker = _worker(served)
    served.driver.command(MARK, "/intel", "Acme cut prices by 20%", channel=MARKETING)
    assert served.driver.answer_text().startswith(SAVED)
    _wait(lambda: served.emulator.state.messages(SALES), 10, "the share posted to sales")
    served.wait_for_line(f"worker process {worker} runs accepted request")


def test_a_worker_held_up_holds_up_the_runs_not_the_answers(served, database_url):
    if database_url.startswith("sqlite"):  # why the worker is off on SQLite by default (bot/worker.py)
        pytest.skip("on SQLite a worker stopped inside a transaction holds the one write lock the answers need")
    worker = _worker(served)
    os.kill(worker, signal.SIGSTOP)  # the worker held up: answers still come at once, runs wait for it
    try:
        started = time.monotonic()
        response = served.driver.command(MARK, "/intel", "Acme cut prices by 20%", channel=MARKETING)
        assert response.status_code == 200 and time.monotonic() - started < 3.0
        assert served.driver.answer(wait=1.0) == {}  # not run yet: the worker has it
        assert not served.emulator.state.messages(SALES)
    finally:
        os.kill(worker, signal.SIGCONT)
    assert served.driver.answer_text().startswith(SAVED)
    _wait(lambda: served.emulator.state.messages(SALES), 10, "the share posted to sales")


def test_a_worker_that_dies_is_started_again_and_meanwhile_the_web_process_runs_requests(served):
    worker = _worker(served)
    os.kill(worker, signal.SIGKILL)
    _wait(lambda: worker not in _children(served.proc.pid), 10, "the worker gone")
    served.driver.command(MARK, "/intel", "Globex bundles onboarding", channel=MARKETING)
    assert served.driver.answer_text().startswith(SAVED)
    served.wait_for_line(f"worker process {worker} exited")
    _wait(lambda: [p for p in _children(served.proc.pid) if p != worker], 15, "a new worker started")
    served.driver.command(MARK, "/intel", "Initech opened an office in Berlin", channel=MARKETING)
    assert served.driver.answer_text().startswith(SAVED)
    [again] = _children(served.proc.pid)
    served.wait_for_line(f"worker process {again} ready", timeout=30)
    assert _shares_the_answering_page(served.proc.pid, again)  # the new one too


def _shares_the_answering_page(web: int, worker: int) -> bool:
    """Both processes map the web process's "answering" byte (bot/answers_shared.py): the same memfd."""
    def pages(pid: int) -> set[str]:
        return {line.split()[4] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
                if "memfd:truce-answering" in line}
    return bool(pages(web)) and pages(web) == pages(worker)


def test_the_worker_steps_aside_for_the_web_process_answers(served):
    """`python -m bot work` maps the byte the web process keeps (bot/answers_shared.py)."""
    assert _shares_the_answering_page(served.proc.pid, _worker(served))


def test_a_request_handed_to_a_worker_that_dies_before_reading_it_is_run_by_the_web_process_at_once(served,
                                                                                                   database_url):
    """The line is written (the worker's pipe takes it), and the worker dies before reading it: the web process
    runs it as soon as it sees the worker gone, not once its 20-second claim lapses (and the served process here
    runs no scheduler, whose sweep would take it up then)."""
    if database_url.startswith("sqlite"):
        pytest.skip("on SQLite a worker stopped inside a transaction holds the one write lock the answers need")
    worker = _worker(served)
    os.kill(worker, signal.SIGSTOP)  # it reads nothing more
    served.driver.command(MARK, "/intel", "Globex bundles onboarding", channel=MARKETING)
    served.wait_for_line(f"handed to worker process {worker}")
    assert served.driver.answer(wait=0) == {}
    os.kill(worker, signal.SIGKILL)
    assert served.driver.answer_text(wait=5).startswith(SAVED)
    served.wait_for_line(f"worker process {worker} left 1 accepted request(s) it was handed: run here")
    _wait(lambda: served.emulator.state.messages(SALES), 10, "the share posted to sales")


def test_a_worker_that_keeps_failing_to_start_leaves_the_outbox_to_the_web_process(served, database_url, tmp_path):
    """Posts and schedules must not wait for a worker that may never come (a bad deploy, Slack refusing it):
    after FALLBACK_AFTER early deaths in a row the web process runs its own sender (and scheduler)."""
    worker = _worker(served)
    served.emulator.state.fail_next("auth.test", error="invalid_auth", times=1000)  # every new worker refused
    os.kill(worker, signal.SIGKILL)
    served.wait_for_line("this process sends the outbox and runs the schedules", timeout=60)
    engine = make_engine(db_url_for(database_url, tmp_path))
    try:  # a post nobody's answer is waiting on: only a running sender sends it
        with session_scope(engine) as session:
            delivery.queue_post(session, team_id=served.emulator.state.team_id, channel=SALES,
                                text="Queued while the worker was failing")
    finally:
        engine.dispose()
    _wait(lambda: any(m.text == "Queued while the worker was failing" for m in served.emulator.state.messages(SALES)),
          15, "the queued post sent by the web process's own sender")


def test_the_worker_stops_by_itself_when_the_web_process_is_killed(served):
    worker = _worker(served)
    served.proc.kill()
    served.proc.wait(10)
    _wait(lambda: not _alive(worker), 25, "the worker stopped after its web process was killed")


def test_sigterm_stops_the_web_process_and_its_worker(served):
    worker = _worker(served)
    served.driver.command(MARK, "/intel", "Acme is hiring sales engineers", channel=MARKETING)
    assert served.stop() == 0
    _wait(lambda: not _alive(worker), 5, "the worker stopped with its web process")
    assert any("worker process" in line and "stopped" in line for line in served.lines), "\n".join(served.lines)



class _Worker:
    def __init__(self, takes: bool) -> None:
        self.takes, self.kicks = takes, 0

    def kick(self) -> bool:
        self.kicks += 1
        return self.takes


@pytest.mark.parametrize("takes", [True, False])
def test_posts_queued_while_answering_go_to_the_workers_sender_else_after_the_answer_here(stack, monkeypatch, takes):
    """In the web process (no sender of its own), posts a listener queued while answering are sent by the
    worker's sender, told at once; a worker that cannot be told leaves them to be sent here after the answer."""
    rt, deferred = stack.rt, []
    monkeypatch.setattr(rt, "sender", None)
    monkeypatch.setattr(rt, "worker", _Worker(takes))
    monkeypatch.setattr(rt, "defer", lambda fn, *args: deferred.append(fn))
    with request_path.serving(), rt.session() as session:
        session.info["outbox_ids"] = [1, 2]
    assert rt.worker.kicks == 1
    assert deferred == ([] if takes else [delivery.deliver])


def test_the_fallback_is_taken_once_even_when_workers_die_again_after_living_a_while(monkeypatch, tmp_path):
    """Three early deaths, one worker that lived past STABLE (which starts the count again), three more early
    deaths: the web process's own sender and scheduler are started once, not twice."""
    import sys
    import threading

    from bot import worker as worker_module

    monkeypatch.setattr(worker_module, "RESPAWN_FIRST", 0.01)
    monkeypatch.setattr(worker_module, "RESPAWN_MOST", 0.02)
    monkeypatch.setattr(worker_module, "STABLE", 0.3)
    runs = tmp_path / "runs"
    script = (f"import pathlib, sys, time; p = pathlib.Path({str(runs)!r}); n = int(p.read_text() or 0) "
              "if p.exists() else 0; p.write_text(str(n + 1)); time.sleep(0.6 if n == 3 else 0); sys.exit(3)")
    taken, done = [], threading.Event()
    w = worker_module.Worker([sys.executable, "-c", script], on_failing=lambda: taken.append(1))
    real_spawn = w._spawn

    def counting_spawn():
        if runs.exists() and int(runs.read_text() or 0) >= 2 * worker_module.FALLBACK_AFTER + 2:
            done.set()
        real_spawn()

    monkeypatch.setattr(w, "_spawn", counting_spawn)
    w.start()
    try:
        assert done.wait(60), "the workers were not started again"
    finally:
        w.stop()
        w.wait(5)
    assert taken == [1]
