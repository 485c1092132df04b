"""Slack faults while sharing: Truce not in a channel (kept, leads told, delivered once invited),
rate limits and server errors (stored at once, the sharer told, delivered by the outbox)."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot.clock import now
from bot.sandbox.seed import JOINT, LEE, MARK, MARKETING, SALES, SAM
from jobs import outbox
from tests.intel_helpers import no_dns, shares  # noqa: F401 - fixture
from tests.message_text import all_text


def test_truce_not_in_the_channel_keeps_the_share_and_posts_it_once_invited(stack):
    with stack.state.lock:
        stack.state.channels[SALES].members.discard(stack.state.bot_user_id)
    stack.driver.command(MARK, "/intel", "#product Acme shipped an AI assistant vs:Acme")
    assert stack.state.messages(SALES) == []
    assert len(stack.state.messages(JOINT)) == 1
    note = stack.state.ephemerals_for(MARK)[-1].text
    assert f"<#{SALES}>: *Truce isn't in that channel yet.*" in note
    assert "/invite @Truce" in note and f"I've asked <@{LEE}> to invite Truce" in note
    [dm] = stack.state.dms(LEE)
    assert "isn't a member of that channel" in dm.text and f"<#{SALES}>" in dm.text
    stack.driver.command(MARK, "/intel", "Acme also raised prices")  # a second one: no second DM today
    assert len(stack.state.dms(LEE)) == 1

    stack.driver.join(stack.state.bot_user_id, SALES)  # someone types /invite @Truce
    posted = stack.state.messages(SALES)
    assert len(posted) == 2
    assert "Acme shipped an AI assistant" in all_text(posted[0])
    assert len(shares(stack)) == 2


def test_a_rate_limited_post_is_stored_and_delivered_later(stack):
    stack.state.fail_next("chat.postMessage", status=429, retry_after=3, channel=MARKETING)
    stack.driver.command(SAM, "/intel", "Hooli wants a partner discount")
    assert stack.state.messages(MARKETING) == []  # the first post was refused
    assert len(stack.state.messages(JOINT)) == 1
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "Your intel is saved" in note and f"<#{MARKETING}>: Slack is busy right now" in note
    assert len(shares(stack)) == 1
    with time_machine.travel(now() + timedelta(seconds=5), tick=False):
        assert outbox.retry_due(stack.rt) == 1
    [post] = stack.state.messages(MARKETING)
    assert "Hooli wants a partner discount" in all_text(post)


def test_server_errors_queue_every_post(stack):
    stack.state.fail_next("chat.postMessage", status=503, times=2)
    stack.driver.command(MARK, "/intel", "#trend Analysts expect a price war in Q3")
    assert stack.state.messages(SALES) == [] and stack.state.messages(JOINT) == []
    note = stack.state.ephemerals_for(MARK)[-1].text
    assert note.count("Slack is busy right now") == 2
    with time_machine.travel(now() + timedelta(seconds=30), tick=False):
        assert outbox.retry_due(stack.rt) == 2
    assert len(stack.state.messages(SALES)) == 1 and len(stack.state.messages(JOINT)) == 1


def test_votes_before_delivery_end_up_on_the_post(stack):
    stack.state.fail_next("chat.postMessage", status=429, retry_after=3, channel=MARKETING)
    stack.driver.command(SAM, "/intel", "Hooli wants a partner discount")
    stack.driver.click(MARK, stack.state.messages(JOINT)[0], "intel_useful")
    with time_machine.travel(now() + timedelta(seconds=5), tick=False):
        outbox.retry_due(stack.rt)
    [post] = stack.state.messages(MARKETING)
    assert ":+1: Useful (1)" in str(post.blocks)
