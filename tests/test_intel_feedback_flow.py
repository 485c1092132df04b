"""What the receiving team did with a share, through Slack: the buttons on its copy of the share (only
there), one answer per person (changeable), a note, and the sharer's one DM a week that says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from bot.competitors.ids import CompetitorIds as Ids
from bot.sandbox.seed import JOINT, MARK, MARKETING, SALES, SALLY, SAM
from jobs import competitors as competitor_jobs
from tests.intel_helpers import no_dns  # noqa: F401 - fixture
from tests.message_text import all_text
from tests.playbook_helpers import note

NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # a Wednesday
MONDAY = datetime(2027, 2, 15, 9, 1, tzinfo=UTC)  # the digest time (Monday 09:00) has just passed
USED = f"{Ids.FEEDBACK_PREFIX}used_in_deal"
ACTED = f"{Ids.FEEDBACK_PREFIX}acted_on"


def _buttons(message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
            if e["type"] == "button"]


def _weekly(stack, at) -> int:
    with time_machine.travel(at, tick=False):
        queued = competitor_jobs.send_weekly_news(stack.rt)
    stack.settle()
    return queued


def test_a_seller_marks_used_in_a_deal_and_the_sharers_weekly_dm_says_so(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(MARK, "/intel", "#pricing Initech cut list prices by 20% vs:Initech", channel=MARKETING)
        [to_sales], [to_joint] = stack.state.messages(SALES), stack.state.messages(JOINT)
        assert USED in _buttons(to_sales) and Ids.FEEDBACK_NOTE in _buttons(to_sales)
        assert USED not in _buttons(to_joint)  # only the team it was for answers
        stack.driver.click(MARK, to_sales, USED)
        assert "your own share" in note(stack, MARK).text
        stack.driver.click(SAM, to_sales, ACTED)
        stack.driver.click(SAM, to_sales, USED)  # changed: one answer each
        assert note(stack, SAM).text.startswith(":handshake: Noted: *Used in a deal*.")
        stack.driver.click(SALLY, to_sales, Ids.FEEDBACK_NOTE)
        [form] = stack.state.open_views(SALLY)
        stack.driver.submit(SALLY, form.id, {f"{Ids.NOTE_BLOCK}.{Ids.VALUE}": "Quoted it to <!channel> Hooli's CFO"})
    assert stack.state.dms(MARK) == []  # not one DM per click
    assert _weekly(stack, MONDAY) == 1
    [dm] = stack.state.dms(MARK)
    shown = dm.text + "\n" + all_text(dm.blocks)
    assert "What happened to your intel" in shown
    assert "Initech cut list prices by 20%" in shown
    assert "Used in a deal" in shown and f"<@{SAM}>" in shown
    assert "Quoted it to" in shown and "<!channel>" not in shown
    assert _weekly(stack, MONDAY + timedelta(hours=1)) == 0  # once a week
    assert len(stack.state.dms(MARK)) == 1
    assert _weekly(stack, MONDAY + timedelta(days=7)) == 0  # no new answers, no DM


def test_the_digest_says_what_changed_per_competitor_and_the_agenda_shows_the_acted_on_rate(stack):
    from bot.joint.agenda import build_sections
    from jobs import intel as intel_jobs

    with time_machine.travel(NOW, tick=False):
        stack.driver.command(MARK, "/intel", "#pricing Initech cut list prices by 20% vs:Initech", channel=MARKETING)
        stack.driver.command(MARK, "/intel", "#product initech inc launched SSO vs:\"initech inc\"", channel=MARKETING)
        stack.driver.command(MARK, "/intel", "Globex changed its logo vs:Globex", channel=MARKETING)
        posts = stack.state.messages(SALES)
        stack.driver.click(SAM, posts[0], USED)
        stack.driver.command(SAM, "/truce", "loss Acme: cheaper vs:INITECH reason:price")
    with time_machine.travel(MONDAY, tick=False):
        intel_jobs.post_digests(stack.rt)
    stack.settle()
    [digest] = [m for m in stack.state.messages(SALES) if "most useful market intel" in m.text]
    shown = all_text(digest.blocks)
    assert "What changed about competitors this week" in shown
    assert "• *Initech*: 2 new (1 pricing, 1 product); 1 lost to them" in shown, shown
    assert "• *Globex*: 1 new" in shown
    with stack.rt.session() as s:
        sections = build_sections(stack.rt.agenda_sources, session=s, team_id=stack.team_id,
                                  start=datetime(2027, 1, 1, tzinfo=UTC), end=datetime(2027, 4, 1, tzinfo=UTC))
    [acted] = [x for x in sections if x.title == "Intel that was acted on"]
    assert acted.lines == ["Acted-on rate: sales acted on 1 of 3 shares (33%)."]
