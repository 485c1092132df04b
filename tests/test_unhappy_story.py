"""The whole story of one unhappy customer, as the sandbox shows it: a report, two claims by
reaction, a corrective action and the resolution — one alert, updated in place, its history in
its thread. Each story is played once; the tests check it step by step."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.config import load_settings
from bot.ids import UnhappyIds
from bot.sandbox.seed import ALERTS, MARIA, SALLY, SAM
from bot.sandbox.shell import run_shell
from bot.sandbox.stack import SandboxStack
from tests.isolation import answering_guard, story
from tests.message_text import all_text
from tests.unhappy_support import MONDAY_10, report, row, thread


@pytest.fixture(scope="module")
def resolved(engine) -> dict[str, Any]:
    """A report claimed by reaction by both teams, seen, given a corrective action and resolved."""
    seen: dict[str, Any] = {}
    with story(engine):
        stack = SandboxStack(engine=engine)
        try:
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
            seen["alerts"] = stack.messages(ALERTS)
            seen["alert"] = alert
            seen["updates"] = len(stack.state.calls_to("chat.update"))
            seen["shown"] = all_text(alert)
            seen["thread"] = thread(stack, alert)
            seen["row"] = row(stack)
        finally:
            stack.stop()
    return seen


def test_the_alert_is_one_message_updated_in_place(resolved):
    assert resolved["alerts"] == [resolved["alert"]]
    assert resolved["updates"] == 5  # two claims, seen, the action, the resolution


def test_the_alert_shows_both_owners_and_the_resolution(resolved):
    shown = resolved["shown"]
    assert "*Resolved*" in shown and f"*Sales owner*\n<@{SAM}>" in shown and f"*Marketing owner*\n<@{MARIA}>" in shown
    assert "Both teams owned it 7 min after the report" in shown


def test_the_alert_shows_the_corrective_action_and_who_has_seen_it(resolved):
    assert "Refunded the duplicate charge" in resolved["shown"]
    assert f":eyes: Seen by <@{SALLY}>" in resolved["shown"]


def test_the_thread_tells_the_history_in_order(resolved):
    assert [h.split(" · ", 1)[1].split(" ", 1)[1].split(" ")[0] for h in resolved["thread"]] == [
        "claimed", "claimed", "has", "added", "resolved"]


def test_the_report_is_stored_resolved_with_its_time_to_owned(resolved):
    r = resolved["row"]
    assert (r.status, r.time_to_owned_s, r.closed_by) == ("resolved", 7 * 60, MARIA)


# --- `python -m bot sandbox --script docs/unhappy-demo.txt`, as a newcomer would run it ---------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    out = io.StringIO()
    script = Path(__file__).resolve().parent.parent / "docs" / "unhappy-demo.txt"
    database = tmp_path_factory.mktemp("unhappy-demo") / "sandbox.db"
    with answering_guard() as seen:
        run_shell(load_settings(DATABASE_URL=f"sqlite:///{database}"), script=str(script), out=out)
    assert not seen, "\n".join(seen)
    return out.getvalue()


def test_the_demo_reports_without_a_hitch(demo):
    assert "Reported `#1`" in demo and "That didn't work" not in demo


def test_the_demo_reminds_that_the_alert_needs_owners(demo):
    assert ":alarm_clock: Reminder: this high alert still needs a Sales owner and a Marketing owner" in demo


def test_the_demo_shows_both_claims(demo):
    assert "@sam claimed it for *Sales*." in demo and "@mark claimed it for *Marketing*. Both teams own it" in demo


def test_the_demo_ends_with_one_alert_resolved_in_place(demo):
    assert "~:large_orange_circle: *Acme Corp* is unhappy~ — *Resolved*" in demo
    assert "[1] Truce (edited)" in demo and "[2]" not in demo  # one alert, updated in place
    assert "@mark resolved it :white_check_mark:" in demo
