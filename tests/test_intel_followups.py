"""After a share: Useful votes, Discuss threads, retraction, and the source message's edits and
deletion, on every copy."""

from __future__ import annotations

from bot.ids import IntelIds
from bot.sandbox.seed import ADA, JOINT, LEE, MARIA, MARK, MARKETING, SALES, SALLY, SAM
from tests.intel_helpers import no_dns, shares  # noqa: F401 - fixture
from tests.message_text import all_text


def _share(stack, user=MARK, text="#pricing Acme cut list prices by 20% vs:Acme"):
    stack.driver.command(user, "/intel", text)
    return stack.state.messages(SALES)[-1] if user in (MARK, MARIA) else stack.state.messages(MARKETING)[-1]


def _useful_label(message) -> str:
    return next(e["text"]["text"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
                if e.get("action_id") == IntelIds.USEFUL)


def test_useful_counts_one_vote_per_person_on_every_copy(stack):
    post = _share(stack)
    stack.driver.click(SAM, post, IntelIds.USEFUL)
    stack.driver.click(SALLY, stack.state.messages(SALES)[-1], IntelIds.USEFUL)
    stack.driver.click(SAM, stack.state.messages(JOINT)[-1], IntelIds.USEFUL)  # again, from the other copy
    for channel in (SALES, JOINT):
        assert _useful_label(stack.state.messages(channel)[-1]) == ":+1: Useful (2)"
    assert shares(stack)[0].useful_count == 2
    assert "You already found this useful" in stack.state.ephemerals_for(SAM)[-1].text
    updated = {c["channel"] for c in stack.state.calls_to("chat.update")}
    assert updated == {SALES, JOINT}


def test_discuss_opens_a_thread_under_the_joint_copy(stack):
    post = _share(stack)
    stack.driver.click(SAM, post, IntelIds.DISCUSS)
    [joint] = stack.state.messages(JOINT)
    [starter] = stack.state.replies(JOINT, joint.ts)
    assert f"<@{SAM}> opened a discussion of this intel" in starter.text
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "Discussion opened in" in note and f"archives/{JOINT}/p{starter.ts.replace('.', '')}" in note
    assert "|discussion>" in all_text(stack.state.messages(SALES)[-1])
    stack.driver.click(SALLY, stack.state.messages(SALES)[-1], IntelIds.DISCUSS)
    assert len(stack.state.replies(JOINT, joint.ts)) == 1
    assert "The discussion is open" in stack.state.ephemerals_for(SALLY)[-1].text


def test_the_sharer_retracts_and_every_copy_says_so(stack):
    post = _share(stack)
    stack.driver.click(MARK, post, IntelIds.MENU, selected=f"retract:{shares(stack)[0].id}")
    confirm = stack.state.ephemerals_for(MARK)[-1]
    assert "Retract this share from all 2 channels?" in all_text(confirm)
    count = len(stack.state.ephemerals_for(MARK))
    stack.driver.click_ephemeral(MARK, confirm, IntelIds.RETRACT_CONFIRM)
    assert len(stack.state.ephemerals_for(MARK)) == count  # the confirmation is replaced
    assert stack.state.ephemerals_for(MARK)[-1].text == ":no_entry_sign: Retracted. All 2 copies now say so."
    for channel in (SALES, JOINT):
        message = stack.state.messages(channel)[-1]
        assert f"*Retracted* by <@{MARK}>" in all_text(message)
        assert not any(b["type"] == "actions" for b in message.blocks)
    assert shares(stack)[0].retracted_by == MARK


def test_others_cannot_retract_but_admins_and_leads_can(stack):
    post = _share(stack)
    share_id = shares(stack)[0].id
    stack.driver.click(SAM, post, IntelIds.MENU, selected=f"retract:{share_id}")
    assert f"Only <@{MARK}>, who shared it, or an admin or lead" in stack.state.ephemerals_for(SAM)[-1].text
    assert shares(stack)[0].retracted_at is None
    stack.driver.click(ADA, post, IntelIds.MENU, selected=f"retract:{share_id}")
    stack.driver.click(LEE, post, IntelIds.MENU, selected=f"retract:{share_id}")
    stack.driver.click_ephemeral(ADA, stack.state.ephemerals_for(ADA)[-1], IntelIds.RETRACT_CONFIRM)
    assert shares(stack)[0].retracted_by == ADA
    stack.driver.click_ephemeral(LEE, stack.state.ephemerals_for(LEE)[-1], IntelIds.RETRACT_CONFIRM)
    assert stack.state.ephemerals_for(LEE)[-1].text == "That share was already retracted."


def test_the_overflow_menu_explains_intel(stack):
    post = _share(stack)
    stack.driver.click(SAM, post, IntelIds.MENU, selected=f"help:{shares(stack)[0].id}")
    assert "/intel search" in stack.state.ephemerals_for(SAM)[-1].text


def test_an_edited_source_updates_the_shares(stack):
    message = stack.driver.say(SAM, SALES, "Initech quoted 30% under us")
    stack.driver.react(SALLY, message, "bulb")
    response = stack.driver.edit(message, "Initech quoted 35% under us at Hooli")
    assert response.status_code == 200
    for channel in (MARKETING, JOINT):
        text = all_text(stack.state.messages(channel)[-1])
        assert "Initech quoted 35% under us at Hooli" in text and "30%" not in text
        assert "source message>" in text and "(edited)" in text
    assert shares(stack)[0].summary == "Initech quoted 35% under us at Hooli"


def test_a_summary_written_in_the_modal_is_kept_when_the_source_is_edited(stack):
    message = stack.driver.say(SAM, SALES, "Initech quoted 30% under us")
    stack.driver.shortcut(MARK, IntelIds.SHORTCUT, message)
    stack.driver.submit(MARK, stack.state.open_views(MARK)[0].id,
                        {IntelIds.SUMMARY: "Initech undercuts us by 30% in mid-market deals"})
    stack.driver.edit(message, "Initech quoted 25% under us")
    text = all_text(stack.state.messages(JOINT)[-1])
    assert "Initech undercuts us by 30% in mid-market deals" in text and "(edited)" in text


def test_a_deleted_source_is_marked_on_every_copy(stack):
    message = stack.driver.say(SAM, SALES, "Hooli churned to Globex")
    stack.driver.react(SALLY, message, "bulb")
    stack.driver.delete(message)
    for channel in (MARKETING, JOINT):
        text = all_text(stack.state.messages(channel)[-1])
        assert ":wastebasket: source deleted" in text and "source message>" not in text
        assert "Hooli churned to Globex" in text
    assert shares(stack)[0].source_state == "deleted"


def test_other_message_events_are_acknowledged_quietly(stack):
    before = len(stack.state.calls)
    for event in (
        {"type": "message", "channel": SALES, "user": SAM, "text": "hello", "ts": "1.000001"},
        {"type": "message", "subtype": "channel_join", "channel": SALES, "user": SAM, "ts": "1.000002"},
        {"type": "message", "subtype": "bot_message", "channel": SALES, "bot_id": "B1", "ts": "1.000003"},
        {"type": "message", "subtype": "message_changed", "channel": SALES, "hidden": True,
         "message": {"type": "message", "ts": "1.000001", "text": "hello!", "user": SAM},
         "previous_message": {"type": "message", "ts": "1.000001", "text": "hello", "user": SAM}},
        {"type": "message", "subtype": "message_deleted", "channel": SALES, "deleted_ts": "1.000001",
         "hidden": True},
    ):
        response = stack.driver.event(event)
        assert response.status_code == 200 and response.text == ""
    assert len(stack.state.calls) == before  # no Slack call: nothing was said or posted
    assert stack.state.ephemerals == []
