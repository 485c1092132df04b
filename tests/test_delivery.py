"""The outbox: sent once after commit, retried on 429/5xx, kept until invited, never twice."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot import delivery
from bot.clock import aware, now
from bot.models import Outbox
from bot.sandbox.seed import JOINT, RANDOM, SALES
from jobs.outbox import retry_due


def _post(stack, text="hello", *, key=None, channel=SALES, thread_parent=None):
    with stack.rt.session() as s:
        row = delivery.queue_post(s, team_id=stack.team_id, channel=channel, text=text, key=key,
                                  thread_parent=thread_parent)
    return row, delivery.outcome(s)


def _row(stack, row_id) -> Outbox:
    with stack.rt.session() as s:
        return s.get(Outbox, row_id)


def test_post_is_sent_after_commit_and_its_ts_kept(stack):
    row, results = _post(stack)
    [msg] = stack.messages(SALES)
    assert msg.text == "hello"
    assert results[0].status == "sent"
    stored = _row(stack, row.id)
    assert (stored.status, stored.posted_channel, stored.posted_ts) == ("sent", SALES, msg.ts)


def test_rolled_back_transaction_posts_nothing(stack):
    try:
        with stack.rt.session() as s:
            delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text="never")
            raise RuntimeError("the data could not be saved")
    except RuntimeError:
        pass
    assert stack.messages(SALES) == []


def test_same_key_is_one_post(stack):
    first, _ = _post(stack, key="once")
    second, results = _post(stack, key="once")
    assert first.id == second.id and results == []
    assert len(stack.messages(SALES)) == 1


def test_rate_limited_post_waits_for_retry_after(stack):
    stack.state.fail_next("chat.postMessage", status=429, retry_after=30)
    row, results = _post(stack)
    assert results[0].status == "queued" and results[0].error == "ratelimited"
    assert stack.messages(SALES) == []
    stored = _row(stack, row.id)
    wait = aware(stored.next_attempt_at) - now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    assert retry_due(stack.rt) == 0  # not yet due
    with time_machine.travel(now() + timedelta(seconds=31)):
        assert retry_due(stack.rt) == 1
    assert [m.text for m in stack.messages(SALES)] == ["hello"]


def test_server_errors_back_off_then_succeed(stack):
    stack.state.fail_next("chat.postMessage", status=503, times=2)
    row, _ = _post(stack)
    first_wait = aware(_row(stack, row.id).next_attempt_at) - now()
    with time_machine.travel(now() + timedelta(seconds=6)):
        assert retry_due(stack.rt) == 0  # second 503
        second_wait = aware(_row(stack, row.id).next_attempt_at) - now()
        assert second_wait > first_wait  # exponential backoff
    with time_machine.travel(now() + timedelta(seconds=30)):
        assert retry_due(stack.rt) == 1
    assert len(stack.messages(SALES)) == 1
    assert _row(stack, row.id).attempts == 3


def test_gives_up_with_a_clear_failure_after_max_attempts(stack, caplog):
    stack.state.fail_next("chat.postMessage", status=500, times=delivery.MAX_ATTEMPTS)
    row, _ = _post(stack)
    t = now()
    for _ in range(delivery.MAX_ATTEMPTS):
        t += delivery.MAX_BACKOFF + timedelta(seconds=1)
        with time_machine.travel(t):
            retry_due(stack.rt)
    stored = _row(stack, row.id)
    assert stored.status == "failed" and "after 12 attempts" in stored.last_error
    assert "failed for good" in caplog.text
    assert stack.messages(SALES) == []


def test_invalid_blocks_fail_at_once(stack):
    with stack.rt.session() as s:
        row = delivery.queue_post(s, team_id=stack.team_id, channel=SALES, text="x",
                                  blocks=[{"type": "divider"}] * 51)
    assert _row(stack, row.id).status == "failed"
    assert _row(stack, row.id).last_error == "invalid_blocks"


def test_not_in_channel_is_kept_and_sent_once_invited(stack):
    row, results = _post(stack, channel=RANDOM)
    assert results[0].status == "queued" and results[0].error == "not_in_channel"
    assert _row(stack, row.id).status == "pending"
    stack.driver.join(stack.state.bot_user_id, RANDOM)
    assert [m.text for m in stack.messages(RANDOM)] == ["hello"]
    assert _row(stack, row.id).status == "sent"


def test_update_of_a_sent_message_uses_chat_update(stack):
    row, _ = _post(stack, "v1")
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v2")
    [msg] = stack.messages(SALES)
    assert msg.text == "v2" and msg.edited


def test_update_before_the_post_went_out_is_folded_into_it(stack):
    stack.state.fail_next("chat.postMessage", status=429, retry_after=1)  # Slack says: nothing posted
    row, _ = _post(stack, "v1")
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v2")
    with time_machine.travel(now() + timedelta(minutes=1)):
        retry_due(stack.rt)
    [msg] = stack.messages(SALES)
    assert msg.text == "v2" and not msg.edited
    assert stack.state.calls_to("chat.update") == []


def test_update_of_a_post_in_doubt_waits_for_it_and_edits_it(stack):
    """A 5xx may mean Slack posted it: folding the update into the row would be lost if the history
    check then finds the message as it was. The update waits, then edits that message."""
    stack.state.fail_next("chat.postMessage", status=500)
    row, _ = _post(stack, "v1")
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v2")
    for minutes in (1, 2):
        with time_machine.travel(now() + timedelta(minutes=minutes)):
            retry_due(stack.rt)
    [msg] = stack.messages(SALES)
    assert msg.text == "v2" and msg.edited


def test_older_update_never_overwrites_a_newer_one(stack):
    row, _ = _post(stack, "v1")
    stack.state.fail_next("chat.update", status=500)
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v2")
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v3")
    with time_machine.travel(now() + timedelta(minutes=1)):
        retry_due(stack.rt)
    assert stack.last(SALES).text == "v3"


def test_thread_reply_waits_for_its_parent(stack):
    stack.state.fail_next("chat.postMessage", status=500)
    with stack.rt.session() as s:
        parent = delivery.queue_post(s, team_id=stack.team_id, channel=JOINT, text="parent")
        delivery.queue_post(s, team_id=stack.team_id, channel=JOINT, text="reply", thread_parent=parent)
    assert stack.messages(JOINT) == []
    with time_machine.travel(now() + timedelta(minutes=1)):
        retry_due(stack.rt)
    [top] = stack.messages(JOINT)
    assert [m.text for m in stack.state.replies(JOINT, top.ts)] == ["reply"]


def test_dm_goes_to_the_persons_im(stack):
    _post(stack, "psst", channel="USAM001")
    assert [m.text for m in stack.state.dms("USAM001")] == ["psst"]


def test_a_timed_out_call_is_retried_later(stack):
    stack.rt.client.timeout = 0.3
    stack.state.fail_next("chat.postMessage", hang=1.0)
    _, results = _post(stack)
    assert results[0].status == "queued" and results[0].error in ("TimeoutError", "URLError", "timeout")
    assert stack.messages(SALES) == []
    with time_machine.travel(now() + timedelta(seconds=10)):
        assert retry_due(stack.rt) == 1
    assert [m.text for m in stack.messages(SALES)] == ["hello"]
