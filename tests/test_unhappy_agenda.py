"""The quarter's unhappiness reports and satisfaction trend, as joint-meeting agenda sections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from bot.feature import agenda_sources
from bot.features import FEATURES
from bot.ids import UnhappyIds
from bot.joint.agenda import build_sections
from bot.lazy import target
from bot.sandbox.seed import ALERTS, MARK, SAM
from bot.unhappy.agenda import agenda_section as unhappy_section
from bot.unhappy.csat_reports import agenda_section as csat_section
from tests.unhappy_support import report

Q4 = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
DAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _resolved(stack, text, cause, minutes_to_own):
    with time_machine.travel(DAY, tick=False) as clock:
        alert = report(stack, SAM, text)
        clock.shift(timedelta(minutes=minutes_to_own))
        stack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.ADD_ACTION)
        [view] = stack.state.open_views(MARK)
        stack.driver.submit(MARK, view.id, {UnhappyIds.DONE: "Fixed it", UnhappyIds.CAUSE: cause})
        stack.driver.click(MARK, stack.last(ALERTS), UnhappyIds.RESOLVE)


def test_sources_include_both_sections():
    sources = [target(source) for source in agenda_sources(FEATURES)]  # named lazily (bot/lazy.py)
    assert unhappy_section in sources and csat_section in sources


def test_unhappy_section_lists_opened_resolved_root_causes_and_time_to_owned(stack):
    _resolved(stack, "Acme <!channel>: invoice wrong !high", "pricing", 10)
    _resolved(stack, "Globex: late delivery", "delivery", 30)
    with time_machine.travel(DAY, tick=False):
        report(stack, SAM, "Initech: nobody called back !low")
    with time_machine.travel(datetime(2026, 9, 20, tzinfo=UTC), tick=False):
        report(stack, SAM, "Old Co: last quarter's problem")
    with stack.rt.session() as s:
        section = unhappy_section(session=s, team_id=stack.team_id, start=Q4[0], end=Q4[1])
    text = "\n".join(section.lines)
    assert section.title == "Unhappy customers this quarter"
    assert "3 reported (1 high, 1 low, 1 medium), 2 resolved, 1 of this quarter's still open." in text
    assert "median 20 min, slowest 30 min" in text
    assert "Pricing / billing (1)" in text and "Delivery (1)" in text
    assert "Resolved: *Acme @channel* `#1` (high) — Pricing / billing" in text
    assert "<!channel>" not in text and "Old Co" not in text


def test_csat_section_shows_the_trend_by_month(stack):
    for when, typed in ((datetime(2026, 10, 5, tzinfo=UTC), "Acme 8/10"),
                        (datetime(2026, 11, 5, tzinfo=UTC), "Acme 4/10"),
                        (datetime(2026, 11, 6, tzinfo=UTC), "Globex 5/5")):
        with time_machine.travel(when, tick=False):
            stack.driver.command(SAM, "/truce", f"csat {typed}")
    with stack.rt.session() as s:
        sections = build_sections(stack.rt.agenda_sources, session=s, team_id=stack.team_id, start=Q4[0], end=Q4[1])
        empty = csat_section(session=s, team_id=stack.team_id, start=Q4[1], end=Q4[1] + timedelta(days=90))
    [csat] = [x for x in sections if x.title == "Customer satisfaction trend"]
    assert "3 scores, average 7.3/10 by month: Oct 2026 8.0 → Nov 2026 7.0" in csat.lines[0]
    assert "Lowest: *Acme* 6.0" in csat.lines[1]
    assert empty is None
    assert [x.order for x in sections] == sorted(x.order for x in sections)
