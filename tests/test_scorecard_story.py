"""The scorecard through the emulator: a quarter played through (plan, actuals, an unhappy report, CSAT, intel,
wins and losses) ends in a scorecard with its chart in the joint channel at the quarterly prompt and on
`/joint scorecard`; the export has plan, actual and variance; App Home shows the figures."""

from __future__ import annotations

import csv
import io
import struct
from datetime import UTC, datetime

from sqlmodel import select

from bot.ids import JointIds
from bot.sandbox.seed import JOINT, LEE, MARIA, MARK, SALES, SAM
from bot.scorecard.ids import ScorecardIds
from bot.scorecard.models import ScorecardChart
from jobs import scorecard as scorecard_job
from tests.joint_helpers import PROMPT_AT, at, the_prompt
from tests.joint_helpers import run as run_joint_job
from tests.message_text import all_text
from tests.scorecard_helpers import png_chunks, png_text

IN_Q4 = datetime(2026, 10, 13, 15, 0, tzinfo=UTC)
LATE_Q4 = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
LINES = ("Win 5 mid-market logos | Spring webinar series | 12,000 | 250000 | 90000.50\n"
         "Grow renewals | Customer advocacy | 3500.25 | 80000 | 40000")


def plan_quarter(stack, quarter: str = "") -> None:
    stack.driver.command(SAM, "/joint", f"plan {quarter}".strip(), channel=JOINT)
    [view] = stack.state.open_views(SAM)
    response = stack.driver.submit(SAM, view.id, {JointIds.LINES: LINES, JointIds.CURRENCY: "EUR",
                                                  JointIds.OWNERS: [SAM, MARIA]})
    assert response.status_code == 200 and not response.content


def play_the_quarter(stack) -> None:
    plan_quarter(stack)
    stack.driver.command(SAM, "/unhappy", "Acme Corp: invoice was wrong twice !high", channel=SALES)
    stack.driver.command(SAM, "/truce", "csat Acme Corp 7/10 slow onboarding")
    stack.driver.command(MARK, "/intel", "Globex cut their list price by 20% for mid-market deals")
    stack.driver.command(SAM, "/truce", "win Acme Corp: the ROI deck won over their CFO 12,000 EUR vs:Globex")
    stack.driver.command(SAM, "/truce", "loss Initech: chose a cheaper tool vs:Globex")


def record_actuals(stack) -> None:
    stack.driver.command(LEE, "/joint", "actuals Win 5 mid-market logos | 11500 | 180000 | 60000 | Sam Seller",
                         channel=JOINT)
    said = stack.state.ephemerals_for(LEE)[-1].text
    assert said.startswith(":white_check_mark: Recorded the 2026-Q4 actuals (1 line changed)"), said
    stack.driver.command(LEE, "/joint", "actuals import", channel=JOINT)
    [view] = stack.state.open_views(LEE)
    assert view.view["callback_id"] == ScorecardIds.IMPORT_VIEW
    response = stack.driver.submit(LEE, view.id, {ScorecardIds.CSV: "goal,revenue\nGrow renewals,30000"})
    assert response.status_code == 200 and not response.content
    assert "Recorded the 2026-Q4 actuals" in stack.state.dms(LEE)[-1].text


def charts(stack) -> list:
    return [m for m in stack.state.messages(JOINT) if m.files]


def check_chart(stack, message, quarter: str) -> str:
    """The PNG is valid, of a sensible size, named for its quarter; its description (the alt text) says the
    figures the message says. Returns the description."""
    [file] = message.files
    assert file["name"].startswith(f"truce-scorecard-{quarter}-") and file["mimetype"] == "image/png"
    data = stack.state.files[file["id"]]["content"]
    assert 20_000 < len(data) < 400_000 and len(data) == int(stack.state.files[file["id"]]["length"])
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR" and struct.unpack(">II", chunks[0][1][:8]) == (1200, 660)
    assert chunks[-1][0] == b"IEND"
    text = all_text(message)
    assert f"Joint scorecard — {quarter}" in text
    return png_text(chunks)["Description"]


def test_a_quarter_played_through_posts_its_scorecard_with_a_chart(stack):
    with at(IN_Q4):
        play_the_quarter(stack)
    with at(LATE_Q4):
        record_actuals(stack)
        stack.driver.open_home(LEE)
        home = "\n".join(b.get("text", {}).get("text", "") for b in stack.state.home[LEE]["blocks"]
                         if isinstance(b.get("text"), dict))
        assert "Scorecard — 2026-Q4" in home
    with at(PROMPT_AT):
        run_joint_job(stack)
        prompt = the_prompt(stack)
        assert "Scorecard, 2026-Q4" in all_text(prompt)
        assert scorecard_job.run_due(stack.rt) == {stack.team_id: "2026-Q4"}
        assert scorecard_job.run_due(stack.rt) == {}  # once: the claim is taken
    [posted] = charts(stack)
    described = check_chart(stack, posted, "2026-Q4")
    text = all_text(posted)
    # the plan: pipeline 180,000 of 330,000 (55%), revenue 90,000 of 130,000.50 (69%), budget 11,500 of 15,500.25
    assert "• *Pipeline* — 2026-Q1: no plan · 2026-Q2: no plan · 2026-Q3: no plan · 2026-Q4: 180k of 330k, 55%" in text
    assert "2026-Q4: 90k of 130k, 69%" in text and "2026-Q4: 11.5k of 15.5k, 74%" in text
    assert "Actual as a share of plan in 2026-Q4: pipeline 55%, revenue 69%, budget spent 74%." in described
    assert "• *Shared by marketing* — 2026-Q1: 0 (±0) · 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 1 (+1)" in text
    assert "by marketing: 0, 0, 0, 1." in described
    assert "• *Reports* — 2026-Q1: 0 (±0) · 2026-Q2: 0 (±0) · 2026-Q3: 0 (±0) · 2026-Q4: 1 (+1)" in text
    assert "Unhappy reports: 0, 0, 0, 1;" in described
    assert "2026-Q4: 7.0 from 1 score" in text and "Satisfaction out of 10: none, none, none, 7.0." in described
    assert "• *Win rate* — 2026-Q1: none · 2026-Q2: none · 2026-Q3: none · 2026-Q4: 50% of 2 deals" in text
    assert "Win rate: none, none, none, 50%." in described and "*Win rate vs Globex*" in text
    with stack.rt.session() as s:
        [row] = s.exec(select(ScorecardChart)).all()
        assert row.status == "shared" and row.file_id == posted.files[0]["id"] and row.size > 20_000

    with at(datetime(2027, 1, 2, 9, 0, tzinfo=UTC)):
        stack.driver.command(MARIA, "/joint", "scorecard 2026-Q4", channel=JOINT)
        answer = stack.state.ephemerals_for(MARIA)[-1]
        assert answer.text.startswith("Joint scorecard 2026-Q4: pipeline 180k of 330k, 55%")
        assert f"Posting it with its chart to <#{JOINT}>" in answer.text
    posted_again = charts(stack)[-1]
    assert len(charts(stack)) == 2 and check_chart(stack, posted_again, "2026-Q4") == described

    with at(datetime(2027, 1, 2, 9, 5, tzinfo=UTC)):
        stack.driver.command(LEE, "/joint", "plan export 2026-Q4", channel=JOINT)
    [export] = [m for m in stack.state.messages(JOINT) if m.files and m.files[0]["name"].endswith(".csv")]
    rows = list(csv.reader(io.StringIO(stack.state.files[export.files[0]["id"]]["content"].decode("utf-8-sig"))))
    header = rows[0]
    first, second = (dict(zip(header, r, strict=True)) for r in rows[1:])
    assert first["Budget spent"] == "11500.00" and first["Budget variance"] == "-500.00"
    assert first["Actual pipeline"] == "180000.00" and first["Pipeline variance"] == "-70000.00"
    assert first["Actual revenue"] == "60000.00" and first["Revenue variance"] == "-30000.50"
    assert first["Actuals by owner"] == "Sam Seller: spent 11500.00, pipeline 180000.00, revenue 60000.00"
    assert second["Actual revenue"] == "30000.00" and second["Revenue variance"] == "-10000.00"
    assert second["Budget spent"] == "" and second["Budget variance"] == ""


def test_the_chart_never_comes_before_the_prompt_it_belongs_to(stack, monkeypatch):
    """As served, the joint tick only queues the prompt and the sender posts it: while the prompt is still on
    its way (a busy outbox), the chart job waits for it instead of uploading the chart first."""
    from datetime import timedelta

    with at(IN_Q4):
        play_the_quarter(stack)
    with at(LATE_Q4):
        record_actuals(stack)
    stack.rt.jobs_post_through_sender = True
    kick = stack.rt.sender.kick
    monkeypatch.setattr(stack.rt.sender, "kick", lambda: None)  # the outbox is busy: the prompt waits its turn
    with at(PROMPT_AT):
        run_joint_job(stack)
        assert scorecard_job.run_due(stack.rt) == {}
        assert charts(stack) == []
        monkeypatch.setattr(stack.rt.sender, "kick", kick)
        stack.rt.sender.kick()
        assert stack.rt.sender.wait_idle(10)
    with at(PROMPT_AT + scorecard_job.PROMPT_WAIT + timedelta(seconds=5)):  # the job's next look
        assert scorecard_job.run_due(stack.rt) == {stack.team_id: "2026-Q4"}
    [posted] = charts(stack)
    joint = stack.state.messages(JOINT)
    assert joint.index(the_prompt(stack)) < joint.index(posted)
