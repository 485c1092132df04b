"""SLA reminders and escalations, with controlled time, restarts and two replicas — through the emulator."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.ids import UnhappyIds
from bot.sandbox.seed import ALERTS, JOINT, LEE, MARK, SAM
from bot.sandbox.stack import SandboxStack
from jobs import unhappy as jobs
from jobs.scheduler import build_scheduler
from tests.unhappy_support import MONDAY_10, report, row, stages, thread

FRIDAY_16 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tstack(clock, db):
    s = SandboxStack(engine=db)
    yield s
    s.stop()


def remind(stack) -> int:
    return jobs.send_reminders(stack.rt)


def test_unclaimed_high_alert_is_reminded_once_after_its_sla(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    clock.move_to(MONDAY_10 + timedelta(minutes=59))
    assert remind(tstack) == 0 and thread(tstack, alert) == []
    clock.move_to(MONDAY_10 + timedelta(hours=1))
    assert remind(tstack) == 1
    [line] = thread(tstack, alert)
    assert ":alarm_clock: Reminder" in line and "still needs a Sales owner and a Marketing owner" in line
    assert "reminder time for high: 1 h" in line and ":raising_hand:" in line
    clock.move_to(MONDAY_10 + timedelta(hours=1, minutes=30))
    assert remind(tstack) == 0 and len(thread(tstack, alert)) == 1
    assert stages(tstack) == [(row(tstack).id, "remind")]


def test_escalation_after_twice_the_sla_goes_to_leads_and_the_joint_channel_once(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    tstack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    clock.move_to(MONDAY_10 + timedelta(hours=1))
    remind(tstack)
    assert f"<@{SAM}> owns the Sales side and is waiting" in thread(tstack, alert)[-1]
    assert "still needs a Marketing owner" in thread(tstack, alert)[-1]
    clock.move_to(MONDAY_10 + timedelta(hours=2))
    assert remind(tstack) == 1
    [dm] = [m for m in tstack.state.dms(LEE) if "Escalation" in m.text]
    assert "*Acme*" in dm.text and "still needs a Marketing owner" in dm.text
    assert f"/unhappy assign {row(tstack).id} @someone marketing" in dm.text
    assert "slack.com/archives/" in dm.text  # a link to the alert
    [post] = tstack.messages(JOINT)
    assert "has waited 2 h for a Marketing owner" in post.text
    assert "Escalated to the leads and <#CJOINT1>" in thread(tstack, alert)[-1]
    clock.move_to(MONDAY_10 + timedelta(hours=5))
    assert remind(tstack) == 0
    assert len(tstack.messages(JOINT)) == 1 and len([m for m in tstack.state.dms(LEE) if "Escalation" in m.text]) == 1


def test_owned_alerts_are_not_reminded(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !critical")
    tstack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    tstack.driver.click(MARK, tstack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    clock.move_to(MONDAY_10 + timedelta(hours=3))
    assert remind(tstack) == 0 and stages(tstack) == []


def test_critical_is_reminded_after_15_minutes_even_at_night(db):
    night = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # Saturday 02:00
    with time_machine.travel(night, tick=False) as clock:
        s = SandboxStack(engine=db)
        try:
            alert = report(s, SAM, "Acme: outage !critical")
            clock.move_to(night + timedelta(minutes=15))
            assert remind(s) == 1 and "reminder time for critical: 15 min" in thread(s, alert)[-1]
            clock.move_to(night + timedelta(minutes=30))
            assert remind(s) == 1 and "Escalated" in thread(s, alert)[-1]
        finally:
            s.stop()


def test_medium_waits_for_working_hours(db):
    with time_machine.travel(FRIDAY_16, tick=False) as clock:
        s = SandboxStack(engine=db)
        try:
            alert = report(s, SAM, "Acme: slow answers")  # medium: 4 h -> Friday 20:00, after hours
            clock.move_to(FRIDAY_16 + timedelta(hours=4))
            assert remind(s) == 0
            clock.move_to(datetime(2026, 11, 30, 8, 59, tzinfo=UTC))  # Monday, before opening
            assert remind(s) == 0 and thread(s, alert) == []
            clock.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
            assert remind(s) == 2  # both became due over the weekend: each once, reminder first
            lines = thread(s, alert)
            assert "Reminder" in lines[0] and "Escalated" in lines[1]
        finally:
            s.stop()


def test_low_waits_one_business_day(db):
    with time_machine.travel(FRIDAY_16, tick=False) as clock:
        s = SandboxStack(engine=db)
        try:
            alert = report(s, SAM, "Acme: logo is blurry !low")
            clock.move_to(datetime(2026, 11, 30, 15, 59, tzinfo=UTC))
            assert remind(s) == 0
            clock.move_to(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # Monday 16:00
            assert remind(s) == 1 and "1 business day" in thread(s, alert)[-1]
            clock.move_to(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # Tuesday 16:00: twice
            assert remind(s) == 1 and "Escalated" in thread(s, alert)[-1]
        finally:
            s.stop()


def test_follow_up_date_reminds_both_owners_once(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    tstack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    tstack.driver.click(MARK, tstack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    tstack.driver.click(SAM, tstack.last(ALERTS), UnhappyIds.ADD_ACTION)
    [view] = tstack.state.open_views(SAM)
    tstack.driver.submit(SAM, view.id, {UnhappyIds.DONE: "Credit note promised", UnhappyIds.CAUSE: "pricing",
                                        UnhappyIds.FOLLOW_UP: "2026-11-25"})
    clock.move_to(datetime(2026, 11, 25, 8, 59, tzinfo=UTC))
    assert remind(tstack) == 0
    clock.move_to(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert remind(tstack) == 1
    line = thread(tstack, alert)[-1]
    assert f"<@{SAM}> <@{MARK}> today is the follow-up date of “Credit note promised”" in line
    clock.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert remind(tstack) == 0


def test_resolved_alerts_get_no_follow_up(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    tstack.driver.click(SAM, alert, UnhappyIds.CLAIM_SALES)
    tstack.driver.click(MARK, tstack.last(ALERTS), UnhappyIds.CLAIM_MARKETING)
    tstack.driver.click(SAM, tstack.last(ALERTS), UnhappyIds.ADD_ACTION)
    [view] = tstack.state.open_views(SAM)
    tstack.driver.submit(SAM, view.id, {UnhappyIds.DONE: "Refund", UnhappyIds.CAUSE: "pricing",
                                        UnhappyIds.FOLLOW_UP: "2026-11-25"})
    tstack.driver.click(SAM, tstack.last(ALERTS), UnhappyIds.RESOLVE)
    clock.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    assert remind(tstack) == 0


def test_snoozed_alerts_are_quiet_until_the_snooze_ends(tstack, clock):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    tstack.driver.click(LEE, alert, UnhappyIds.MORE, selected=f"snooze:{row(tstack).id}")
    [view] = tstack.state.open_views(LEE)
    tstack.driver.submit(LEE, view.id, {UnhappyIds.SNOOZE_FOR: "4h"})
    clock.move_to(MONDAY_10 + timedelta(hours=3, minutes=59))
    assert remind(tstack) == 0
    clock.move_to(MONDAY_10 + timedelta(hours=4))
    assert remind(tstack) == 2
    assert "Reminder" in thread(tstack, alert)[-2] and "Escalated" in thread(tstack, alert)[-1]


def test_restart_in_the_middle_sends_each_stage_once(tstack, clock, db):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    clock.move_to(MONDAY_10 + timedelta(hours=1))
    assert remind(tstack) == 1
    tstack.stop_app()  # the process goes away; Slack and the database stay
    clock.move_to(MONDAY_10 + timedelta(hours=1, minutes=5))
    restarted = SandboxStack(engine=db, emulator=tstack.emulator)
    try:
        assert remind(restarted) == 0  # the reminder is not sent again
        clock.move_to(MONDAY_10 + timedelta(hours=2))
        assert remind(restarted) == 1
        assert remind(restarted) == 0
        lines = thread(restarted, alert)
        assert len(lines) == 2 and "Reminder" in lines[0] and "Escalated" in lines[1]
        assert len(restarted.messages(JOINT)) == 1
    finally:
        restarted.stop()


def test_restart_after_downtime_sends_what_became_due_once(tstack, clock, db):
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    tstack.stop_app()
    clock.move_to(MONDAY_10 + timedelta(hours=6))  # down for the reminder and the escalation
    restarted = SandboxStack(engine=db, emulator=tstack.emulator)
    try:
        assert remind(restarted) == 2
        assert remind(restarted) == 0
        assert len(thread(restarted, alert)) == 2 and len(restarted.messages(JOINT)) == 1
    finally:
        restarted.stop()


def test_two_replicas_send_each_reminder_once(tstack, clock, db):
    """Two stacks (two schedulers) on one database run the reminder job at the same moment."""
    alerts = [report(tstack, SAM, f"Customer {i}: unhappy !high") for i in range(4)]
    other = SandboxStack(engine=db, emulator=tstack.emulator)
    schedulers = [build_scheduler(tstack.rt), build_scheduler(other.rt)]
    jobs_to_run = [s.get_job(jobs.REMINDERS_JOB) for s in schedulers]
    assert all(j is not None for j in jobs_to_run)
    try:
        for moment in (timedelta(hours=1), timedelta(hours=2)):
            clock.move_to(MONDAY_10 + moment)
            start = threading.Barrier(2)
            sent: list[int] = []

            def run(job, start=start, sent=sent):
                start.wait()
                sent.append(job.func(*job.args))

            threads = [threading.Thread(target=run, args=(j,)) for j in jobs_to_run]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sum(sent) == 4 and len(sent) == 2
        for alert in alerts:
            lines = thread(tstack, alert)
            assert len(lines) == 2 and "Reminder" in lines[0] and "Escalated" in lines[1]
        assert len(tstack.messages(JOINT)) == 4
        assert len([m for m in tstack.state.dms(LEE) if "Escalation" in m.text]) == 4
        assert len(stages(tstack)) == 8
    finally:
        other.stop()


def test_sla_is_a_workspace_setting(tstack, clock):
    tstack.driver.command(LEE, "/unhappy", "settings")
    [view] = tstack.state.open_views(LEE)
    response = tstack.driver.submit(LEE, view.id, {f"{UnhappyIds.SLA_HIGH_BLOCK}.{UnhappyIds.VALUE}": "30m"})
    assert response.status_code == 200 and not response.content
    alert = report(tstack, SAM, "Acme: invoice wrong !high")
    clock.move_to(MONDAY_10 + timedelta(minutes=30))
    assert remind(tstack) == 1 and "reminder time for high: 30 min" in thread(tstack, alert)[-1]
    clock.move_to(MONDAY_10 + timedelta(minutes=60))
    assert remind(tstack) == 1 and "Escalated" in thread(tstack, alert)[-1]


def test_scheduler_registers_the_jobs(tstack):
    scheduler = build_scheduler(tstack.rt)
    assert scheduler.get_job(jobs.REMINDERS_JOB) is not None
    assert scheduler.get_job(jobs.DIGEST_JOB) is not None
