"""Bad actuals get friendly errors naming the line and field, whatever way they come (command, form, CSV
paste, webhook), and nothing is half-stored; a chart run that died after sharing does not post twice."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import select

from bot.sandbox.seed import JOINT, LEE, SAM
from bot.scorecard import posting
from bot.scorecard.ids import ScorecardIds
from bot.scorecard.models import PlanActual, PlanActualRevision, ScorecardChart
from jobs import scorecard as scorecard_job
from jobs import tasks as tasks_job
from tests.joint_helpers import PROMPT_AT, at
from tests.joint_helpers import run as run_joint_job
from tests.test_scorecard_story import IN_Q4, LATE_Q4, charts, plan_quarter


def stored(stack) -> tuple[list, list]:
    with stack.rt.session() as s:
        return s.exec(select(PlanActual)).all(), s.exec(select(PlanActualRevision)).all()


def test_bad_actuals_are_refused_whole_with_the_field_named(stack):
    with at(IN_Q4):
        plan_quarter(stack)
    with at(LATE_Q4):
        stack.driver.command(LEE, "/joint", "actuals Win <!channel> logos | 12k | 1000", channel=JOINT)
        said = stack.state.ephemerals_for(LEE)[-1].text
        assert "Nothing was recorded" in said and "<!channel>" not in said and "Win @channel logos" in said
        assert "the budget spent “12k” is not a number" in said
        stack.driver.command(SAM, "/joint", "actuals Grow renewals | 1 | 2 | 3", channel=JOINT)
        assert stack.state.ephemerals_for(SAM)[-1].text.startswith("Only a Slack admin or a Truce lead")
        stack.driver.command(LEE, "/joint", "actuals 2027-Q3", channel=JOINT)
        assert "hasn't started yet" in stack.state.ephemerals_for(LEE)[-1].text

        stack.driver.command(LEE, "/joint", "actuals import", channel=JOINT)
        [view] = stack.state.open_views(LEE)
        paste = "goal,pipeline,revenue\nGrow renewals,70000,30000\nWin 5 mid-market logos,lots,1\nNo such goal,1,1"
        body = stack.driver.submit(LEE, view.id, {ScorecardIds.CSV: paste}).json()
        error = body["errors"][ScorecardIds.CSV_BLOCK]
        assert "Line 3" in error and "pipeline “lots” is not a number" in error
        assert stack.state.open_views(LEE), "the form stays open with the paste in it"
        body = stack.driver.submit(LEE, view.id, {ScorecardIds.CSV: "goal,pipeline\nNo such goal,1"}).json()
        assert "No such goal" in body["errors"][ScorecardIds.CSV_BLOCK]
        stack.state.views.clear()

        stack.driver.command(LEE, "/joint", "actuals", channel=JOINT)
        [form] = stack.state.open_views(LEE)
        body = stack.driver.submit(LEE, form.id, {ScorecardIds.ACTUALS: "Grow renewals | 1 | 2 | 3 | 4 | 5"}).json()
        assert "Line 1 has 6 parts" in body["errors"][ScorecardIds.ACTUALS_BLOCK]
        assert stored(stack) == ([], [])

        stack.driver.command(LEE, "/joint", "actuals token", channel=JOINT)
        token = re.search(r"`(tac_[\w-]+)`", stack.state.ephemerals_for(LEE)[-1].text).group(1)
        url = stack.server.url + "/webhooks/actuals"
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.post(url, json={"lines": []}, headers={"Authorization": "Bearer nope"}).status_code == 401
        bad = httpx.post(url, headers=auth, json={"quarter": "2026-Q4", "lines": [
            {"goal": "Grow renewals", "pipeline": 70000}, {"goal": "Grow renewals", "pipeline": "1.234"}]})
        assert bad.status_code == 400 and bad.json()["field"] == "lines[1].pipeline"
        assert "lines[1].pipeline" in bad.json()["detail"]
        assert httpx.post(url, headers=auth, content=b"{not json",
                          ).status_code == 400
        assert stored(stack) == ([], [])
        good = httpx.post(url, headers=auth, json={"lines": [{"goal": "grow  RENEWALS", "pipeline": "70000"}]})
        assert good.status_code == 201 and good.json()["quarter"] == "2026-Q4" and good.json()["changed"] == 1
        again = httpx.post(url, headers=auth, json={"lines": [{"goal": "Grow renewals", "pipeline": 70000}]})
        assert again.status_code == 201 and again.json()["changed"] == 0  # the same values: nothing new
        rows, revisions = stored(stack)
        assert [(r.goal, r.pipeline, r.source) for r in rows] == [("Grow renewals", 70000, "webhook")]
        assert [r.user_id for r in revisions] == ["webhook"]


def test_a_chart_run_that_died_after_sharing_does_not_post_again(stack, monkeypatch):
    with at(IN_Q4):
        plan_quarter(stack)
    with at(PROMPT_AT):
        run_joint_job(stack)
        real = posting.shared
        monkeypatch.setattr(posting, "shared", lambda *a, **k: (_ for _ in ()).throw(OSError("crashed")))
        assert scorecard_job.run_due(stack.rt) == {}  # shared in Slack, but not recorded
        assert len(charts(stack)) == 1
        monkeypatch.setattr(posting, "shared", real)
    with at(PROMPT_AT.replace(minute=5)):
        assert tasks_job.run_due(stack.rt) == 1  # the retry finds the file by its name
    assert len(charts(stack)) == 1
    with stack.rt.session() as s:
        [row] = s.exec(select(ScorecardChart)).all()
        assert row.status == "shared" and row.file_id == charts(stack)[0].files[0]["id"]


@pytest.mark.parametrize("text", ["scorecard 2027-Q9", "scorecard someday"])
def test_scorecard_of_a_quarter_that_cannot_be_read(stack, text):
    with at(IN_Q4):
        stack.driver.command(SAM, "/joint", text, channel=JOINT)
    said = stack.state.ephemerals_for(SAM)[-1].text
    assert "is not a quarter" in said and f"/joint {text}" in said and not charts(stack)
