"""Reactions on a customer alert do what its buttons do — through the emulator."""

from __future__ import annotations

from bot.feature import Feature
from bot.ids import UnhappyIds
from bot.models import Workspace
from bot.sandbox.seed import ALERTS, LEE, MARIA, MARK, OLIVE, SALES, SALLY, SAM
from bot.setup.workspaces import set_pref
from tests.unhappy_support import last_note, report, row, text_of, thread


def test_raising_hand_claims_for_the_reactors_team(stack):
    alert = report(stack)
    stack.driver.react(SAM, alert, "raising_hand")
    stack.driver.react(MARK, alert, "raising_hand::skin-tone-3")
    r = row(stack)
    assert (r.sales_owner_id, r.marketing_owner_id) == (SAM, MARK)
    assert "Owned by both teams" in text_of(stack.last(ALERTS))
    assert len(stack.state.dms(SAM)) == 1 and len(stack.state.dms(MARK)) == 1
    assert len(thread(stack, alert)) == 2


def test_a_slack_retry_of_the_same_event_changes_nothing(stack):
    alert = report(stack)
    stack.driver.react(SAM, alert, "eyes", event_id="EvSAME00001")
    stack.driver.react(SAM, alert, "eyes", event_id="EvSAME00001", retry_num=1)
    stack.driver.react(SALLY, alert, "raising_hand", event_id="EvSAME00002")
    stack.driver.react(SALLY, alert, "raising_hand", event_id="EvSAME00002", retry_num=1)
    assert row(stack).acknowledged_by == [SAM] and row(stack).sales_owner_id == SALLY
    assert len(thread(stack, alert)) == 2 and len(stack.state.dms(SALLY)) == 1
    assert len(stack.state.calls_to("chat.update")) == 2


def test_eyes_acknowledges_and_it_is_shown(stack):
    alert = report(stack)
    stack.driver.react(MARIA, alert, "eyes")
    stack.driver.react(MARIA, alert, "eyes")  # a second, new event: still once
    assert row(stack).acknowledged_by == [MARIA]
    assert f":eyes: Seen by <@{MARIA}>" in text_of(stack.last(ALERTS))
    assert thread(stack, alert)[-1].endswith(f"<@{MARIA}> has seen it :eyes:")
    assert len(thread(stack, alert)) == 1


def test_reactions_from_people_who_may_not_are_ignored_with_a_why(stack):
    alert = report(stack)
    stack.driver.react(OLIVE, alert, "raising_hand")
    assert "neither the sales nor the marketing team" in last_note(stack, OLIVE)
    stack.driver.react(OLIVE, alert, "eyes")
    assert "you're on neither" in last_note(stack, OLIVE)
    stack.driver.react(SAM, alert, "raising_hand")
    stack.driver.react(SALLY, alert, "raising_hand")
    assert f"<@{SAM}> already claimed the Sales side" in last_note(stack, SALLY)
    assert stack.state.ephemerals_for(OLIVE)[-1].channel == ALERTS
    assert row(stack).sales_owner_id == SAM and row(stack).acknowledged_by == []


def test_white_check_mark_asks_to_resolve_and_says_what_is_missing(stack):
    alert = report(stack)
    stack.driver.react(SAM, alert, "raising_hand")
    stack.driver.react(SAM, alert, "white_check_mark")
    note = last_note(stack, SAM)
    assert "can't be resolved yet" in note and "a Marketing owner" in note
    assert "at least one corrective action" in note
    stack.driver.react(OLIVE, alert, "white_check_mark")
    assert "can't be resolved yet" in last_note(stack, OLIVE)
    stack.driver.react(MARK, alert, "raising_hand")
    stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
    [view] = stack.state.open_views(MARK)
    stack.driver.submit(MARK, view.id, {UnhappyIds.DONE: "Refunded", UnhappyIds.CAUSE: "pricing"})
    stack.driver.react(OLIVE, alert, "white_check_mark")
    assert f"Only its owners (<@{SAM}> and <@{MARK}>) or a lead can resolve it" in last_note(stack, OLIVE)
    assert row(stack).status == "open"


def test_white_check_mark_resolves_when_ready(stack):
    alert = report(stack)
    stack.driver.react(SAM, alert, "raising_hand")
    stack.driver.react(MARK, alert, "raising_hand")
    stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
    [view] = stack.state.open_views(MARK)
    stack.driver.submit(MARK, view.id, {UnhappyIds.DONE: "Refunded the invoice", UnhappyIds.CAUSE: "pricing"})
    stack.driver.react(MARK, stack.last(ALERTS), "white_check_mark")
    assert row(stack).status == "resolved" and row(stack).closed_by == MARK
    assert "Resolved" in text_of(stack.last(ALERTS))


def test_someone_on_both_teams_is_asked_which_side_then_gets_the_missing_one(stack):
    alert = report(stack)
    stack.driver.react(LEE, alert, "raising_hand")
    question = stack.state.ephemerals_for(LEE)[-1]
    assert "You're on both teams" in question.text and question.channel == ALERTS
    assert row(stack).sales_owner_id is None
    stack.driver.click_ephemeral(LEE, question, UnhappyIds.PICK_MARKETING)
    assert row(stack).marketing_owner_id == LEE
    answer = stack.state.ephemerals_for(LEE)[-1]
    assert "You own the Marketing side now" in answer.text
    assert len([e for e in stack.state.ephemerals_for(LEE) if "both teams" in e.text]) == 0  # replaced


def test_both_teams_reactor_claims_the_side_still_missing(stack):
    alert = report(stack)
    stack.driver.react(MARIA, alert, "raising_hand")
    stack.driver.react(LEE, alert, "raising_hand")
    assert (row(stack).sales_owner_id, row(stack).marketing_owner_id) == (LEE, MARIA)
    assert not any("both teams" in e.text for e in stack.state.ephemerals_for(LEE))


def test_removing_a_reaction_changes_nothing(stack):
    alert = report(stack)
    stack.driver.react(SAM, alert, "raising_hand")
    stack.driver.unreact(SAM, alert, "raising_hand")
    assert row(stack).sales_owner_id == SAM
    assert len(thread(stack, alert)) == 1


def test_other_messages_and_other_emoji_are_left_to_other_features(stack):
    seen = []
    features = stack.rt.features
    spy = Feature(name="zz-test-spy", reactions=lambda **kw: seen.append(kw["event"]["reaction"]) or True)
    stack.rt.features = (*features, spy)
    try:
        alert = report(stack)
        plain = stack.driver.say(SAM, SALES, "Acme is unhappy, FYI")
        stack.driver.react(SALLY, plain, "raising_hand")
        stack.driver.react(SALLY, alert, "bulb")
        stack.driver.react(SALLY, alert, "raising_hand")
    finally:
        stack.rt.features = features
    assert seen == ["raising_hand", "bulb"]
    assert row(stack).sales_owner_id == SALLY
    assert stack.state.ephemerals_for(SALLY) == []  # nothing said about the plain message or the bulb


def test_emoji_are_per_workspace_settings(stack):
    with stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
        set_pref(session=s, ws=ws, key="unhappy", value={"emoji": {"claim": "hand", "ack": "ok", "resolve": "done"}})
    alert = report(stack)
    stack.driver.react(SAM, alert, "raising_hand")
    assert row(stack).sales_owner_id is None
    stack.driver.react(SAM, alert, "hand")
    stack.driver.react(MARK, alert, "ok")
    assert row(stack).sales_owner_id == SAM and row(stack).acknowledged_by == [MARK]


def test_someone_on_both_teams_who_owns_one_side_is_told_the_other_needs_someone_else(stack):
    alert = report(stack)
    stack.driver.click(LEE, alert, UnhappyIds.CLAIM_SALES)
    stack.driver.react(LEE, alert, "raising_hand")
    assert "The Marketing side needs someone else" in last_note(stack, LEE)
    assert row(stack).marketing_owner_id is None
