"""Story: the clock advances to the quarterly prompt, people RSVP and vote a time — in a browser."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from bot import clock
from bot.sandbox import clock as sandbox_clock
from bot.sandbox.seed import JOINT, MARIA, SAM
from tests.browser.slack_page import SlackPage

PROMPT = "Joint sales & marketing meeting"


def test_the_clock_reaches_the_quarterly_prompt_people_rsvp_and_vote_a_time(page, workspace, shot):
    stack, url = workspace
    slack = SlackPage(page, url).open("lee", "sales-marketing")
    coming = page.locator("#clock .coming")
    expect(coming).to_contain_text("Joint meeting prompt")
    prompt_at = next(c.at for c in sandbox_clock.coming(stack) if c.kind == "joint-prompt")

    prompt = page.locator("#timeline .msg", has_text=PROMPT)
    for _ in range(30):  # weekly digests come first: step through every scheduled moment until the prompt
        if prompt.count():
            break
        before = page.locator("#clock .clock-time").inner_text()
        page.get_by_role("button", name="⏭ Next").click()
        # The step to the prompt also draws the scorecard chart it posts (matplotlib's first import, and
        # its font cache on a new machine, can take longer than the default 5 s).
        expect(page.locator("#clock .clock-time")).not_to_have_text(before, timeout=60_000)
    expect(prompt).to_have_count(1)
    assert clock.now() >= prompt_at
    slack.toast("Joint meeting prompt")
    expect(page.locator("#clock .clock-time")).to_have_text(sandbox_clock.when(clock.now().replace(second=0)))

    prompt.get_by_role("button", name="I'll attend").click()
    expect(prompt).to_contain_text("Attending (1)")
    slack.be("sam")
    prompt.get_by_role("button", name="I'll attend").click()
    expect(prompt).to_contain_text("Attending (2)")

    slack.be("maria")
    prompt.get_by_role("button", name="Propose another time").click()
    form = slack.modal("Propose another time")
    other = (clock.now() + timedelta(days=8)).date()
    slack.field("Date").locator("input[type=date]").fill(other.isoformat())
    slack.field("Time").locator("input[type=time]").fill("14:30")
    form.get_by_role("button", name="Propose").click()
    expect(page.locator("form.modal")).to_have_count(0)
    expect(prompt).to_contain_text("Other times proposed")
    expect(prompt).to_contain_text("1 vote")

    slack.be("sam")
    prompt.get_by_role("button", name="Vote").click()
    expect(prompt).to_contain_text("2 votes")
    notes = page.locator("#timeline .msg-ephemeral")
    for left in range(notes.count(), 0, -1):  # Sam's "see you" notes, dismissed for the picture
        notes.first.get_by_role("button", name="Dismiss").click()
        expect(notes).to_have_count(left - 1)
    prompt.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot(page, "joint-prompt-rsvp-vote")

    [message] = [m for m in stack.state.messages(JOINT) if PROMPT in m.text or PROMPT in str(m.blocks)]
    shown = str(message.blocks)
    assert f"<@{SAM}>" in shown and f"<@{MARIA}>" in shown and "2 votes" in shown
