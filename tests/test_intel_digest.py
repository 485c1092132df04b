"""The weekly digest (once per workspace and week, whatever the replicas or restarts), its
schedule setting, the App Home's "Recent intel" and the quarter's agenda section."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot.intel import share as intel
from bot.intel.models import IntelDigest
from bot.intel.parsing import ShareDraft
from bot.joint.agenda import build_sections
from bot.models import Workspace
from bot.sandbox.seed import JOINT, LEE, MARK, MARKETING, SALES, SAM
from bot.sandbox.stack import SandboxStack
from jobs import intel as intel_jobs
from jobs.scheduler import build_scheduler
from tests.intel_helpers import no_dns  # noqa: F401 - fixture
from tests.message_text import all_text

# Monday 30 November 2026, 09:00 in Paris is 08:00 UTC.
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def paris(stack):
    with stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
        ws.timezone, ws.created_at = "Europe/Paris", datetime(2026, 1, 1, tzinfo=UTC)
    return stack


def add(stack, summary, *, at, votes=0, competitor=None):
    with time_machine.travel(at, tick=False), stack.rt.session() as s:
        ws = s.get(Workspace, stack.team_id)
        share = intel.create_share(session=s, ws=ws, sharer_id=MARK, via="command",
                                   draft=ShareDraft(summary=summary, kind="pricing", competitor=competitor))
        for n in range(votes):
            intel.add_vote(session=s, team_id=stack.team_id, share_id=share.id, user_id=f"UVOTER{n:03d}")
        return share.id


def run_at(stack, at) -> int:
    with time_machine.travel(at, tick=False):
        return intel_jobs.post_digests(stack.rt)


def digests(stack, channel):
    return [m for m in stack.state.messages(channel) if "most useful market intel" in m.text]


def test_the_digest_lists_the_weeks_most_useful_shares_on_monday_morning(paris):
    stack = paris
    add(stack, "Last week's news", at=DUE - timedelta(days=8), votes=9)
    add(stack, "Acme cut prices", at=DUE - timedelta(days=5), votes=1, competitor="Acme")
    add(stack, "Globex launched Atlas", at=DUE - timedelta(days=2), votes=3)
    add(stack, "Hooli renewed", at=DUE - timedelta(days=1))
    gone = add(stack, "Wrong rumour", at=DUE - timedelta(days=1), votes=5)
    with stack.rt.session() as s:
        intel.retract(session=s, share=intel.get_share(session=s, team_id=stack.team_id, share_id=gone), user_id=MARK)
    assert run_at(stack, DUE - timedelta(days=7) + timedelta(minutes=1)) == 1  # last week's, as usual
    [last_week] = digests(stack, SALES)
    assert "Last week's news" in all_text(last_week)
    assert run_at(stack, DUE - timedelta(minutes=5)) == 0
    assert len(digests(stack, SALES)) == 1
    assert run_at(stack, DUE + timedelta(minutes=2)) == 1
    for channel in (SALES, MARKETING):
        digest = digests(stack, channel)[-1]
        text = all_text(digest)
        assert text.index("Globex launched Atlas") < text.index("Acme cut prices") < text.index("Hooli renewed")
        assert "Last week's news" not in text and "Wrong rumour" not in text
        assert "3 shares this week" in text and "23 Nov 2026 to 30 Nov 2026" in text
    assert digests(stack, JOINT) == []


def test_two_replicas_post_the_digest_once(paris, db):
    stack = paris
    add(stack, "Acme cut prices", at=DUE - timedelta(days=1))
    replica = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        barrier = threading.Barrier(2)
        results = []

        def run(name):
            barrier.wait()
            results.append(intel_jobs.post_digests(name))

        with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
            threads = [threading.Thread(target=run, args=(n,)) for n in (stack.rt, replica.rt)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert sorted(results) == [0, 1]
        assert len(digests(stack, SALES)) == 1 and len(digests(stack, MARKETING)) == 1
        assert run_at(replica, DUE + timedelta(minutes=30)) == 0
    finally:
        replica.stop()
    assert len(digests(stack, SALES)) == 1


def test_a_restart_after_downtime_posts_the_missed_digest_once(paris, db):
    stack = paris
    add(stack, "Acme cut prices", at=DUE - timedelta(days=1))
    stack.stop_app()  # Truce is down over Monday morning (Slack and the database stay)
    restarted = SandboxStack(engine=db, emulator=stack.emulator)
    try:
        assert run_at(restarted, DUE + timedelta(days=2, hours=5)) == 1
        assert run_at(restarted, DUE + timedelta(days=2, hours=6)) == 0
        assert len(digests(restarted, SALES)) == 1
        assert run_at(restarted, DUE + timedelta(days=6, hours=23)) == 0  # the next is not due yet
        add(restarted, "Globex launched Atlas", at=DUE + timedelta(days=3))
        assert run_at(restarted, DUE + timedelta(days=7, minutes=1)) == 1
        assert len(digests(restarted, SALES)) == 2
    finally:
        restarted.stop()


def test_a_quiet_week_posts_nothing(paris):
    assert run_at(paris, DUE + timedelta(minutes=1)) == 0
    assert digests(paris, SALES) == []
    with paris.rt.session() as s:
        [claimed] = s.exec(select(IntelDigest)).all()
    assert (claimed.week, claimed.share_count) == ("2026-11-30", 0)


def test_leads_set_the_digest_time_or_turn_it_off(paris):
    stack = paris
    stack.driver.command(SAM, "/intel", "digest friday 16:30")
    assert "Only a Slack admin or a Truce lead" in stack.state.ephemerals_for(SAM)[-1].text
    stack.driver.command(LEE, "/intel", "digest friday 16:30")
    assert "*Fridays at 16:30* (Europe/Paris)" in stack.state.ephemerals_for(LEE)[-1].text
    friday = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 16:30 in Paris
    add(stack, "Acme cut prices", at=friday - timedelta(days=1))
    assert run_at(stack, friday - timedelta(minutes=1)) == 0
    assert run_at(stack, friday + timedelta(minutes=1)) == 1
    stack.driver.command(LEE, "/intel", "digest off")
    add(stack, "Globex launched Atlas", at=friday + timedelta(days=1))
    assert run_at(stack, friday + timedelta(days=7, minutes=1)) == 0
    stack.driver.command(SAM, "/intel", "digest")
    assert "*off*" in stack.state.ephemerals_for(SAM)[-1].text
    stack.driver.command(LEE, "/intel", "digest sometimes")
    assert "/intel digest monday 09:00" in stack.state.ephemerals_for(LEE)[-1].text


def test_the_digest_job_is_scheduled(stack):
    scheduler = build_scheduler(stack.rt)
    assert scheduler.get_job(intel_jobs.JOB_ID) is not None


def test_app_home_shows_recent_intel(stack):
    stack.driver.open_home(SAM)
    assert "No market intel shared yet" in all_text(stack.state.home[SAM])
    stack.driver.command(MARK, "/intel", "#pricing Acme cut list prices vs:Acme")
    stack.driver.open_home(SAM)
    text = all_text(stack.state.home[SAM])
    assert "Recent intel" in text and "Acme cut list prices" in text and "vs *Acme*" in text
    assert "|open>" in text


def test_the_agenda_gets_the_quarters_most_useful_intel_and_competitors(stack):
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    add(stack, "Acme cut prices", at=datetime(2026, 10, 10, tzinfo=UTC), votes=2, competitor="Acme")
    add(stack, "Acme hired a CRO", at=datetime(2026, 11, 10, tzinfo=UTC), competitor="acme")
    add(stack, "Globex launched Atlas", at=datetime(2026, 11, 12, tzinfo=UTC), votes=4, competitor="Globex")
    add(stack, "Old news", at=datetime(2026, 9, 1, tzinfo=UTC), votes=9)
    with stack.rt.session() as s:
        sections = build_sections(stack.rt.agenda_sources, session=s, team_id=stack.team_id, start=start, end=end)
        [section] = [x for x in sections if x.title.startswith("Market intel")]  # beside the scorecard's
        assert build_sections(stack.rt.agenda_sources, session=s, team_id=stack.team_id, start=end,
                              end=end + timedelta(days=90)) == []
    assert section.title == "Market intel this quarter"
    assert section.lines[0].startswith("*Pricing* vs Globex: Globex launched Atlas")
    assert "Old news" not in " ".join(section.lines)
    assert section.lines[-1] == "Competitors named: Acme (2), Globex (1)"
