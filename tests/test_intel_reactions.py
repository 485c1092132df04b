"""Reacting with the share emoji shares a message from the sales or marketing channel, once;
each reacting person is a supporter. The emoji is a per-workspace setting."""

from __future__ import annotations

import threading

from bot.models import Workspace
from bot.sandbox.seed import ADA, JOINT, LEE, MARIA, MARK, MARKETING, RANDOM, SALES, SALLY, SAM
from tests.intel_helpers import block_text, no_dns, shares  # noqa: F401 - fixture


def test_reacting_with_bulb_shares_the_message_with_the_other_team(stack):
    message = stack.driver.say(SAM, SALES, "Hooli's CFO says Initech offered them 40% off <https://hooli.example/x>")
    response = stack.driver.react(SALLY, message, "bulb")
    assert response.status_code == 200
    [post] = stack.state.messages(MARKETING)
    assert len(stack.state.messages(JOINT)) == 1
    assert len(stack.state.messages(SALES)) == 1  # just the original message
    text = block_text(post)
    assert "Hooli's CFO says Initech offered them 40% off" in text
    assert "from *sales*" in text and f"Shared by <@{SALLY}>" in text
    assert f"archives/{SALES}/p{message.ts.replace('.', '')}|source message>" in text
    [share] = shares(stack)
    assert (share.via, share.source_ts, share.link) == ("reaction", message.ts, "https://hooli.example/x")
    note = stack.state.ephemerals_for(SALLY, SALES)[-1]
    assert "shared with the other team" in note.text
    assert stack.state.calls_to("conversations.history")[-1]["latest"] == message.ts


def test_more_reactions_add_supporters_and_never_share_twice(stack):
    message = stack.driver.say(MARK, MARKETING, "Gartner moved us to Leaders")
    stack.driver.react(MARIA, message, "bulb")
    stack.driver.react(LEE, message, "bulb")
    stack.driver.react(MARK, message, "bulb")
    assert len(shares(stack)) == 1
    [post] = stack.state.messages(SALES)
    assert f"also flagged by <@{LEE}>, <@{MARK}>" in block_text(post)
    assert len(stack.state.messages(JOINT)) == 1
    assert "you're now listed as flagging it too" in stack.state.ephemerals_for(LEE)[-1].text


def test_a_slack_retry_of_the_same_event_changes_nothing(stack):
    message = stack.driver.say(SAM, SALES, "Acme lost its biggest reseller")
    stack.driver.react(SALLY, message, "bulb", event_id="Ev0RETRY01")
    stack.driver.react(SALLY, message, "bulb", event_id="Ev0RETRY01", retry_num=1)
    assert len(shares(stack)) == 1
    assert len(stack.state.messages(MARKETING)) == 1


def test_reactions_arriving_together_share_once(stack):
    message = stack.driver.say(SAM, SALES, "Acme is discontinuing its free plan")
    barrier = threading.Barrier(3)

    def react(user):
        barrier.wait()
        stack.driver.react(user, message, "bulb")

    threads = [threading.Thread(target=react, args=(u,)) for u in (SAM, SALLY, LEE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stack.settle()
    assert len(shares(stack)) == 1
    assert len(stack.state.messages(MARKETING)) == 1 and len(stack.state.messages(JOINT)) == 1
    from sqlmodel import select

    from bot.intel.models import IntelSupporter

    with stack.rt.session() as s:
        supporters = set(s.exec(select(IntelSupporter.user_id)).all())
    assert supporters == {SAM, SALLY, LEE}


def test_removing_a_reaction_removes_the_supporter_but_keeps_the_share(stack):
    message = stack.driver.say(SAM, SALES, "Initech raised prices")
    stack.driver.react(SAM, message, "bulb")
    stack.driver.react(SALLY, message, "bulb")
    assert f"also flagged by <@{SALLY}>" in block_text(stack.state.messages(MARKETING)[0])
    stack.driver.unreact(SALLY, message, "bulb")
    assert "also flagged" not in block_text(stack.state.messages(MARKETING)[0])
    stack.driver.unreact(SAM, message, "bulb")
    assert len(shares(stack)) == 1 and shares(stack)[0].retracted_at is None


def test_other_emoji_and_other_channels_do_nothing(stack):
    message = stack.driver.say(SAM, SALES, "lunch?")
    stack.driver.react(SALLY, message, "tada")
    elsewhere = stack.driver.say(SAM, JOINT, "Acme news")
    stack.driver.react(SALLY, elsewhere, "bulb")
    with stack.emulator.state.lock:
        stack.state.channels[RANDOM].members.add(stack.state.bot_user_id)
    random = stack.driver.say(SAM, RANDOM, "Acme news")
    stack.driver.react(SALLY, random, "bulb")
    assert shares(stack) == []
    assert stack.state.messages(MARKETING) == []


def test_a_reply_in_a_thread_is_read_from_its_thread(stack):
    parent = stack.driver.say(SAM, SALES, "Call notes from Hooli")
    reply = stack.driver.say(SALLY, SALES, "They are also talking to Globex", thread_ts=parent.ts)
    stack.driver.react(SAM, reply, "bulb")
    [share] = shares(stack)
    assert share.summary == "They are also talking to Globex"
    assert stack.state.calls_to("conversations.replies")[-1]["ts"] == reply.ts


def test_a_truce_post_is_not_shared_again(stack):
    stack.driver.command(SAM, "/intel", "Hooli signed with Globex")
    [post] = stack.state.messages(MARKETING)
    stack.driver.react(MARK, post, "bulb")
    assert len(shares(stack)) == 1
    assert "already" in stack.state.ephemerals_for(MARK)[-1].text


def test_leads_choose_the_share_emoji(stack):
    stack.driver.command(LEE, "/intel", "emoji :rocket:")
    assert ":rocket:" in stack.state.ephemerals_for(LEE)[-1].text
    with stack.rt.session() as s:
        assert s.get(Workspace, stack.team_id).prefs["intel_emoji"] == "rocket"
    message = stack.driver.say(SAM, SALES, "Acme is hiring 20 sellers in Berlin")
    stack.driver.react(SALLY, message, "bulb")
    assert shares(stack) == []
    stack.driver.react(SALLY, message, "rocket::skin-tone-2")
    assert len(shares(stack)) == 1


def test_admins_may_change_the_emoji_others_may_not(stack):
    stack.driver.command(SAM, "/intel", "emoji :rocket:")
    note = stack.state.ephemerals_for(SAM)[-1].text
    assert "Only a Slack admin or a Truce lead" in note and "/intel emoji :rocket:" in note
    stack.driver.command(ADA, "/intel", "emoji")
    assert "Reacting with :bulb:" in stack.state.ephemerals_for(ADA)[-1].text
    stack.driver.command(ADA, "/intel", "emoji :Star-Struck:")
    with stack.rt.session() as s:
        assert s.get(Workspace, stack.team_id).prefs["intel_emoji"] == "star-struck"


def test_reacting_again_once_truce_is_invited_shares_the_message(stack):
    """A reaction Truce could not act on (it was not in the channel) does not stop a later one."""
    with stack.state.lock:
        stack.state.channels[SALES].members.discard(stack.state.bot_user_id)
    message = stack.driver.say(SAM, SALES, "Acme is discontinuing its free plan")
    stack.driver.react(SAM, message, "bulb")
    assert shares(stack) == []
    told = [m.text for m in stack.state.ephemerals_for(SAM) + stack.state.dms(SAM)]
    assert any("Is Truce a member of this channel?" in t for t in told), told
    stack.driver.join(stack.state.bot_user_id, SALES)  # someone types /invite @Truce
    stack.driver.unreact(SAM, message, "bulb")
    stack.driver.react(SAM, message, "bulb")
    [share] = shares(stack)
    assert share.source_ts == message.ts and share.via == "reaction"
    assert len(stack.state.messages(MARKETING)) == 1
