"""Story: a report is claimed by both teams, gets a corrective action through the date picker and is
resolved — in a browser."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from bot import clock
from bot.sandbox.seed import ALERTS, MARK, SAM
from tests.browser.slack_page import SlackPage


def test_a_report_claimed_by_both_teams_gets_a_corrective_action_and_is_resolved(page, workspace, shot):
    stack, url = workspace
    slack = SlackPage(page, url).open("sally", "customer-alerts")
    slack.command("/unhappy Acme Corp: billed twice for November, the CFO is furious !high")
    alert = slack.message("Acme Corp")
    expect(alert).to_contain_text("billed twice for November")

    slack.be("sam")
    alert.get_by_role("button", name="Claim for Sales").click()
    expect(alert).to_contain_text("Sales owner")
    slack.be("mark")
    alert.get_by_role("button", name="Claim for Marketing").click()
    expect(alert.locator(".mention", has_text="Mark Eting").first).to_be_visible()

    alert.get_by_role("button", name="Add corrective action").click()
    form = slack.modal("Corrective action")
    slack.field("What was done").locator("textarea").fill("Refunded the duplicate charge and called the CFO")
    slack.field("Root cause").locator("select").select_option(label="Pricing / billing")
    follow_up = (clock.now() + timedelta(days=2)).date()
    slack.field("Follow-up date").locator("input[type=date]").fill(follow_up.isoformat())
    expect(slack.field("Follow-up date")).to_contain_text("The owners are reminded that morning")
    shot(page, "unhappy-corrective-action")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("form.modal")).to_have_count(0)

    alert.get_by_role("button", name="Resolve").click()
    expect(alert).to_contain_text("Resolved")
    alert.locator(".thread-summary").click()
    thread = page.locator("#thread")
    expect(thread).to_contain_text("claimed it for")
    expect(thread).to_contain_text("resolved it")
    shot(page, "unhappy-resolved")

    # Slack holds one alert, updated in place, and the action's follow-up date from the date picker.
    [message] = stack.state.messages(ALERTS)
    shown = str(message.blocks)
    assert f"<@{SAM}>" in shown and f"<@{MARK}>" in shown and "Resolved" in shown
    from sqlmodel import select

    from bot.db import session_scope
    from bot.unhappy.models import CorrectiveAction

    with session_scope(stack.rt.engine, read_only=True) as session:
        [action] = session.exec(select(CorrectiveAction)).all()
    assert action.follow_up_on == follow_up and action.root_cause == "pricing"
