"""Who owns an outbox row: an attempt writes (and posts) only while it holds its claim; one that
outlived it hands what it did to the sender that took the row. A row that keeps failing, however it
fails, ends failed and frees its channel; a lookup of a post in doubt reads the whole time since the
unanswered attempt, at the pace Slack allows."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

import pytest
import time_machine

from bot import delivery, outbox_history
from bot.clock import now
from bot.db import session_scope
from bot.models import Outbox
from bot.sandbox.seed import RANDOM, SALES, SAM
from bot.sandbox.stack import SandboxStack
from jobs.outbox import retry_due

STALL = delivery.CLAIM_FOR + timedelta(seconds=1)


def _queue(engine, team_id, text="hello", *, channel=SALES) -> int:
    """Queued and committed, nothing sent yet."""
    with session_scope(engine) as s:
        return delivery.queue_post(s, team_id=team_id, channel=channel, text=text).id


def _row(engine, row_id) -> Outbox:
    with session_scope(engine) as s:
        return s.get(Outbox, row_id)


def _ours(stack, channel=SALES):
    """The outbox's posts Slack shows in `channel` (people's chatter left out)."""
    return [m for m in stack.messages(channel) if m.metadata]


@pytest.fixture
def replica(stack, db):
    """A second Truce process on the same database and Slack."""
    other = SandboxStack(engine=db, emulator=stack.emulator)
    yield other
    other.stop()


# --- an attempt that outlived its claim ----------------------------------------------------


def test_a_lookup_that_outlives_its_claim_does_not_post_after_another_sender(stack, replica, db, monkeypatch):
    """The history lookup of a post in doubt is slow (many pages, a slow Slack): the claim expires,
    another replica takes the row and posts it. The first attempt must not post it too."""
    with time_machine.travel(now(), tick=False) as clock:
        row_id = _queue(db, stack.team_id)
        with session_scope(db) as s:  # an earlier attempt got no answer (Slack had not applied it)
            row = s.get(Outbox, row_id)
            row.in_doubt_since, row.attempts = now() - timedelta(seconds=5), 1
        real_find, taken = outbox_history.find, []

        def slow_find(*args, **kwargs):
            found = real_find(*args, **kwargs)
            if not taken:  # the first lookup: meanwhile the claim expired and the replica sent the row
                taken.append(True)
                clock.shift(STALL)
                assert [r.status for r in delivery.deliver(replica.rt, [row_id])] == ["sent"]
            return found

        monkeypatch.setattr(outbox_history, "find", slow_find)
        [result] = delivery.deliver(stack.rt, [row_id])
    assert result.status == "skipped"
    [msg] = stack.messages(SALES)
    row = _row(db, row_id)
    assert (row.status, row.posted_ts) == ("sent", msg.ts)
    assert len(stack.state.calls_to("chat.postMessage")) == 1


def test_a_post_that_outlived_its_claim_is_deleted_when_another_sender_sent_the_row(
        stack, replica, db, monkeypatch):
    """The process stalls between renewing its claim and its request reaching Slack: the replica
    takes the row and posts it; then the stalled post lands. Its copy is removed; the row keeps the
    replica's message (a stale attempt never writes over the owner's outcome)."""
    real_client = delivery.client_without_retries
    with time_machine.travel(now(), tick=False) as clock:
        row_id = _queue(db, stack.team_id)

        def stalling_client(rt, team_id):
            client = real_client(rt, team_id)
            if rt is stack.rt:
                post = client.chat_postMessage

                def stalled_post(**kwargs):
                    clock.shift(STALL)
                    assert [r.status for r in delivery.deliver(replica.rt, [row_id])] == ["sent"]
                    return post(**kwargs)

                client.chat_postMessage = stalled_post
            return client

        monkeypatch.setattr(delivery, "client_without_retries", stalling_client)
        [result] = delivery.deliver(stack.rt, [row_id])
    assert result.status == "skipped"
    [msg] = stack.messages(SALES)
    row = _row(db, row_id)
    assert (row.status, row.posted_ts) == ("sent", msg.ts)
    assert len(stack.state.calls_to("chat.postMessage")) == 2
    [deleted] = stack.state.calls_to("chat.delete")
    assert deleted["ts"] != msg.ts


def test_a_message_of_a_lost_attempt_is_handed_to_the_sender_that_holds_the_row(
        stack, replica, db, monkeypatch):
    """A stalls before its post leaves; its claim expires; B takes the row and finds no copy in the
    history; then A's post lands. B must not post a second copy: A hands its message over (B loses
    the row, which goes back in doubt), and the next attempt finds A's message in the history."""
    a_posting, b_looked, go_a, go_b = (threading.Event() for _ in range(4))
    real_client, real_find = delivery.client_without_retries, outbox_history.find

    def client(rt, team_id):
        c = real_client(rt, team_id)
        if threading.current_thread().name == "A":
            post = c.chat_postMessage

            def stalled_post(**kwargs):
                a_posting.set()
                assert go_a.wait(10)
                return post(**kwargs)

            c.chat_postMessage = stalled_post
        return c

    def find(*args, **kwargs):
        found = real_find(*args, **kwargs)
        if threading.current_thread().name == "B":
            b_looked.set()
            assert go_b.wait(10)
        return found

    monkeypatch.setattr(delivery, "client_without_retries", client)
    monkeypatch.setattr(outbox_history, "find", find)
    results: dict[str, list[delivery.Result]] = {}

    def send(name, rt):
        results[name] = delivery.deliver(rt, [row_id])

    with time_machine.travel(now(), tick=False) as clock:
        row_id = _queue(db, stack.team_id)
        a = threading.Thread(target=send, args=("A", stack.rt), name="A")
        a.start()
        assert a_posting.wait(10)
        clock.shift(STALL)
        b = threading.Thread(target=send, args=("B", replica.rt), name="B")
        b.start()
        assert b_looked.wait(10)
        go_a.set()
        a.join(10)
        go_b.set()
        b.join(10)
        assert [results["A"][0].status, results["B"][0].status] == ["skipped", "skipped"]
        assert len(stack.messages(SALES)) == 1
        assert retry_due(stack.rt) == 1  # the next attempt looks first, and finds A's message
    [msg] = stack.messages(SALES)
    row = _row(db, row_id)
    assert (row.status, row.posted_ts) == ("sent", msg.ts)
    assert len(stack.state.calls_to("chat.postMessage")) == 1


# --- nothing blocks a channel forever ------------------------------------------------------


def test_a_row_that_keeps_failing_unexpectedly_fails_for_good_and_frees_its_channel(stack, db, monkeypatch):
    broken = _queue(db, stack.team_id, "broken")
    _queue(db, stack.team_id, "after it")
    real_call = delivery.post_call

    def post_call(**row):  # what both the sender's batches and a row's own attempt post with
        if row["text"] == "broken":
            raise RuntimeError("a bug in preparing this row")
        return real_call(**row)

    monkeypatch.setattr(delivery, "post_call", post_call)
    with time_machine.travel(now(), tick=False) as clock:
        for attempt in range(1, delivery.MAX_ATTEMPTS):
            assert retry_due(stack.rt) == 0
            # counted, and retried after a backoff
            assert (_row(db, broken).status, _row(db, broken).attempts) == ("pending", attempt)
            clock.shift(delivery.MAX_BACKOFF + timedelta(seconds=1))
        assert retry_due(stack.rt) == 1
    row = _row(db, broken)
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert row.last_error == f"internal_error after {delivery.MAX_ATTEMPTS} attempts"
    assert [m.text for m in stack.messages(SALES)] == ["after it"]


class _Killed(BaseException):
    """The process dies mid-attempt (nothing of the attempt is recorded)."""


def test_a_row_whose_sender_dies_mid_attempt_every_time_fails_after_max_attempts(stack, db, monkeypatch):
    broken = _queue(db, stack.team_id, "broken")
    _queue(db, stack.team_id, "after it")
    real_prepare = delivery._prepare

    def prepare(session, row):
        if row.id == broken:
            raise _Killed
        return real_prepare(session, row)

    monkeypatch.setattr(delivery, "_prepare", prepare)
    with time_machine.travel(now(), tick=False) as clock:
        for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
            with pytest.raises(_Killed):
                delivery.deliver_due(stack.rt)
            assert (_row(db, broken).status, _row(db, broken).attempts) == ("sending", attempt)
            clock.shift(STALL)
        assert [r.status for r in delivery.deliver_due(stack.rt)] == ["failed", "sent"]
    row = _row(db, broken)
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert f"after {delivery.MAX_ATTEMPTS} attempts" in row.last_error
    assert [m.text for m in stack.messages(SALES)] == ["after it"]


def test_a_claimed_row_without_a_deadline_is_taken_again(stack, db):
    first = _queue(db, stack.team_id, "first")
    _queue(db, stack.team_id, "second")
    with session_scope(db) as s:
        row = s.get(Outbox, first)
        row.status, row.claimed_until = delivery.SENDING, None
    assert retry_due(stack.rt) == 2
    assert [m.text for m in stack.messages(SALES)] == ["first", "second"]


# --- the lookup of a post in doubt -----------------------------------------------------------


def _answer_lost(stack, db) -> int:
    """A post Slack applied but whose answer never came (the connection dropped)."""
    stack.state.fail_next("chat.postMessage", late=0, answer=False)
    row_id = _queue(db, stack.team_id, "the post")
    assert [r.status for r in delivery.deliver(stack.rt, [row_id])] == ["queued"]
    assert _row(db, row_id).in_doubt_since is not None
    return row_id


def test_a_late_post_is_found_however_busy_the_channel_was_since(stack, db):
    with time_machine.travel(now(), tick=False) as clock:
        row_id = _answer_lost(stack, db)
        for n in range(1200):  # more than five pages of 200
            stack.driver.say(SAM, SALES, f"chatter {n}")
        clock.shift(timedelta(minutes=1))
        assert retry_due(stack.rt) == 1
    [ours] = _ours(stack)
    assert _row(db, row_id).posted_ts == ours.ts
    assert len(stack.state.calls_to("chat.postMessage")) == 1
    assert len(stack.state.calls_to("conversations.history")) == 7  # 1,201 messages since, 200 a page


def test_a_lookup_slack_allows_a_call_a_minute_goes_on_where_it_stopped(stack, db):
    """Apps distributed outside the Slack Marketplace may read history once a minute: each 429 makes
    the row wait Retry-After (not a failed attempt), and the lookup resumes at the page it stopped
    at, rather than starting over and meeting the same 429 forever."""
    with time_machine.travel(now(), tick=False) as clock:
        row_id = _answer_lost(stack, db)
        for n in range(450):  # three pages
            stack.driver.say(SAM, SALES, f"chatter {n}")
        stack.state.rate_limit_method("conversations.history", per_minute=1)
        clock.shift(timedelta(minutes=1))
        for _ in range(10):
            retry_due(stack.rt)
            if _row(db, row_id).status == "sent":
                break
            assert _row(db, row_id).last_error == "ratelimited"
            clock.move_to(delivery.next_due(stack.rt))
    row = _row(db, row_id)
    [ours] = _ours(stack)
    assert (row.status, row.posted_ts, row.attempts) == ("sent", ours.ts, 2)  # the 429s were no attempts
    assert len(stack.state.calls_to("chat.postMessage")) == 1
    assert len(stack.state.calls_to("conversations.history")) == 5  # 3 pages, 2 of them after a 429


# --- an invite hands the waiting posts to the sender ----------------------------------------


def test_an_invite_kicks_the_sender_for_the_posts_that_waited(stack, db):
    row_id = _queue(db, stack.team_id, channel=RANDOM)
    assert delivery.deliver(stack.rt, [row_id])[0].error == "not_in_channel"
    sent = stack.rt.sender.sent
    stack.driver.join(stack.state.bot_user_id, RANDOM)
    assert [m.text for m in stack.messages(RANDOM)] == ["hello"]
    assert stack.rt.sender.sent == sent + 1  # sent in the sender's lane for the channel


def test_an_invite_sends_the_posts_that_waited_where_no_sender_runs(stack, db):
    row_id = _queue(db, stack.team_id, channel=RANDOM)
    assert delivery.deliver(stack.rt, [row_id])[0].error == "not_in_channel"
    stack.rt.stop_sender()
    stack.driver.join(stack.state.bot_user_id, RANDOM)
    assert [m.text for m in stack.messages(RANDOM)] == ["hello"]
    assert _row(db, row_id).status == "sent"


def test_a_post_that_waited_in_the_queue_past_its_claim_is_not_posted_after_another_sender(stack, replica, db):
    """The sender claimed a batch; one post waited in its queue (Slack slow for the ones ahead) until
    its claim expired, and another replica took the row and posted it. The first sender must not post
    it too when its turn comes."""
    from bot import outbox_batch

    with time_machine.travel(now(), tick=False) as clock:
        row_id = _queue(db, stack.team_id, "only once")
        [claimed] = outbox_batch.claim(stack.rt, 10)
        clock.shift(STALL)  # its claim is over: the row is due again, and the replica takes it
        assert [r.status for r in delivery.deliver(replica.rt, [row_id])] == ["sent"]
        outcome = outbox_batch.send(stack.rt, claimed, lambda team: delivery.client_without_retries(stack.rt, team),
                                    lambda sent: pytest.fail("posted although its claim was lost"),
                                    lambda attempt, exc: None)
    assert outcome is not None and outcome.status == "skipped"
    assert [m.text for m in _ours(stack)] == ["only once"]
    assert _row(db, row_id).status == delivery.SENT


def test_a_post_sent_soon_after_its_claim_needs_no_renewal(stack, db, monkeypatch):
    """The fast path: a post whose claim is fresh goes to Slack without another statement first."""
    from bot import outbox_batch

    renewals = []
    monkeypatch.setattr(delivery, "_keep", lambda rt, attempt, **values: renewals.append(attempt.row_id))
    _queue(db, stack.team_id, "fresh")
    [claimed] = outbox_batch.claim(stack.rt, 10)
    sent = []
    client = partial(delivery.client_without_retries, stack.rt)
    assert outbox_batch.send(stack.rt, claimed, client, sent.append,
                             lambda attempt, exc: None) is None
    assert renewals == [] and [s.attempt.row_id for s in sent] == [claimed.attempt.row_id]


def test_a_claim_stores_its_times_as_the_orm_does(stack, db):
    """The claim's statement is built once and its times passed as parameters: stored as the ORM stores
    them (on SQLite, text in one form), so that the ORM's own comparisons find them."""
    from sqlmodel import select

    from bot import outbox_batch

    with time_machine.travel(now(), tick=False):
        row_id = _queue(db, stack.team_id, "timed")
        t = now()
        [claimed] = outbox_batch.claim(stack.rt, 10)
        with session_scope(db) as s:
            found = s.exec(select(Outbox.id).where(
                Outbox.id == row_id, Outbox.claimed_until == t + delivery.CLAIM_FOR,
                Outbox.in_doubt_since == t, Outbox.claim_token == claimed.attempt.token)).all()
    assert claimed.claimed_at == t and claimed.plain and found == [row_id]
