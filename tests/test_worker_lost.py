"""What a worker process was handed and did not say done with when it died (bot/worker.py) is taken up by the
web process at once (`accepted.take_over`), not when its claim lapses; and still run once."""

from __future__ import annotations

import signal
import sys
import threading

import time_machine
from sqlmodel import select

from bot import accepted
from bot.clock import now
from bot.db import session_scope
from bot.models import AcceptedRequest
from bot.sandbox.seed import MARK, MARKETING, SALES
from bot.worker import Worker
from tests.intel_helpers import shares

SHARE = "Globex now bundles onboarding for free with annual plans"
# Reads nothing, says nothing: whatever it is handed stays in its pipe.
DEAF = "import time; time.sleep(60)"
# Says done with what it is handed (as `python -m bot work` does once a run ended), then waits to be killed.
DONE = ("import sys, time\nfor line in sys.stdin:\n    print('done', line.split()[1], flush=True)\n"
        "    time.sleep(60)")


def _lost_after_kill(script: str, handed: list[tuple[int, str]], after_handing=lambda w: None) -> list:
    lost: list[list[tuple[int, str]]] = []
    told = threading.Event()
    w = Worker([sys.executable, "-c", script], on_lost=lambda h: (lost.append(h), told.set())).start()
    try:
        assert all(w.run(accepted_id, token) for accepted_id, token in handed)  # written into its pipe
        after_handing(w)
        w._proc.send_signal(signal.SIGKILL)
        told.wait(10)
    finally:
        w.stop()
        w.wait(5)
    return lost


def test_what_a_worker_killed_before_reading_it_was_handed_is_given_back():
    assert _lost_after_kill(DEAF, [(7, "tok7"), (8, "tok8")]) == [[(7, "tok7"), (8, "tok8")]]


def test_what_a_worker_said_done_with_is_not_given_back():
    def said_done(w):
        deadline = threading.Event()
        for _ in range(200):
            with w._lock:
                if not w._handed:
                    return
            deadline.wait(0.05)
        raise AssertionError("the worker's done was not read")

    assert _lost_after_kill(DONE, [(7, "tok7")], said_done) == []


def _stored(stack, monkeypatch) -> AcceptedRequest:
    """A command answered and handed over (to a worker that then died): stored, never run here."""
    monkeypatch.setattr(stack.rt, "run_accepted", lambda *args, **kwargs: None)
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    monkeypatch.undo()
    with session_scope(stack.rt.engine) as s:
        [row] = list(s.exec(select(AcceptedRequest)))
    return row


def test_a_request_taken_over_from_a_dead_worker_runs_at_once_and_once(stack, monkeypatch):
    row = _stored(stack, monkeypatch)
    assert accepted.run_stale(stack.rt) == 0  # its claim has not lapsed: the sweep would wait for it
    assert not accepted.take_over(stack.rt, row.id, "another run's token")  # never from a run that may be alive
    assert accepted.take_over(stack.rt, row.id, row.claim_token)
    stack.settle()
    assert [s.summary for s in shares(stack)] == [SHARE] and len(stack.state.messages(SALES)) == 1
    assert stack.driver.answer_text().startswith(":inbox_tray: Saved.")
    assert not accepted.take_over(stack.rt, row.id, row.claim_token)  # done: not twice
    with time_machine.travel(now() + accepted.CLAIM_FOR * 2, tick=False):
        assert accepted.run_stale(stack.rt) == 0
    stack.settle()
    assert len(shares(stack)) == 1 and len(stack.state.messages(SALES)) == 1


def test_the_dead_workers_run_done_already_is_not_run_again(stack, monkeypatch):
    row = _stored(stack, monkeypatch)
    accepted.run(stack.rt, row.id, row.claim_token)  # it ran, then the worker died before saying done
    stack.settle()
    assert not accepted.take_over(stack.rt, row.id, row.claim_token)
    stack.settle()
    assert len(shares(stack)) == 1 and sum("Saved" in m["text"] for m in stack.driver.said()) == 1
