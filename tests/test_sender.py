"""The outbox's sender: posts go out at Slack's pace, in order per channel, a 429 is never a failure,
and two senders on one database never send a row twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import time_machine
from sqlmodel import select

from bot import delivery, outbox_batch
from bot.clock import aware, now
from bot.db import session_scope
from bot.models import Outbox
from bot.sandbox.seed import JOINT, MARKETING, SALES
from bot.sandbox.stack import SandboxStack
from bot.sender import Sender
from jobs.outbox import retry_due


def _queue(engine, team_id, channel, texts):
    """Queued and committed, nothing sent yet (as a replica that went away would leave them)."""
    with session_scope(engine) as s:
        return [delivery.queue_post(s, team_id=team_id, channel=channel, text=t).id for t in texts]


def _rows(engine) -> list[Outbox]:
    with session_scope(engine) as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)).all())


def _run_until_done(senders, clock, *, limit=500) -> int:
    """Kick the senders; whenever they are idle with rows still waiting for their time, move the
    (virtual) clock to the earliest one. Returns how many times the clock moved."""
    rt = senders[0].rt
    for moves in range(limit):
        for sender in senders:
            sender.kick()
        for sender in senders:
            assert sender.wait_idle(20), "the sender should be idle once nothing is due"
        due = delivery.next_due(rt)
        if due is None:
            return moves
        assert due > now(), "the senders went idle with a row due now"
        clock.move_to(due)
    raise AssertionError("the outbox never drained")


def test_sixty_posts_into_a_channel_limited_to_one_a_second(stack):
    """Slack's special tier (about 1/s per channel, bursts of 3, Retry-After: 1): every post arrives,
    in order, none failed, none counted a failed attempt, in about a minute, while another channel
    is not held up at all; after the first 429 the sender keeps to the channel's pace."""
    with time_machine.travel(now(), tick=False) as clock:
        start = now()
        stack.state.rate_limit_channel(SALES, per_second=1, burst=3)
        sales = _queue(stack.rt.engine, stack.team_id, SALES, [f"post {n}" for n in range(60)])
        joint = _queue(stack.rt.engine, stack.team_id, JOINT, [f"joint {n}" for n in range(5)])
        _run_until_done([stack.rt.sender], clock)
        took = (now() - start).total_seconds()
    assert [m.text for m in stack.messages(SALES)] == [f"post {n}" for n in range(60)]
    assert [m.text for m in stack.messages(JOINT)] == [f"joint {n}" for n in range(5)]
    rows = {r.id: r for r in _rows(stack.rt.engine)}
    assert {rows[i].status for i in sales + joint} == {"sent"}
    assert {rows[i].attempts for i in sales} == {1}  # the 429s were not attempts
    assert 55 <= took <= 62, f"60 posts at 1/s after a burst of 3 take about a minute, not {took:.0f}s"
    assert {aware(rows[i].sent_at) for i in joint} == {start}  # sent at once, not behind #sales
    limited = len(stack.state.calls_to("chat.postMessage")) - 65
    # Retry-After was honoured, and the first 429 taught the sender the channel's pace (bot/pacing.py):
    # it holds the next posts itself instead of having Slack refuse one per post after the burst
    assert 1 <= limited <= 3
    assert stack.state.calls_to("conversations.history") == []  # a 429 is an answer: nothing in doubt


def test_a_429_never_counts_as_a_failed_attempt(stack):
    stack.state.fail_next("chat.postMessage", status=429, retry_after=2, times=delivery.MAX_ATTEMPTS + 3)
    with time_machine.travel(now(), tick=False) as clock:
        _queue(stack.rt.engine, stack.team_id, SALES, ["patience"])
        moves = _run_until_done([stack.rt.sender], clock)
    [row] = _rows(stack.rt.engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert moves == delivery.MAX_ATTEMPTS + 3
    assert [m.text for m in stack.messages(SALES)] == ["patience"]


def test_a_5xx_counts_as_an_attempt_and_backs_off(stack):
    stack.state.fail_next("chat.postMessage", status=503, times=2)
    with time_machine.travel(now(), tick=False) as clock:
        start = now()
        _queue(stack.rt.engine, stack.team_id, SALES, ["hello"])
        stack.rt.sender.kick()
        assert stack.rt.sender.wait_idle(10)
        [row] = _rows(stack.rt.engine)
        first = aware(row.next_attempt_at) - start
        clock.move_to(row.next_attempt_at)
        stack.rt.sender.kick()
        assert stack.rt.sender.wait_idle(10)
        [row] = _rows(stack.rt.engine)
        second = aware(row.next_attempt_at) - now()
        assert (row.status, row.attempts, row.last_error) == ("pending", 2, "http_503")
        assert second > first >= timedelta(seconds=5)  # exponential backoff
        _run_until_done([stack.rt.sender], clock)
    [row] = _rows(stack.rt.engine)
    assert (row.status, row.attempts) == ("sent", 3)


def test_a_later_post_never_overtakes_an_earlier_one_in_its_channel(stack):
    stack.state.fail_next("chat.postMessage", status=500)
    with stack.rt.session() as s:  # sent at once after commit: the first fails, the others wait for it
        for text in ("first", "second", "third"):
            delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text=text)
        delivery.queue_post(s, team_id=stack.team_id, channel=MARKETING, text="elsewhere")
    assert [r.status for r in delivery.outcome(s)] == ["queued", "queued", "queued", "sent"]
    assert stack.messages(SALES) == []
    with time_machine.travel(now() + timedelta(seconds=6)):
        assert retry_due(stack.rt) == 3
    assert [m.text for m in stack.messages(SALES)] == ["first", "second", "third"]


def test_two_senders_on_one_database_never_send_a_row_twice(stack, db):
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        channels = (SALES, MARKETING, JOINT)
        for channel in channels:
            _queue(db, stack.team_id, channel, [f"{channel} {n}" for n in range(15)])
        senders = [stack.rt.sender, replica.rt.sender]
        barrier = threading.Barrier(2)

        def kick(sender):
            barrier.wait()
            sender.kick()

        threads = [threading.Thread(target=kick, args=(s,)) for s in senders]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        with time_machine.travel(now(), tick=False) as clock:
            _run_until_done(senders, clock)
        for channel in channels:
            assert [m.text for m in stack.messages(channel)] == [f"{channel} {n}" for n in range(15)]
        assert len(stack.state.calls_to("chat.postMessage")) == 45
        assert {r.status for r in _rows(db)} == {"sent"}
        assert stack.rt.sender.sent + replica.rt.sender.sent == 45
    finally:
        replica.stop()


def test_the_sender_wakes_by_itself_when_a_row_becomes_due(stack):
    """A real wait (the subject of the test): a 429 with Retry-After: 1, and nobody kicks again."""
    sender = Sender(stack.rt, poll=5.0)
    stack.state.fail_next("chat.postMessage", status=429, retry_after=1)
    _queue(stack.rt.engine, stack.team_id, SALES, ["after a second"])
    arrived = threading.Event()
    sender.start()
    try:
        sender.kick()
        for _ in range(60):
            if stack.messages(SALES):
                arrived.set()
                break
            arrived.wait(0.1)
        assert arrived.is_set(), "the sender should have sent the row once Retry-After passed"
        assert len(stack.state.calls_to("chat.postMessage")) == 2
    finally:
        sender.stop()


def test_stopping_the_app_stops_its_sender(db):
    s = SandboxStack(engine=db)
    sender = s.rt.sender
    assert sender.running
    s.stop()
    assert not sender.running and s.rt.sender is None


def _recorder_counting(monkeypatch, linger: float):
    """A Recorder whose writes are counted (batch sizes), the database left out."""
    batches: list[int] = []

    def record(rt, items):
        batches.append(len(items))
        return [delivery.Result(item.attempt.row_id, "sent") for item in items]

    monkeypatch.setattr(outbox_batch, "record_sent", record)
    monkeypatch.setattr(outbox_batch, "LINGER", linger)
    return outbox_batch.Recorder(None, lambda result: None), batches


def _sent(n: int) -> outbox_batch.Sent:
    attempt = delivery._Attempt(n, "token", "post", "T1", f"key{n}", "C1", 1, None, None)
    return outbox_batch.Sent(attempt, "C1", f"1.{n}")


def test_posts_sent_moments_apart_are_recorded_in_one_transaction(monkeypatch):
    """A fan-out's posts come back from Slack a few milliseconds apart: the recorder waits a moment for
    more when nobody waits for what it has, rather than writing them one or two to a transaction."""
    recorder, batches = _recorder_counting(monkeypatch, linger=1.0)
    for n in range(5):
        recorder.add(_sent(n), wait=False)
        time.sleep(0.02)
    recorder.add(_sent(99), wait=True)  # someone waits: written now, with what came before it
    assert batches == [6]
    recorder.close()


def test_a_post_someone_waits_for_is_recorded_without_lingering(monkeypatch):
    """A channel's next post waits for the one before it to be recorded: that is never held back."""
    recorder, batches = _recorder_counting(monkeypatch, linger=30.0)
    recorder.add(_sent(1), wait=False)
    time.sleep(0.05)  # the recorder is lingering for more
    began = time.monotonic()
    recorder.add(_sent(2), wait=True)
    assert time.monotonic() - began < 10, "the waited-for post was held for the linger"
    assert sum(batches) == 2
    recorder.close()
