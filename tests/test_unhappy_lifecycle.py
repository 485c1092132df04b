"""Corrective actions, resolving, not an issue, reopening and snoozing — through the emulator."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot.ids import UnhappyIds
from bot.sandbox.seed import ALERTS, LEE, MARIA, MARK, OLIVE, SALLY, SAM
from tests.message_text import all_text
from tests.unhappy_support import MONDAY_10, actions, last_note, overflow_values, report, row, thread


def _owned(stack, sales=SAM, marketing=MARK):
    alert = report(stack)
    stack.driver.click(sales, alert, UnhappyIds.CLAIM_SALES)
    stack.driver.click(marketing, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    return stack.last(ALERTS)


def _add_action(stack, user, values):
    stack.driver.click(user, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
    [view] = stack.state.open_views(user)
    return view, stack.driver.submit(user, view.id, values)


def test_corrective_action_form_records_it_on_the_alert_and_in_the_thread(stack):
    with time_machine.travel(MONDAY_10, tick=False):
        alert = _owned(stack)
        view, response = _add_action(stack, MARK, {
            UnhappyIds.DONE: "Called the CFO <!channel>; refunded March", UnhappyIds.CAUSE: "pricing",
            UnhappyIds.FOLLOW_UP: "2026-11-30"})
    assert view.view["title"]["text"] == "Corrective action"
    causes = next(b for b in view.view["blocks"] if b.get("block_id") == UnhappyIds.CAUSE_BLOCK)
    assert [o["text"]["text"] for o in causes["element"]["options"]] == [
        "Product", "Service / support", "Delivery", "Pricing / billing",
        "Expectations set by sales or marketing", "Other"]
    assert response.status_code == 200 and not response.content
    [a] = actions(stack)
    assert (a.user_id, a.root_cause, str(a.follow_up_on)) == (MARK, "pricing", "2026-11-30")
    shown = all_text(stack.last(ALERTS))
    assert "*Corrective actions*" in shown and "Called the CFO @channel; refunded March" not in shown
    assert "Called the CFO &lt;!channel&gt;; refunded March" in shown and "<!channel>" not in shown
    assert "_Pricing / billing_" in shown and "follow-up Nov 30, 2026" in shown
    assert "added a corrective action" in thread(stack, alert)[-1]
    assert "Follow-up on Nov 30, 2026" in thread(stack, alert)[-1]


def test_corrective_action_form_errors(stack):
    with time_machine.travel(MONDAY_10, tick=False):
        _owned(stack)
        view, response = _add_action(stack, SAM, {UnhappyIds.DONE: "  ", UnhappyIds.CAUSE: "product"})
        assert "Say what was done" in response.json()["errors"][UnhappyIds.DONE_BLOCK]
        response = stack.driver.submit(SAM, view.id, {UnhappyIds.DONE: "Fixed", UnhappyIds.CAUSE: "product",
                                                      UnhappyIds.FOLLOW_UP: "2026-11-20"})
        assert "in the past" in response.json()["errors"][UnhappyIds.FOLLOW_UP_BLOCK]
    assert actions(stack) == []


def test_only_owners_or_leads_add_actions(stack):
    report(stack)
    stack.driver.click(SALLY, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
    assert stack.state.open_views(SALLY) == []
    assert "Only its owners or a lead (nobody has claimed it yet)" in last_note(stack, SALLY)
    assert "Claim it for your team first" in last_note(stack, SALLY)
    stack.driver.click(LEE, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
    assert len(stack.state.open_views(LEE)) == 1


def test_resolve_tells_exactly_what_is_missing(stack):
    alert = report(stack)
    stack.driver.click(LEE, alert, UnhappyIds.RESOLVE)
    note = last_note(stack, LEE)
    assert "a Sales owner (“Claim for Sales”), a Marketing owner (“Claim for Marketing”) and at least one " \
           "corrective action (“Add corrective action”)" in note
    stack.driver.click(SAM, stack.last(ALERTS), UnhappyIds.CLAIM_SALES)
    stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    stack.driver.click(SAM, stack.last(ALERTS), UnhappyIds.RESOLVE)
    assert "It still needs at least one corrective action" in last_note(stack, SAM)
    _add_action(stack, SAM, {UnhappyIds.DONE: "Refunded", UnhappyIds.CAUSE: "pricing"})
    stack.driver.click(OLIVE, stack.last(ALERTS), UnhappyIds.RESOLVE)
    assert f"Only its owners (<@{SAM}> and <@{MARK}>) or a lead can resolve it" in last_note(stack, OLIVE)
    assert row(stack).status == "open"


def test_resolved_alert_shows_time_to_owned_and_only_reopen(stack):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        alert = report(stack)
        clock.shift(timedelta(minutes=20))
        stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
        _add_action(stack, SAM, {UnhappyIds.DONE: "Apologised and fixed the invoice", UnhappyIds.CAUSE: "service"})
        clock.shift(timedelta(hours=2))
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.RESOLVE)
    r = row(stack)
    assert (r.status, r.closed_by, r.time_to_owned_s) == ("resolved", MARK, 20 * 60)
    final = stack.last(ALERTS)
    shown = all_text(final)
    assert "~" in final.blocks[0]["text"]["text"] and "*Resolved*" in shown
    assert "Both teams owned it 20 min after the report" in shown
    assert f"Resolved by <@{MARK}>" in shown and "2 h 20 min after the report" in shown
    assert overflow_values(final) == ["reopen"] and UnhappyIds.CLAIM_SALES not in str(final.blocks)
    assert "resolved it :white_check_mark:" in thread(stack, alert)[-1]
    assert "both teams owned it after 20 min" in thread(stack, alert)[-1]
    assert len(stack.messages(ALERTS)) == 1  # always the same message, updated in place


def test_not_an_issue_then_reopen(stack):
    alert = report(stack, SAM)
    stack.driver.click(SALLY, alert, UnhappyIds.MORE, selected=f"not_an_issue:{row(stack).id}")
    assert "or whoever reported it, can mark it not an issue" in last_note(stack, SALLY)
    stack.driver.click(SAM, alert, UnhappyIds.MORE, selected=f"not_an_issue:{row(stack).id}")
    assert row(stack).status == "not_an_issue"
    assert "Not an issue" in all_text(stack.last(ALERTS))
    assert "marked it *not an issue*" in thread(stack, alert)[-1]
    stack.driver.click(OLIVE, stack.last(ALERTS), UnhappyIds.MORE, selected=f"reopen:{row(stack).id}")
    assert "can reopen it" in last_note(stack, OLIVE)
    stack.driver.click(MARIA, stack.last(ALERTS), UnhappyIds.MORE, selected=f"reopen:{row(stack).id}")
    assert row(stack).status == "open" and row(stack).closed_at is None
    assert "reopened it" in thread(stack, alert)[-1]
    assert UnhappyIds.CLAIM_SALES in str(stack.last(ALERTS).blocks)


def test_snooze_form_and_permissions(stack):
    with time_machine.travel(MONDAY_10, tick=False):
        alert = report(stack)
        stack.driver.click(SAM, alert, UnhappyIds.MORE, selected=f"snooze:{row(stack).id}")
        assert "Only its owners or a lead" in last_note(stack, SAM) and stack.state.open_views(SAM) == []
        stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        stack.driver.click(SAM, stack.last(ALERTS), UnhappyIds.MORE, selected=f"snooze:{row(stack).id}")
        [view] = stack.state.open_views(SAM)
        assert view.view["title"]["text"] == "Snooze reminders"
        stack.driver.submit(SAM, view.id, {UnhappyIds.SNOOZE_FOR: "4h"})
    assert row(stack).snoozed_until.replace(tzinfo=None) == (MONDAY_10 + timedelta(hours=4)).replace(tzinfo=None)
    assert ":zzz: Reminders snoozed until" in all_text(stack.last(ALERTS))
    assert "snoozed reminders until" in thread(stack, alert)[-1]


def test_snooze_until_tomorrow_morning_and_wake(stack):
    with time_machine.travel(MONDAY_10, tick=False):
        report(stack)
        stack.driver.click(LEE, stack.last(ALERTS), UnhappyIds.MORE, selected=f"snooze:{row(stack).id}")
        [view] = stack.state.open_views(LEE)
        stack.driver.submit(LEE, view.id, {UnhappyIds.SNOOZE_FOR: "tomorrow"})
        assert str(row(stack).snoozed_until)[:16] == "2026-11-24 09:00"
        stack.driver.click(LEE, stack.last(ALERTS), UnhappyIds.MORE, selected=f"snooze:{row(stack).id}")
        [view] = stack.state.open_views(LEE)
        stack.driver.submit(LEE, view.id, {UnhappyIds.SNOOZE_FOR: "wake"})
    assert row(stack).snoozed_until is None
    assert ":zzz:" not in all_text(stack.last(ALERTS))
