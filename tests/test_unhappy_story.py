"""The whole story of one unhappy customer, as the sandbox shows it: a report, two claims by
reaction, a corrective action and the resolution — one alert, updated in place, its history in
its thread."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot.ids import UnhappyIds
from bot.sandbox.seed import ALERTS, MARIA, SALLY, SAM
from tests.unhappy_support import MONDAY_10, report, row, text_of, thread


def test_report_claims_by_reaction_action_and_resolution(stack):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        alert = report(stack, SALLY, "Acme Corp: billed twice for November, CFO furious !high")
        clock.shift(timedelta(minutes=4))
        stack.driver.react(SAM, alert, "raising_hand")
        clock.shift(timedelta(minutes=3))
        stack.driver.react(MARIA, alert, "raising_hand")
        stack.driver.react(SALLY, alert, "eyes")
        clock.shift(timedelta(minutes=30))
        stack.driver.click(SAM, alert, UnhappyIds.ADD_ACTION)
        [view] = stack.state.open_views(SAM)
        stack.driver.submit(SAM, view.id, {UnhappyIds.DONE: "Refunded the duplicate charge and called the CFO",
                                           UnhappyIds.CAUSE: "pricing"})
        clock.shift(timedelta(minutes=10))
        stack.driver.react(MARIA, alert, "white_check_mark")

    assert stack.messages(ALERTS) == [alert]  # one message, updated in place
    assert len(stack.state.calls_to("chat.update")) == 5
    shown = text_of(alert)
    assert "*Resolved*" in shown and f"*Sales owner*\n<@{SAM}>" in shown and f"*Marketing owner*\n<@{MARIA}>" in shown
    assert "Both teams owned it 7 min after the report" in shown
    assert "Refunded the duplicate charge" in shown and f":eyes: Seen by <@{SALLY}>" in shown
    history = thread(stack, alert)
    assert [h.split(" · ", 1)[1].split(" ", 1)[1].split(" ")[0] for h in history] == [
        "claimed", "claimed", "has", "added", "resolved"]
    r = row(stack)
    assert (r.status, r.time_to_owned_s, r.closed_by) == ("resolved", 7 * 60, MARIA)


def test_the_sandbox_demo_script_tells_the_story(tmp_path):
    """`python -m bot sandbox --script docs/unhappy-demo.txt`, as a newcomer would run it."""
    import io
    from pathlib import Path

    from bot.config import load_settings
    from bot.sandbox.shell import run_shell

    out = io.StringIO()
    script = Path(__file__).resolve().parent.parent / "docs" / "unhappy-demo.txt"
    run_shell(load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'sandbox.db'}"), script=str(script), out=out)
    text = out.getvalue()
    assert "Reported `#1`" in text and "That didn't work" not in text
    assert ":alarm_clock: Reminder: this high alert still needs a Sales owner and a Marketing owner" in text
    assert "@sam claimed it for *Sales*." in text and "@mark claimed it for *Marketing*. Both teams own it" in text
    assert "~:large_orange_circle: *Acme Corp* is unhappy~ — *Resolved*" in text
    assert "[1] Truce (edited)" in text and "[2]" not in text  # one alert, updated in place
    assert "@mark resolved it :white_check_mark:" in text
