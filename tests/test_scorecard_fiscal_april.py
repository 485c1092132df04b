"""A workspace whose fiscal year starts in April, end to end: the joint meeting's quarters, its plan, its
prompt and agenda, the win/loss summary and the scorecard all use the same quarters."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.joint.models import JointMeeting
from bot.sandbox.seed import JOINT, LEE, SAM
from jobs import scorecard as scorecard_job
from tests.joint_helpers import at, the_prompt
from tests.joint_helpers import run as run_joint_job
from tests.message_text import all_text
from tests.test_scorecard_story import charts, check_chart, plan_quarter

IN_MAY = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)  # FY2027-Q1 with an April start (April-June 2026)
PROMPT = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)  # 7 days before the first Tuesday of July (FY2027-Q2)


def test_an_april_fiscal_year_moves_every_quarter_together(stack):
    with at(IN_MAY):
        stack.driver.command(SAM, "/joint", "fiscal-year April", channel=JOINT)
        assert stack.state.ephemerals_for(SAM)[-1].text.startswith("Only a Slack admin or a Truce lead")
        stack.driver.command(LEE, "/joint", "fiscal-year Aprl", channel=JOINT)
        assert "“Aprl” is not a month" in stack.state.ephemerals_for(LEE)[-1].text
        stack.driver.command(LEE, "/joint", "fiscal-year April", channel=JOINT)
        said = stack.state.ephemerals_for(LEE)[-1].text
        assert "this quarter is 2027-Q1 (Apr-Jun 2026)" in said and "Quarters start in Jan, Apr, Jul, Oct" in said
        stack.driver.command(SAM, "/joint", "", channel=JOINT)
        assert "2027-Q2" in stack.state.ephemerals_for(SAM)[-1].text  # the next meeting, in July 2026
        plan_quarter(stack)  # the current quarter: 2027-Q1
        stack.driver.command(SAM, "/truce", "win Acme Corp: the ROI deck won over their CFO 12,000 EUR")
        stack.driver.command(SAM, "/truce", "winloss summary")
        assert "2027-Q1" in stack.state.ephemerals_for(SAM)[-1].text
        stack.driver.command(LEE, "/joint", "actuals 2027-Q1 Grow renewals | 3000 | 70000 | 20000", channel=JOINT)
        assert "Recorded the 2027-Q1 (Apr-Jun 2026) actuals" in stack.state.ephemerals_for(LEE)[-1].text
    with at(PROMPT):
        run_joint_job(stack)
        prompt = the_prompt(stack)
        text = all_text(prompt)
        assert "2027-Q2" in prompt.text and "Scorecard, 2027-Q1 (Apr-Jun 2026)" in text
        assert "Wins and losses" in text
        assert scorecard_job.run_due(stack.rt) == {stack.team_id: "2027-Q1"}
    with stack.rt.session() as s:
        [meeting] = s.exec(select(JointMeeting)).all()
        assert meeting.quarter == "2027-Q2" and meeting.starts_at.month == 7
    [posted] = charts(stack)
    described = check_chart(stack, posted, "2027-Q1")
    assert "Joint scorecard — 2027-Q1 (Apr-Jun 2026)" in all_text(posted)
    assert "Quarters of the fiscal year starting in April." in all_text(posted)
    assert "pipeline 21%" in described and "Win rate: none, none, none, 100%." in described  # 70k of 330k
