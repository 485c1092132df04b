"""A slow or hung Slack never holds up an answer to Slack: the thread that answers a request only
touches the database, so with every Web API method hanging, concurrent commands are all answered
within Slack's 3 seconds, each person is told their report or share is saved, and everything is
posted once Slack answers again."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import time_machine

from bot.clock import now
from bot.sandbox.driver import SlackDriver
from bot.sandbox.seed import ALERTS, MARK, MARKETING, SALES, SAM
from jobs import outbox
from tests.intel_helpers import no_dns, shares  # noqa: F401 - fixture

HANG = 12.0  # seconds every Web API call goes unanswered


def _unsettled_driver(stack) -> SlackDriver:
    """A Slack that does not wait for the app's background work (it is stuck on Slack itself)."""
    return SlackDriver(app_url=stack.driver.app_url, signing_secret=stack.secret, emulator=stack.emulator)


def test_thirty_commands_are_answered_in_time_while_every_web_api_method_hangs(stack):
    stack.state.fail_next("*", hang=HANG, times=10_000)
    drivers = [_unsettled_driver(stack) for _ in range(30)]
    answers: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(30)

    def send(i: int) -> None:
        driver = drivers[i]
        barrier.wait()
        started = time.monotonic()
        if i % 2:
            response = driver.command(SAM, "/unhappy", f"Customer {i}: invoices are wrong again !high",
                                      channel=SALES)
        else:
            response = driver.command(MARK, "/intel", f"Competitor {i} cut prices", channel=MARKETING)
        with lock:
            answers.append((time.monotonic() - started, response.status_code, response.text))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HANG + 10)
    assert len(answers) == 30
    slowest = max(seconds for seconds, _, _ in answers)
    assert slowest < 3.0, f"an answer took {slowest:.1f} s"
    assert all(status == 200 for _, status, _ in answers)

    with stack.state.lock:
        stack.state.faults.clear()  # Slack answers again
    stack.emulator.end_hangs()  # the calls it held unanswered end (nothing done)
    stack.settle()
    # Each command's answer, as Slack showed it (the response_url's first message: bot/accepted.py).
    said = [d.answer_text(wait=0) for d in drivers]
    assert all("Saved" in text and "went wrong" not in text for text in said), said
    assert len(shares(stack)) == 15
    with time_machine.travel(now() + timedelta(minutes=5), tick=False):
        outbox.retry_due(stack.rt)
    assert len(stack.state.messages(SALES)) == 15  # every share from marketing, once
    assert len(stack.state.messages(ALERTS)) == 15  # every report's alert, once
    assert not [e for e in stack.state.ephemerals if "went wrong" in e.text]


def test_a_form_opens_within_its_trigger_while_slow_work_waits_on_slack(stack):
    """Opening a form must happen within 3 seconds of the click (Slack's trigger_id expires): it never
    waits behind slow work, here six reactions whose messages Slack is slow to hand over."""
    stack.state.fail_next("conversations.history", hang=6.0, times=6)
    driver = _unsettled_driver(stack)
    for i in range(6):
        message = stack.driver.say(SAM, SALES, f"Competitor {i} doubled their prices")
        driver.react(SAM, message, "bulb")
    driver.command(MARK, "/intel", "", channel=MARKETING)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and not stack.state.open_views(MARK):
        time.sleep(0.05)
    assert stack.state.open_views(MARK), "the share form did not open while Slack was slow"
    assert not [c for c in stack.state.calls if c[0] == "views.open" and "expired" in str(c)]
