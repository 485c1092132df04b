"""A graceful stop is bounded whatever Slack does: the scheduler is not waited on while a job hangs
on Slack, background work not started yet is dropped (it is durable elsewhere or a best-effort
note), and work in flight gets only what is left of the time (bot/runtime.py `Runtime.shutdown`)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_SUBMITTED
from sqlmodel import select

from bot import delivery
from bot.models import Outbox
from bot.sandbox.seed import SALES
from jobs import outbox
from jobs.scheduler import start_scheduler

HANG = 4  # seconds Slack keeps the post's call unanswered
STOP_WITHIN = 1.5  # seconds given to the stop


def _until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.01)


def test_a_stop_is_bounded_while_slack_hangs_and_queued_work_is_dropped(stack):
    rt = stack.rt
    # The outbox's sender is in a call Slack does not answer.
    stack.state.fail_next("chat.postMessage", hang=HANG)
    with rt.session(deliver=False) as s:
        delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text="Acme cut prices", key="shutdown:1")
    rt.sender.kick()
    _until(lambda: any(m == "chat.postMessage" for m, _ in stack.state.calls), "the post's call")
    # The scheduler's outbox job runs, and waits for the busy sender (up to a minute).
    scheduler = start_scheduler(rt)
    submitted = threading.Event()
    scheduler.add_listener(lambda event: submitted.set(), EVENT_JOB_SUBMITTED)
    scheduler.modify_job(outbox.JOB_ID, next_run_time=datetime.now(UTC))
    assert submitted.wait(10)
    # Every background worker is busy, and more work waits behind them.
    release, ran = threading.Event(), []
    for _ in range(8):
        rt.defer(release.wait, 30)
    for n in range(5):
        rt.defer(ran.append, n)

    sender = rt.sender
    started = time.monotonic()
    idle = rt.shutdown(timeout=STOP_WITHIN)
    took = time.monotonic() - started
    release.set()

    assert took < STOP_WITHIN + 0.5, f"the stop took {took:.1f} s"
    assert idle is False  # the hung call and the busy workers were left to their threads
    assert ran == []  # work that had not started was dropped
    assert rt.closers == [] and rt.sender is None and not scheduler.running
    # The call in hand ends when Slack's hang does; the post is not lost: its row waits, in doubt,
    # for the next process's sender (which looks for it in the channel's history first).
    stack.emulator.end_hangs()
    assert sender.stop(timeout=HANG + 5)
    with rt.session() as s:
        row = s.exec(select(Outbox).where(Outbox.key == "shutdown:1")).one()
        assert row.status not in ("sent", "failed") and row.in_doubt_since is not None


def test_accepted_requests_not_started_by_the_stop_are_left_to_the_next_process(stack):
    """A backlog of accepted requests to run (the web process answers faster than they run) must not hold the
    process past its stop: a ThreadPoolExecutor's threads are joined at the interpreter's exit and empty its
    queue first, so what had not started is cancelled at the deadline (each request stays stored, and the
    next process takes it up once its claim lapses)."""
    rt = stack.rt
    release, ran = threading.Event(), []
    busy = rt.accepted_runs._max_workers
    for _ in range(busy):
        rt.accepted_runs.submit(release.wait, 30)
    for n in range(20):
        rt.accepted_runs.submit(ran.append, n)
    urgent_ran: list[int] = []
    for _ in range(rt.urgent._max_workers):
        rt.urgent.submit(release.wait, 30)
    rt.urgent.submit(urgent_ran.append, 1)

    started = time.monotonic()
    assert rt.shutdown(timeout=STOP_WITHIN) is False
    assert time.monotonic() - started < STOP_WITHIN + 0.5
    release.set()
    for pool in (rt.accepted_runs, rt.urgent):
        pool.shutdown(wait=True)  # what the interpreter's exit would wait for
    assert ran == [] and urgent_ran == []
