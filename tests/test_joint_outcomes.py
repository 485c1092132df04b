"""Outcomes: the follow-up, the minutes modal (validation, rows), action items posted, DM'd,
reminded once when due, closed by a button, carried into the next agenda; the App Home section."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from bot.ids import JointIds
from bot.joint.blocks_forms import row_block_id
from bot.sandbox.seed import JOINT, LEE, MARK, OLIVE, SAM
from tests.joint_helpers import MEETING, NEXT_MEETING, PROMPT_AT, action_ids, at, block_texts, run, the_prompt

TEXT, OWNER, DUE = JointIds.ROW_TEXT, JointIds.ROW_OWNER, JointIds.ROW_DUE


def _row(i: int, part: str) -> str:
    return f"{row_block_id(i, part)}.{part}"


def _outcomes(stack):
    return [m for m in stack.state.messages(JOINT) if m.text.startswith("Outcomes of the")]


def _record_two_items(stack):
    run(stack)  # the follow-up puts "Record outcomes" on the prompt
    stack.driver.click(LEE, the_prompt(stack), JointIds.RECORD)
    [view] = stack.state.open_views(LEE)
    response = stack.driver.submit(LEE, view.id, {
        JointIds.MINUTES: "Competitor X cut prices; we answer with a bundle.",
        _row(0, TEXT): "Brief sales on the bundle", _row(0, OWNER): SAM, _row(0, DUE): "2027-01-20",
        _row(1, TEXT): "Landing page for the bundle", _row(1, OWNER): MARK, _row(1, DUE): "2027-02-01",
    })
    assert response.status_code == 200 and not response.content


def test_minutes_before_any_meeting_say_so(stack):
    with at(PROMPT_AT):
        stack.driver.command(SAM, "/joint", "minutes")
    assert "No joint meeting has taken place yet" in stack.state.ephemerals_for(SAM)[-1].text
    assert stack.state.open_views(SAM) == []


def test_outcomes_modal_validates_each_row_and_keeps_what_was_typed(stack):
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    with at(MEETING + timedelta(hours=1, minutes=1)):
        assert run(stack) == {stack.team_id: ["followup 2027-Q1"]}
        assert run(stack) == {}
        [follow] = stack.state.replies(JOINT, the_prompt(stack).ts)
        assert "How did the 2027-Q1 joint meeting go?" in follow.text
        assert JointIds.RECORD in action_ids(the_prompt(stack))  # the prompt now offers it too
        stack.driver.command(SAM, "/joint", "minutes")
        [view] = stack.state.open_views(SAM)
        body = stack.driver.submit(SAM, view.id, {
            JointIds.MINUTES: "",
            _row(0, TEXT): "Send the case study",  # no owner, no date
            _row(1, TEXT): "Ask Olive", _row(1, OWNER): OLIVE, _row(1, DUE): "2027-01-20",
            _row(2, OWNER): MARK,  # an owner without text
        }).json()
        errors = body["errors"]
        assert body["response_action"] == "errors"
        assert "Write a few lines of minutes" in errors[JointIds.MINUTES_BLOCK]
        assert errors[row_block_id(0, OWNER)] == "Choose who owns this item."
        assert errors[row_block_id(0, DUE)] == "Choose a due date."
        assert "neither the sales nor the marketing team" in errors[row_block_id(1, OWNER)]
        assert "Say what needs doing" in errors[row_block_id(2, TEXT)]
        body = stack.driver.submit(SAM, view.id, {
            JointIds.MINUTES: "ok", _row(0, TEXT): "Late", _row(0, OWNER): SAM, _row(0, DUE): "2027-01-04",
        }).json()
        assert "has passed" in body["errors"][row_block_id(0, DUE)]
        # a fourth row, with what was typed carried over
        stack.driver.click_in_view(SAM, view.id, JointIds.ADD_ROW, values={
            JointIds.MINUTES: "Kept minutes", _row(0, TEXT): "Kept item"})
        [view] = stack.state.open_views(SAM)
        blocks = {b.get("block_id"): b for b in view.view["blocks"]}
        assert row_block_id(3, TEXT) in blocks
        assert blocks[JointIds.MINUTES_BLOCK]["element"]["initial_value"] == "Kept minutes"
        assert blocks[row_block_id(0, TEXT)]["element"]["initial_value"] == "Kept item"
    assert _outcomes(stack) == []  # nothing saved while the modal had errors


def test_action_items_posted_dmed_reminded_once_closed_and_carried(stack):
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    with at(MEETING + timedelta(hours=2)):
        _record_two_items(stack)
    [outcomes] = _outcomes(stack)
    text = block_texts(outcomes)
    assert "Competitor X cut prices" in text and "*Action items (2 open of 2)*" in text
    assert f"*Brief sales on the bundle*\n<@{SAM}> · due Wed 20 Jan 2027" in text
    [sam_dm] = [m for m in stack.state.dms(SAM) if "You own an action item" in m.text]
    assert JointIds.CLOSE_ITEM in action_ids(sam_dm)
    assert [m for m in stack.state.dms(MARK) if "Landing page for the bundle" in m.text]
    # due: reminded at 09:00 on the due date, once
    with at(datetime(2027, 1, 20, 8, 59, tzinfo=UTC)):
        assert run(stack) == {}
    with at(datetime(2027, 1, 20, 9, 0, 5, tzinfo=UTC)):
        assert run(stack) == {stack.team_id: ["1 action item(s) due"]}
        assert run(stack) == {}
    with at(datetime(2027, 1, 21, 9, 0, tzinfo=UTC)):
        assert run(stack) == {}
    [due] = [m for m in stack.state.dms(SAM) if m.text.startswith("Due today")]
    # closing: Olive may not, Sam does, a second click is told
    with at(datetime(2027, 1, 21, 10, 0, tzinfo=UTC)):
        stack.driver.click(OLIVE, outcomes, JointIds.CLOSE_ITEM, value=action_value(outcomes, "Brief sales"))
        assert "Only its owner" in stack.state.ephemerals_for(OLIVE)[-1].text
        stale = copy.deepcopy(sam_dm)  # as a second window still shows it
        stack.driver.click(SAM, due, JointIds.CLOSE_ITEM)
        assert "Done: Brief sales on the bundle" in stack.state.ephemerals_for(SAM)[-1].text
        stack.driver.click(SAM, stale, JointIds.CLOSE_ITEM)
        assert f"already closed by <@{SAM}>" in stack.state.ephemerals_for(SAM)[-1].text
    text = block_texts(stack.state.find_message(JOINT, outcomes.ts))
    assert f"~Brief sales on the bundle~ — done by <@{SAM}>" in text and "(1 open of 2)" in text
    assert "done by" in block_texts(stack.state.find_message(sam_dm.channel, sam_dm.ts))
    assert JointIds.CLOSE_ITEM not in action_ids(stack.state.find_message(due.channel, due.ts))
    # next quarter's agenda carries the open one only
    with at(NEXT_MEETING - timedelta(days=7) + timedelta(minutes=1)):
        # Mark's item (due 1 Feb) was never reminded while Truce was not ticking: it is, once, now
        assert run(stack) == {stack.team_id: ["prompt 2027-Q2", "1 action item(s) due"]}
    [q2] = [m for m in stack.state.messages(JOINT) if "2027-Q2" in m.text and m.text.startswith("Joint sales")]
    text = block_texts(q2)
    assert f"Landing page for the bundle — <@{MARK}>, due 01 Feb 2027 (from 2027-Q1)" in text
    assert "Brief sales on the bundle" not in text


def action_value(message, starts: str) -> str:
    for b in message.blocks:
        if b.get("accessory", {}).get("action_id") == JointIds.CLOSE_ITEM and starts in b["text"]["text"]:
            return b["accessory"]["value"]
    raise AssertionError(f"no open item {starts!r}")


def test_app_home_shows_next_meeting_rsvp_and_my_items(stack):
    with at(PROMPT_AT - timedelta(days=3)):
        stack.driver.open_home(MARK)
        home = block_texts(_Blocks(stack.state.home[MARK]))
        assert "Next joint meeting — 2027-Q1" in home and "The prompt with the agenda goes out" in home
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
        stack.driver.open_home(MARK)
        stack.driver.click_home(MARK, JointIds.ATTEND)
        home = block_texts(_Blocks(stack.state.home[MARK]))
        assert "you're attending" in home
        assert f"*Attending (1):* <@{MARK}>" in block_texts(the_prompt(stack))
    with at(MEETING + timedelta(hours=2)):
        _record_two_items(stack)
        stack.driver.open_home(MARK)
        home = block_texts(_Blocks(stack.state.home[MARK]))
        assert "Next joint meeting — 2027-Q2" in home
        assert "*Your open action items (1)*" in home and "Landing page for the bundle" in home
        stack.driver.click_home(MARK, JointIds.CLOSE_ITEM)
        home = block_texts(_Blocks(stack.state.home[MARK]))
        assert "no open action items" in home


class _Blocks:
    def __init__(self, view: dict):
        self.blocks = view["blocks"]


def test_recording_again_updates_the_outcomes_in_place(stack):
    with at(PROMPT_AT + timedelta(minutes=1)):
        run(stack)
    with at(MEETING + timedelta(hours=2)):
        _record_two_items(stack)
        stack.driver.command(MARK, "/joint", "minutes")
        [view] = stack.state.open_views(MARK)
        blocks = {b.get("block_id"): b for b in view.view["blocks"]}
        assert blocks[JointIds.MINUTES_BLOCK]["element"]["initial_value"].startswith("Competitor X cut prices")
        assert "Brief sales on the bundle" in block_texts(_Blocks(view.view))
        stack.driver.submit(MARK, view.id, {
            JointIds.MINUTES: "Competitor X cut prices; we answer with a bundle. Also: a Q2 webinar.",
            _row(0, TEXT): "Book the webinar room", _row(0, OWNER): LEE, _row(0, DUE): "2027-01-08"})
    [outcomes] = _outcomes(stack)
    assert stack.state.find_message(JOINT, outcomes.ts).edited
    text = block_texts(outcomes)
    assert "Also: a Q2 webinar." in text and "*Action items (3 open of 3)*" in text
    assert [m for m in stack.state.dms(LEE) if "Book the webinar room" in m.text]
    assert len([m for m in stack.state.dms(SAM) if "You own an action item" in m.text]) == 1  # not DM'd twice
