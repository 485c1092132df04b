"""Exactly once when Slack answers late: every outbox post carries its key as message metadata;
a post whose answer never came is looked for in the channel's history before it is posted again."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlmodel import select

from bot import delivery
from bot.clock import now
from bot.models import Outbox
from bot.sandbox.seed import JOINT, SALES, SAM
from jobs.outbox import retry_due

LATE = 0.6  # longer than the client's timeout below; the emulator answers after it


def _impatient(stack) -> None:
    stack.rt.client.timeout = 0.2


def _post(stack, text="hello", *, channel=SALES, key=None, thread_parent=None):
    with stack.rt.session() as s:
        row = delivery.queue_post(s, team_id=stack.team_id, channel=channel, text=text, key=key,
                                  thread_parent=thread_parent)
    return row, delivery.outcome(s)


def _row(stack, row_id) -> Outbox:
    with stack.rt.session() as s:
        return s.get(Outbox, row_id)


def _later(stack, seconds=60) -> int:
    with time_machine.travel(now() + timedelta(seconds=seconds)):
        return retry_due(stack.rt)


def test_every_post_carries_its_outbox_key_as_metadata(stack):
    row, _ = _post(stack, key="intel:1:sales")
    [call] = stack.state.calls_to("chat.postMessage")
    assert call["metadata"] == {"event_type": "truce_outbox", "event_payload": {"key": "intel:1:sales"}}
    [msg] = stack.messages(SALES)
    assert msg.metadata == call["metadata"] and _row(stack, row.id).in_doubt_since is None


def test_a_post_slack_applied_but_answered_late_is_not_posted_again(stack):
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE)
    row, results = _post(stack)
    assert results[0].status == "queued"
    stored = _row(stack, row.id)
    assert stored.status == "pending" and stored.in_doubt_since is not None  # the attempt got no answer
    [msg] = stack.messages(SALES)  # Slack has it nonetheless
    assert _later(stack) == 1
    assert [m.ts for m in stack.messages(SALES)] == [msg.ts]  # exactly one message
    stored = _row(stack, row.id)
    assert (stored.status, stored.posted_channel, stored.posted_ts) == ("sent", SALES, msg.ts)
    assert len(stack.state.calls_to("chat.postMessage")) == 1
    [lookup] = stack.state.calls_to("conversations.history")
    assert lookup["channel"] == SALES and lookup["include_all_metadata"] in (True, "true", "1")
    assert float(lookup["oldest"]) < float(msg.ts)


def test_a_dropped_connection_after_slack_applied_the_post_is_not_retried_blindly(stack):
    stack.state.fail_next("chat.postMessage", late=0, answer=False)
    row, results = _post(stack)
    assert results[0].status == "queued"  # slack_sdk's own retry would have posted it a second time
    assert len(stack.messages(SALES)) == 1
    assert _later(stack) == 1
    [msg] = stack.messages(SALES)
    assert _row(stack, row.id).posted_ts == msg.ts


def test_a_post_that_never_reached_slack_is_posted_after_the_check(stack):
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", hang=LATE)
    row, results = _post(stack)
    assert results[0].status == "queued" and stack.messages(SALES) == []
    assert _later(stack) == 1
    [msg] = stack.messages(SALES)
    assert _row(stack, row.id).posted_ts == msg.ts
    assert len(stack.state.calls_to("conversations.history")) == 1


def test_a_late_dm_is_found_in_the_im_channel(stack):
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE)
    row, _ = _post(stack, "psst", channel=SAM)
    assert _later(stack) == 1
    [msg] = stack.state.dms(SAM)
    stored = _row(stack, row.id)
    assert (stored.posted_channel, stored.posted_ts) == (stack.state.im_for(SAM).id, msg.ts)
    assert stored.posted_channel.startswith("D")
    assert stack.state.calls_to("conversations.open")[-1]["users"] == SAM


def test_a_late_thread_reply_is_found_in_its_thread(stack):
    parent, _ = _post(stack, "parent", channel=JOINT)
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE)
    with stack.rt.session() as s:
        reply = delivery.queue_post(s, team_id=stack.team_id, channel=JOINT, text="reply",
                                    thread_parent=s.get(Outbox, parent.id))
    assert _later(stack) == 1
    [top] = stack.messages(JOINT)
    [answer] = stack.state.replies(JOINT, top.ts)
    assert _row(stack, reply.id).posted_ts == answer.ts
    assert stack.state.calls_to("conversations.replies")[-1]["ts"] == top.ts


def test_a_second_copy_is_deleted_when_the_history_could_not_be_read_in_time(stack):
    """The first lookup is refused (missing_scope): posting again beats losing the post; once the
    history can be read, the copy is removed and the first message kept."""
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE, times=2)
    stack.state.fail_next("conversations.history", error="missing_scope")
    row, _ = _post(stack)
    assert _later(stack, 60) == 0  # history refused: posted again, and again no answer
    assert len(stack.messages(SALES)) == 2
    assert _later(stack, 600) == 1
    [kept] = stack.messages(SALES)
    assert _row(stack, row.id).posted_ts == kept.ts
    assert stack.state.calls_to("chat.delete")


def test_history_trouble_keeps_the_post_queued(stack):
    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE)
    stack.state.fail_next("conversations.history", status=503)
    row, _ = _post(stack)
    assert _later(stack, 60) == 0
    assert _row(stack, row.id).last_error == "http_503"
    assert _later(stack, 600) == 1
    assert len(stack.messages(SALES)) == 1


def test_updates_carry_no_metadata_and_keep_the_posts(stack):
    row, _ = _post(stack, "v1", key="k1")
    with stack.rt.session() as s:
        delivery.queue_update(s, target=s.get(Outbox, row.id), text="v2")
    [call] = stack.state.calls_to("chat.update")
    assert "metadata" not in call
    [msg] = stack.messages(SALES)
    assert msg.text == "v2" and msg.metadata["event_payload"] == {"key": "k1"}


def test_a_post_whose_sender_died_mid_call_is_found_by_another_replica(stack, db):
    """The process was killed after Slack applied the post and before it stored the answer: the row
    stays claimed, in doubt. Once the claim has expired, another replica finds the message."""
    from bot.sandbox.stack import SandboxStack

    _impatient(stack)
    stack.state.fail_next("chat.postMessage", late=LATE)
    row, _ = _post(stack)
    with stack.rt.session() as s:  # as the dead process left it: claimed, mid-call
        dead = s.get(Outbox, row.id)
        dead.status, dead.claimed_until = delivery.SENDING, now() + delivery.CLAIM_FOR
    stack.stop_app()
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        assert _later(replica, 10) == 0  # still claimed by the dead process
        assert _later(replica, delivery.CLAIM_FOR.total_seconds() + 1) == 1
        [msg] = stack.messages(SALES)
        assert (_row(replica, row.id).status, _row(replica, row.id).posted_ts) == ("sent", msg.ts)
        assert len(stack.state.calls_to("chat.postMessage")) == 1
    finally:
        replica.stop()


def test_a_vote_on_a_post_slack_applied_but_never_answered_is_shown(stack):
    """Found by bench/soak.py: Slack shows the share (its answer was lost, the row waits in doubt), and
    someone clicks Useful on it. The update must reach that very message, not be folded into the
    pending post, which the history check then finds as it was, without the vote."""
    from bot.ids import IntelIds
    from bot.sandbox.seed import MARK, MARKETING

    stack.state.fail_next("chat.postMessage", late=0, answer=False, times=2)  # both copies: applied, unanswered
    stack.driver.command(MARK, "/intel", "Rivals cut list prices", channel=MARKETING)
    [post] = stack.messages(SALES)
    with stack.rt.session() as s:
        assert all(r.in_doubt_since is not None for r in s.exec(select(Outbox).where(Outbox.kind == "post")))
    stack.driver.click(SAM, post, IntelIds.USEFUL)
    _later(stack, 60)
    _later(stack, 120)
    for channel in (SALES, JOINT):
        [message] = stack.messages(channel)
        label = next(e["text"]["text"] for b in message.blocks for e in b.get("elements", [])
                     if e.get("action_id") == IntelIds.USEFUL)
        assert label == ":+1: Useful (1)", channel
    assert len(stack.state.calls_to("chat.postMessage")) == 2  # found in the history, not posted again
