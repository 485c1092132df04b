"""Accepted requests (bot/accepted.py): a slash command or a click is stored as Slack sent it and answered
at once with an empty 200; it is then run through the app, its answer said through its response_url. It
runs exactly once: Slack delivering it twice, its process dying before it ran, or two runs racing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot import accepted
from bot.clock import now
from bot.db import session_scope
from bot.ids import IntelIds
from bot.intel.models import IntelVote
from bot.models import AcceptedRequest
from bot.sandbox.seed import MARK, MARKETING, SALES, SALLY, SAM
from bot.sandbox.stack import SandboxStack
from bot.single_workspace import NOTE
from jobs.tasks import run_accepted
from tests.intel_helpers import shares

SHARE = "Globex now bundles onboarding for free with annual plans"
LAPSED = accepted.CLAIM_FOR + timedelta(seconds=1)


def _rows(engine) -> list[AcceptedRequest]:
    with session_scope(engine) as s:
        return list(s.exec(select(AcceptedRequest).order_by(col(AcceptedRequest.id))))


@pytest.fixture
def unrun(stack, monkeypatch):
    """The process dies right after answering: the request is stored and answered, and never run here."""
    monkeypatch.setattr(stack.rt, "run_accepted", lambda *args, **kwargs: None)


@pytest.fixture
def next_process(stack, db):
    """Another Truce process on the same database and Slack (a replica, or the one a deploy starts)."""
    other = SandboxStack(engine=db, emulator=stack.emulator)
    yield other
    other.stop()


_replicas: list[SandboxStack] = []


def _third(stack, other) -> SandboxStack:
    """One more replica on the same database and Slack, stopped with the test."""
    third = SandboxStack(engine=other.rt.engine, emulator=stack.emulator)
    _replicas.append(third)
    return third


@pytest.fixture(autouse=True)
def _stop_replicas():
    yield
    while _replicas:
        _replicas.pop().stop()


def test_a_command_is_answered_at_once_and_its_answer_follows_through_its_response_url(stack):
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200 and response.content == b""  # the answer: stored, nothing more
    assert stack.driver.answer_text() == f":inbox_tray: Saved. Your intel is on its way to <#{SALES}> and <#CJOINT1>."
    assert [s.summary for s in shares(stack)] == [SHARE]
    [row] = _rows(stack.rt.engine)
    assert (row.kind, row.status, row.body) == ("command", "done", "")  # what was typed is not kept once run


def test_the_same_delivery_twice_is_one_share(stack):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING, trigger_id="1111.2222.aaaa")
    again = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING, trigger_id="1111.2222.aaaa",
                                 headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert again.status_code == 200 and again.content == b""
    assert len(shares(stack)) == 1
    assert len(stack.state.messages(SALES)) == 1
    assert len(_rows(stack.rt.engine)) == 1


def test_the_same_delivery_arriving_twice_at_once_is_stored_once_and_run_once(stack, monkeypatch):
    """Requests arriving together are stored in one transaction (bot.group_commit); Slack's retry of a request
    in the same batch as the request itself is stored once, and runs once."""
    ran: list[int] = []
    monkeypatch.setattr(stack.rt, "run_accepted", lambda fn, rt, accepted_id, token: ran.append(accepted_id))
    storer = accepted._storer(stack.rt.engine)
    real_write, hold, batches = storer._write, threading.Event(), []

    def write(rows):  # the first batch (another request) is held until both copies queued behind it
        batches.append([r["key"] for r in rows])
        if len(batches) == 1:
            hold.wait(10)
        return real_write(rows)

    monkeypatch.setattr(storer, "_write", write)
    answers: list[int] = []

    def deliver(trigger: str, retry: str | None = None) -> None:
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        answers.append(stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING, trigger_id=trigger,
                                            headers=headers).status_code)

    first = threading.Thread(target=deliver, args=("1111.0000.cccc",))
    first.start()
    while not batches:
        threading.Event().wait(0.001)
    copies = [threading.Thread(target=deliver, args=("3333.4444.bbbb", r)) for r in (None, "1")]
    for t in copies:
        t.start()
    while len(storer._queue) < 2:
        threading.Event().wait(0.001)
    hold.set()
    for t in [first, *copies]:
        t.join(10)
    assert answers == [200, 200, 200]
    assert len(batches) == 2 and len(batches[1]) == 2 and batches[1][0] == batches[1][1]  # one batch, one key
    assert len(_rows(stack.rt.engine)) == 2 and len(ran) == 2  # the other request, and the copies' one


def test_a_click_is_answered_at_once_and_counted_after(stack):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    post = stack.state.messages(SALES)[-1]
    response = stack.driver.click(SAM, post, IntelIds.USEFUL)
    assert response.status_code == 200 and response.content == b""
    with session_scope(stack.rt.engine) as s:
        assert [v.user_id for v in s.exec(select(IntelVote))] == [SAM]
    assert [r.kind for r in _rows(stack.rt.engine)] == ["command", "block_actions"]


def test_a_request_whose_process_died_before_running_it_is_run_by_the_next_one(stack, next_process, unrun):
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200
    stack.stop_app()  # died: the answer was sent, the request never ran
    assert shares(stack) == [] and stack.driver.said() == []
    [row] = _rows(stack.rt.engine)
    assert row.status == "pending" and SHARE.split()[0] in row.body  # accepted means stored

    assert run_accepted(next_process.rt) == 0  # its claim has not lapsed: the first process may be running it
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(next_process.rt) == 1
        next_process.settle()
        assert run_accepted(next_process.rt) == 0  # done: never run twice
    assert [s.summary for s in shares(stack)] == [SHARE]
    assert len(stack.state.messages(SALES)) == 1
    said = [m["text"] for m in stack.driver.said()]
    assert said[0].startswith(":inbox_tray: Saved.") and sum("Saved" in t for t in said) == 1


def _kill_at(monkeypatch, name: str) -> None:
    def killed(*args, **kwargs):
        raise KeyboardInterrupt(f"kill -9, at {name}")

    monkeypatch.setattr(accepted, name, killed)


def _stored_then_killed(stack, monkeypatch, at: str) -> None:
    """The run stores the share, then its process dies at `at`; the next claim is taken up after it lapses."""
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [row] = _rows(stack.rt.engine)
    _kill_at(monkeypatch, at)
    with pytest.raises(KeyboardInterrupt):
        accepted.run(stack.rt, row.id, row.claim_token)
    monkeypatch.undo()
    stack.settle()
    assert len(shares(stack)) == 1 and not [m for m in stack.driver.said() if "Saved" in m["text"]]
    assert _rows(stack.rt.engine)[0].status == "ran"
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        assert run_accepted(stack.rt) == 0
    stack.settle()
    assert len(shares(stack)) == 1 and len(stack.state.messages(SALES)) == 1  # not run again
    assert _rows(stack.rt.engine)[0].status == "done"


def test_an_answer_kept_but_not_said_when_its_process_died_is_said_by_the_next(stack, unrun, monkeypatch):
    _stored_then_killed(stack, monkeypatch, "_post")
    [told] = [m["text"] for m in stack.driver.said() if "Saved" in m["text"]]
    assert told == f":inbox_tray: Saved. Your intel is on its way to <#{SALES}> and <#CJOINT1>."


def test_a_run_that_died_before_keeping_its_answer_is_not_run_again_and_its_sender_told(stack, unrun,
                                                                                       monkeypatch):
    _stored_then_killed(stack, monkeypatch, "answer_of")
    [told] = [m["text"] for m in stack.driver.said() if "Truce stored this" in m["text"]]
    assert told.startswith(":inbox_tray: Truce stored this, then restarted") and SHARE in told


def test_an_answer_its_response_url_refused_for_now_is_said_again(stack, unrun, monkeypatch):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [row] = _rows(stack.rt.engine)
    monkeypatch.setattr(accepted, "_post", lambda url, payload: False)  # a 5xx, twice: Slack in trouble
    accepted.run(stack.rt, row.id, row.claim_token)
    monkeypatch.undo()
    stack.settle()
    assert _rows(stack.rt.engine)[0].status == "ran"
    assert not [m for m in stack.driver.said() if "Saved" in m["text"]]
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
    [told] = [m["text"] for m in stack.driver.said() if "Saved" in m["text"]]
    assert told.startswith(":inbox_tray: Saved. Your intel is on its way")
    assert len(shares(stack)) == 1 and _rows(stack.rt.engine)[0].status == "done"


def test_a_write_that_fails_to_commit_leaves_the_request_unrun_and_its_sender_told(stack, unrun, monkeypatch):
    """Marked as run with its first write only once that write commits: a commit that fails (the database
    dropping the connection) rolls both back; the person is told it failed, and it is not run again."""
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [row] = _rows(stack.rt.engine)
    claim = accepted._Run.claim

    def claim_then_fail(self, session):
        claim(self, session)
        raise OperationalError("COMMIT", {}, Exception("the connection dropped"))

    monkeypatch.setattr(accepted._Run, "claim", claim_then_fail)
    accepted.run(stack.rt, row.id, row.claim_token)
    monkeypatch.undo()
    stack.settle()
    assert shares(stack) == []
    told = stack.driver.answer_text(wait=0)
    assert "something went wrong on Truce's side" in told and SHARE in told
    assert _rows(stack.rt.engine)[0].status == "done"
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 0
    assert shares(stack) == []


def test_a_database_failing_as_a_command_is_stored_answers_it_the_usual_way(stack, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("could not connect"))

    monkeypatch.setattr(accepted, "accept", down)
    response = stack.driver.command(SAM, "/truce", "help")
    assert response.status_code == 200 and "/truce setup" in response.json()["text"]  # not a 500


def _postgres_only(stack) -> None:
    from bot.db import is_postgres

    if not is_postgres(stack.rt.engine):
        pytest.skip("PostgreSQL only: SQLite's statement commits in this process (no answer to lose)")


def test_a_store_whose_answer_was_lost_after_it_committed_runs_once_as_accepted(stack, monkeypatch):
    """The INSERT committed and the connection dropped before its answer came back: the request is not
    answered the usual way too (which would run it there and again once its stored row's claim lapsed)."""
    from bot import db_direct

    _postgres_only(stack)
    real, calls = db_direct.insert_new, []

    def committed_then_dropped(*args, **kwargs):
        calls.append(1)
        stored = real(*args, **kwargs)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return stored

    monkeypatch.setattr(db_direct, "insert_new", committed_then_dropped)
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200 and response.content == b""  # answered as accepted
    assert stack.driver.answer_text().startswith(":inbox_tray: Saved.")
    [row] = _rows(stack.rt.engine)
    assert len(calls) == 2 and row.status == "done"
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 0
        stack.settle()
    assert [s.summary for s in shares(stack)] == [SHARE]


def test_a_store_that_failed_is_stored_by_its_second_try_and_run_once(stack, monkeypatch):
    from bot import db_direct

    _postgres_only(stack)
    real, calls = db_direct.insert_new, []

    def dropped_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return real(*args, **kwargs)

    monkeypatch.setattr(db_direct, "insert_new", dropped_first)
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200 and response.content == b""
    stack.settle()
    assert [s.summary for s in shares(stack)] == [SHARE] and [r.status for r in _rows(stack.rt.engine)] == ["done"]


def test_a_store_finding_its_key_taken_by_an_earlier_delivery_runs_that_one_once(stack, monkeypatch):
    """The first try failed and the second finds the request's key stored under another claim (Slack's earlier
    delivery of the same request, whose answer is elsewhere): answered, and run once, from that row."""
    from bot import db_direct

    _postgres_only(stack)
    real, calls = db_direct.insert_new, []

    def earlier_then_dropped(engine, table, rows, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            real(engine, table, [{**row, "claim_token": "f" * 32} for row in rows], **kwargs)
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return real(engine, table, rows, **kwargs)

    monkeypatch.setattr(db_direct, "insert_new", earlier_then_dropped)
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200 and response.content == b""
    stack.settle()
    assert shares(stack) == [] and [r.claim_token for r in _rows(stack.rt.engine)] == ["f" * 32]
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
        stack.settle()
    assert [s.summary for s in shares(stack)] == [SHARE]


def test_a_store_failing_otherwise_than_by_a_lost_connection_is_not_tried_again(stack, monkeypatch):
    from bot import db_direct

    tries = []

    def broken(*args, **kwargs):
        tries.append(1)
        raise ValueError("a bug, not the database")

    monkeypatch.setattr(db_direct, "insert_new", broken)
    response = stack.driver.command(SAM, "/truce", "help")
    assert response.status_code == 200 and "/truce setup" in response.json()["text"]
    assert len(tries) == 1 and _rows(stack.rt.engine) == []


def test_a_store_failing_twice_answers_the_usual_way(stack, monkeypatch):
    """The database away: the request is answered as it would be without storing (a friendly note, or the
    listener's own answer), nothing stored to run later."""
    from bot import db_direct
    from bot.db import is_postgres

    tries = []

    def down(*args, **kwargs):
        tries.append(1)
        raise OperationalError("INSERT", {}, Exception("could not connect"))

    monkeypatch.setattr(db_direct, "insert_new", down)
    response = stack.driver.command(SAM, "/truce", "help")
    assert response.status_code == 200 and "/truce setup" in response.json()["text"]
    assert _rows(stack.rt.engine) == [] and len(tries) == (2 if is_postgres(stack.rt.engine) else 1)


def test_a_click_run_after_its_claim_lapsed_is_dropped_when_old(stack, unrun):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [command] = _rows(stack.rt.engine)
    accepted.run(stack.rt, command.id, command.claim_token)
    stack.settle()
    stack.driver.click(SAM, stack.state.messages(SALES)[-1], IntelIds.USEFUL)
    with time_machine.travel(now() + accepted.CLICK_MAX_AGE + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1
    with session_scope(stack.rt.engine) as s:
        assert list(s.exec(select(IntelVote))) == []  # not counted minutes later
    assert [r.status for r in _rows(stack.rt.engine)] == ["done", "failed"]


def test_two_replicas_taking_up_lapsed_requests_at_once_run_each_once(stack, next_process, unrun):
    for n in range(6):
        stack.driver.command(MARK, "/intel", f"{SHARE} ({n})", channel=MARKETING)
    stack.stop_app()
    taken: list[int] = []
    with time_machine.travel(now() + LAPSED, tick=True):
        runs = [threading.Thread(target=lambda rt=rt: taken.append(run_accepted(rt)))
                for rt in (next_process.rt, next_process.rt, _third(stack, next_process).rt)]
        for t in runs:
            t.start()
        for t in runs:
            t.join(60)
        next_process.settle()
    assert sum(taken) == 6
    assert sorted(s.summary for s in shares(stack)) == sorted(f"{SHARE} ({n})" for n in range(6))
    assert len(stack.state.messages(SALES)) == 6
    assert {r.status for r in _rows(stack.rt.engine)} == {"done"}


def test_a_run_that_lost_its_claim_writes_nothing(stack, unrun):
    """Two runs of one request (a slow run, and the one a replica started when its claim lapsed): the one
    whose claim was taken before it wrote rolls its write back and says nothing."""
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [row] = _rows(stack.rt.engine)
    replay = stack.rt.replay
    assert replay is not None

    def claim_taken_meanwhile(request, consume):
        with session_scope(stack.rt.engine) as s:  # another run claims it while this one is in the listener
            s.exec(update(AcceptedRequest).where(col(AcceptedRequest.id) == row.id).values(claim_token="theirs"))
        return replay(request, consume)

    stack.rt.replay = claim_taken_meanwhile
    accepted.run(stack.rt, row.id, row.claim_token)
    stack.settle()
    assert shares(stack) == [] and stack.driver.said() == []
    [after] = _rows(stack.rt.engine)
    assert (after.status, after.claim_token) == ("pending", "theirs")  # the other run does it

    stack.rt.replay = replay
    accepted.run(stack.rt, row.id, "theirs")
    stack.settle()
    assert len(shares(stack)) == 1 and stack.driver.answer_text().startswith(":inbox_tray: Saved.")
    accepted.run(stack.rt, row.id, row.claim_token)  # the first run, late: nothing
    assert len(shares(stack)) == 1


def test_a_request_that_keeps_failing_is_given_up_and_the_person_told_what_they_typed(stack, unrun):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    with session_scope(stack.rt.engine) as s:
        s.exec(update(AcceptedRequest).values(attempts=accepted.MAX_ATTEMPTS))
    with time_machine.travel(now() + LAPSED, tick=False):
        assert run_accepted(stack.rt) == 1  # taken up, and given up
    assert shares(stack) == []
    [row] = _rows(stack.rt.engine)
    assert (row.status, row.body) == ("failed", "")
    told = stack.driver.answer_text(wait=0)
    assert "could not handle that" in told and SHARE in told


def test_a_command_failing_on_truces_side_says_so_through_its_response_url(stack, monkeypatch):
    from bot.intel import share as intel

    def broken(**kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(intel, "create_share", broken)
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200
    told = stack.driver.answer_text()
    assert "something went wrong on Truce's side" in told and SHARE in told
    assert _rows(stack.rt.engine)[0].status == "done"  # told once; not run again


def test_another_workspaces_command_is_refused_at_once_and_not_stored(stack):
    from bot.sandbox.driver import SlackDriver
    from bot.sandbox.seed import seed_state
    from bot.sandbox.state import WorkspaceState

    second = stack.emulator.add_workspace(
        seed_state(WorkspaceState(team_id="T0OTHER", team_name="Other Co", domain="other"), token=None))
    driver = SlackDriver(app_url=stack.driver.app_url, signing_secret=stack.secret, emulator=stack.emulator,
                         state=second)
    response = driver.command(MARK, "/truce", "whoami", channel=MARKETING)
    assert response.status_code == 200 and response.text == NOTE  # the HTTP answer itself
    assert _rows(stack.rt.engine) == []


def test_done_requests_are_forgotten_after_a_day(stack):
    stack.driver.command(SALLY, "/truce", "help")
    assert len(_rows(stack.rt.engine)) == 1
    with time_machine.travel(now() + accepted.KEEP_DONE + timedelta(minutes=1), tick=False):
        assert accepted.forget_done(stack.rt) == 1
    assert _rows(stack.rt.engine) == []
