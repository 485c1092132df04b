"""Foundation pieces the intel feature added: conversations.history's time window and paging in the
emulator, plain-text command answers and clicks on ephemeral messages in the driver, and the
runtime's background pool (Runtime.defer) that the stack waits for."""

from __future__ import annotations

import logging
import threading

import pytest
from slack_sdk.errors import SlackApiError

from bot.sandbox.seed import RANDOM, SALES, SALLY, SAM


def test_history_reads_a_time_window_newest_first(stack):
    said = [stack.driver.say(SAM, SALES, f"message {n}") for n in range(5)]
    stack.driver.say(SALLY, SALES, "a reply", thread_ts=said[0].ts)
    client = stack.rt.client
    whole = client.conversations_history(channel=SALES)
    assert [m["text"] for m in whole["messages"]] == [f"message {n}" for n in (4, 3, 2, 1, 0)]
    one = client.conversations_history(channel=SALES, latest=said[2].ts, inclusive=True, limit=1)
    assert [m["ts"] for m in one["messages"]] == [said[2].ts] and one["has_more"] is True
    before = client.conversations_history(channel=SALES, latest=said[2].ts, limit=1)
    assert [m["ts"] for m in before["messages"]] == [said[1].ts]
    window = client.conversations_history(channel=SALES, oldest=said[1].ts, latest=said[3].ts)
    assert [m["ts"] for m in window["messages"]] == [said[2].ts]
    first = client.conversations_history(channel=SALES, limit=2)
    nxt = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel=SALES, limit=2, cursor=nxt)
    assert [m["text"] for m in second["messages"]] == ["message 2", "message 1"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel=RANDOM)
    assert refused.value.response["error"] == "not_in_channel"


def test_a_plain_text_command_answer_is_shown_as_an_ephemeral(stack):
    stack.driver.command(SAM, "/intel", "#nonsense words")
    [note] = stack.state.ephemerals_for(SAM)
    assert note.text.startswith(":warning: I don't know the kind")


def test_an_ephemeral_can_be_replaced_through_its_response_url(stack):
    stack.driver.command(SAM, "/intel", "Umbrella signal one")
    stack.driver.command(SAM, "/intel", "Umbrella signal two")
    from bot.ids import IntelIds
    from tests.intel_helpers import shares

    share_id = shares(stack)[0].id
    post = stack.state.messages("CMKTG01")[0]
    stack.driver.click(SAM, post, IntelIds.MENU, selected=f"retract:{share_id}")
    confirm = stack.state.ephemerals_for(SAM)[-1]
    count = len(stack.state.ephemerals_for(SAM))
    stack.driver.click_ephemeral(SAM, confirm, IntelIds.RETRACT_CONFIRM)
    assert len(stack.state.ephemerals_for(SAM)) == count  # replaced, not added
    last = stack.state.ephemerals_for(SAM)[-1]
    assert last.blocks == [] and "Retracted" in last.text


def test_deferred_work_runs_in_the_background_and_the_stack_waits_for_it(stack):
    done = threading.Event()

    def slow():
        done.wait(0.2)
        done.set()

    stack.rt.defer(slow)
    stack.settle()
    assert done.is_set()


def test_deferred_work_that_fails_is_logged(stack, caplog):
    def broken():
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.runtime"):
        stack.rt.defer(broken)
        stack.settle()
    assert "background work broken failed" in caplog.text and "RuntimeError: boom" in caplog.text
