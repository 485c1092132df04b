"""/truce winloss summary, and what the win/loss log and strategy changes put on the joint meeting's agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from bot.feature import agenda_sources
from bot.features import FEATURES
from bot.joint.agenda import build_sections
from bot.lazy import target
from bot.playbook.strategies import agenda_section as strategies_section
from bot.playbook.winloss_summary import agenda_section as winloss_section
from bot.sandbox.seed import LEE, MARK, OLIVE, SALLY, SAM
from tests.joint_helpers import PROMPT_AT, at, set_workspace, the_prompt
from tests.message_text import all_text
from tests.playbook_helpers import add, note

Q4_DAY = datetime(2026, 11, 5, 15, 0, tzinfo=UTC)
Q1_DAY = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)
Q4 = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def _log(stack, when: datetime, *typed: str, user: str = SAM) -> None:
    with time_machine.travel(when, tick=False):
        for text in typed:
            stack.driver.command(user, "/truce", text)
            assert "Logged a" in note(stack, user).text, note(stack, user).text


def _seed(stack) -> None:
    _log(stack, Q4_DAY, "win Acme: long relationship with their CTO",
         "loss Globex: too expensive for them", "loss Hooli: went another way vs:Initech")
    _log(stack, Q1_DAY, "win Stark: the ROI deck convinced them 10,000 EUR vs:Initech",
         "win Wayne: pricing was right 5,000 USD", "win Oscorp: champion inside 2,000 EUR")
    _log(stack, Q1_DAY + timedelta(hours=1), "loss Umbrella: cheaper rival vs:initech reason:price",
         "loss Cyberdyne: our positioning confused them", user=SALLY)


def test_summary_of_this_quarter_against_the_last(stack):
    _seed(stack)
    with time_machine.travel(Q1_DAY + timedelta(days=1), tick=False):
        stack.driver.command(OLIVE, "/truce", "winloss summary")  # everyone may read it
    told = note(stack, OLIVE)
    text = all_text(told.blocks)
    assert told.text == "Wins and losses, 2027-Q1: 3 won, 2 lost, win rate 60%."
    assert "*3* won · *2* lost · win rate *60%*" in text
    assert "_Up 27 points from 33% in 2026-Q4 (1 won, 2 lost)._" in text
    assert "*Won value*\n12,000.00 EUR\n5,000.00 USD" in text  # never added across currencies
    assert "*Top reasons for losses*\nPrice (1), Marketing material / positioning (1)" in text
    assert "*Competitors named*\n*Initech* (won 1, lost 1)" in text  # "initech" is the same competitor
    assert f"• *Cyberdyne* — Marketing material / positioning: our positioning confused them (<@{SALLY}>)" in text


def test_summary_of_another_quarter_and_of_an_empty_one(stack):
    _seed(stack)
    with time_machine.travel(Q1_DAY, tick=False):
        stack.driver.command(SAM, "/truce", "winloss summary Q4 2026")
        text = all_text(note(stack, SAM).blocks)
        assert "*1* won · *2* lost · win rate *33%*" in text
        assert "Nothing logged in 2026-Q3 to compare with." in text
        assert "*Top reasons for losses*\nPrice (1), Competitor (1)" in text
        stack.driver.command(SAM, "/truce", "winloss summary 2027-Q2")
        assert note(stack, SAM).text == ("Nothing logged for 2027-Q2 yet. Sales logs results with `/truce win "
                                         "Customer: why` and `/truce loss Customer: why`; 2027-Q1 had 3 won and "
                                         "2 lost.")


def test_a_bad_quarter_is_echoed(stack):
    stack.driver.command(SAM, "/truce", "winloss summary 2027-Q5")
    told = note(stack, SAM).text
    assert "“2027-Q5” is not a quarter: write it like 2027-Q1." in told
    assert "```/truce winloss summary 2027-Q5```" in told


def test_quarters_follow_the_workspace_timezone(stack):
    set_workspace(stack, timezone="America/New_York")
    _log(stack, datetime(2027, 1, 1, 3, 0, tzinfo=UTC), "loss Late Co: too expensive")  # 31 Dec in New York
    with time_machine.travel(Q1_DAY, tick=False):
        stack.driver.command(SAM, "/truce", "winloss summary 2026-Q4")
        assert "*0* won · *1* lost" in all_text(note(stack, SAM).blocks)
        stack.driver.command(SAM, "/truce", "winloss summary")
        assert note(stack, SAM).text.startswith("Nothing logged for 2027-Q1 yet")


def test_agenda_sources_include_the_playbook():
    sources = [target(source) for source in agenda_sources(FEATURES)]  # named lazily (bot/lazy.py)
    assert winloss_section in sources and strategies_section in sources


def test_winloss_agenda_section(stack):
    _log(stack, Q4_DAY - timedelta(days=60), "win Early: relationship")  # 2026-Q3: the quarter before
    _log(stack, Q4_DAY, "win Acme: long relationship", "loss Globex: too expensive vs:Initech",
         "loss Hooli: the deck was wrong for them", "loss Initrode: timing")
    with stack.rt.session() as s:
        section = winloss_section(session=s, team_id=stack.team_id, start=Q4[0], end=Q4[1])
        nothing = winloss_section(session=s, team_id=stack.team_id, start=Q4[1], end=Q4[1] + timedelta(days=90))
    assert section.title == "Wins and losses, 2026-Q4"
    assert section.lines[0] == "1 won, 3 lost: win rate 25%, down 75 points from 100% in 2026-Q3 (1 won, 0 lost)."
    assert section.lines[1].startswith("Top reasons for losses: ")
    assert {"Price (1)", "Marketing material / positioning (1)", "Timing (1)"} == set(
        section.lines[1].removeprefix("Top reasons for losses: ").rstrip(".").split(", "))
    assert section.lines[2] == "Competitors named: *Initech* (won 0, lost 1)."
    assert section.lines[3] == "1 deal turned on marketing material or positioning: *Hooli* (lost)."
    assert nothing is None


def test_strategies_agenda_section(stack):
    with time_machine.travel(Q4_DAY, tick=False):
        add(stack, "Mid-market push: ROI calculator")
        add(stack, "Events <!channel>: two trade shows", user=LEE)
        stack.driver.command(MARK, "/truce", "strategy retire 2")
    with time_machine.travel(Q4_DAY - timedelta(days=60), tick=False):
        add(stack, "Old one: from last quarter")
    with stack.rt.session() as s:
        section = strategies_section(session=s, team_id=stack.team_id, start=Q4[0], end=Q4[1])
    assert section.title == "Marketing strategies published or changed"
    assert section.lines == [f"*Mid-market push* `#1` — published by <@{MARK}>",
                             f"*Events @channel* `#2` — published, retired by <@{LEE}> <@{MARK}>",
                             "2 strategies are current; salespeople find them on the Truce Home tab."]
    with stack.rt.session() as s:
        sections = build_sections(stack.rt.agenda_sources, session=s, team_id=stack.team_id, start=Q4[0], end=Q4[1])
        titles = [x.title for x in sections]
    assert "Marketing strategies published or changed" in titles
    assert not [t for t in titles if t.startswith("Wins and losses")]  # nothing logged: no section


def test_the_joint_meeting_prompt_carries_both(stack):
    _log(stack, Q4_DAY, "win Acme: relationship", "loss Globex: price vs:Initech")
    with time_machine.travel(Q4_DAY, tick=False):
        add(stack, "Mid-market push: ROI calculator")
    with at(PROMPT_AT - timedelta(days=1)):
        stack.driver.command(LEE, "/joint", "announce")
    text = all_text(the_prompt(stack))
    assert "Wins and losses since the start of 2026-Q4" in text
    assert "1 won, 1 lost: win rate 50%, nothing logged in 2026-Q3 to compare with." in text
    assert "Competitors named: *Initech* (won 0, lost 1)." in text
    assert "Marketing strategies published or changed" in text
    assert f"*Mid-market push* `#1` — published by <@{MARK}>" in text
