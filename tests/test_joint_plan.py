"""The joint plan: its modal (validation), revisions, history, the CSV in Slack and over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import httpx
from sqlmodel import select

from bot.ids import JointIds
from bot.joint.models import JointPlanLine, JointPlanRevision
from bot.sandbox.seed import JOINT, LEE, MARIA, OLIVE, RANDOM, SAM
from tests.joint_helpers import at
from tests.message_text import all_text

IN_Q1 = datetime(2027, 1, 12, 15, 0, tzinfo=UTC)
LINES = ("Win 5 mid-market logos | Spring webinar series | 12,000 | 250000 | 90000.50\n"
         "Grow renewals | Customer advocacy | 3500.25 | 80000 | 40000")
GOOD = {JointIds.LINES: LINES, JointIds.CURRENCY: "eur", JointIds.OWNERS: [SAM, MARIA]}


def _open(stack, user, text="plan"):
    stack.driver.command(user, "/joint", text, channel=JOINT)
    [view] = stack.state.open_views(user)
    return view


def _plan_message(stack):
    [msg] = [m for m in stack.state.messages(JOINT) if m.text.startswith("Joint plan")]
    return msg


def _save_first_plan(stack):
    view = _open(stack, SAM)
    response = stack.driver.submit(SAM, view.id, GOOD)
    assert response.status_code == 200 and not response.content


def test_plan_modal_answers_every_mistake_in_place(stack):
    with at(IN_Q1):
        view = _open(stack, SAM)
        assert view.view["title"]["text"] == "Joint plan 2027-Q1"
        owners = next(b for b in view.view["blocks"] if b.get("block_id") == JointIds.OWNERS_BLOCK)
        assert owners["element"]["initial_users"] == [SAM]
        body = stack.driver.submit(SAM, view.id, {
            JointIds.LINES: "Win logos | Webinars | 12k | 1000 | 500", JointIds.CURRENCY: "EUX",
            JointIds.OWNERS: [SAM, OLIVE]}).json()
        errors = body["errors"]
        assert errors[JointIds.LINES_BLOCK] == ("Line 1: the budget “12k” is not a number: write digits like 12000 "
                                                "or 12,000.50.")
        assert "“EUX” is not an ISO 4217 currency code" in errors[JointIds.CURRENCY_BLOCK]
        assert "Olive Outsider is on neither the sales nor the marketing team" in errors[JointIds.OWNERS_BLOCK]
        body = stack.driver.submit(SAM, view.id, {**GOOD, JointIds.OWNERS: [SAM]}).json()
        assert body["errors"] == {JointIds.OWNERS_BLOCK: "A joint plan needs an owner from sales and a different "
                                                         "one from marketing: add someone from marketing."}
        body = stack.driver.submit(SAM, view.id, {**GOOD, JointIds.OWNERS: [LEE]}).json()
        assert "add someone from the other team" in body["errors"][JointIds.OWNERS_BLOCK]
        body = stack.driver.submit(SAM, view.id, {**GOOD, JointIds.LINES: " | Webinars | 100"}).json()
        assert "Line 1 has no goal" in body["errors"][JointIds.LINES_BLOCK]
        body = stack.driver.submit(SAM, view.id, {**GOOD, JointIds.LINES: "Goal | c | 10.555"}).json()
        assert "more than 2 decimals" in body["errors"][JointIds.LINES_BLOCK]
        assert stack.state.open_views(SAM), "the modal stays open with what was typed"
        stack.driver.command(OLIVE, "/joint", "plan", channel=JOINT)
        assert "Only people on the sales or marketing team" in stack.state.ephemerals_for(OLIVE)[-1].text
        stack.driver.command(SAM, "/joint", "plan 2027-Q5", channel=JOINT)
        note = stack.state.ephemerals_for(SAM)[-1].text
        assert "“2027-Q5” is not a quarter" in note and "```/joint plan 2027-Q5```" in note
    with stack.rt.session() as s:
        assert s.exec(select(JointPlanLine)).all() == []


def test_plan_saved_edited_with_history_kept_and_posted(stack):
    with at(IN_Q1):
        _save_first_plan(stack)
        msg = _plan_message(stack)
        text = all_text(msg)
        assert "Joint business plan — 2027-Q1" in text
        assert "*Marketing budget:* 15,500.25 EUR" in text and "*Expected revenue:* 130,000.50 EUR" in text
        assert f"<@{SAM}> (sales)" in text and f"<@{MARIA}> (marketing)" in text
        [created] = stack.state.replies(JOINT, msg.ts)
        assert f"<@{SAM}> created the plan" in created.text
    with at(IN_Q1.replace(day=20)):
        view = _open(stack, MARIA)
        lines = next(b for b in view.view["blocks"] if b.get("block_id") == JointIds.LINES_BLOCK)
        assert lines["element"]["initial_value"].startswith("Win 5 mid-market logos | Spring webinar series | "
                                                            "12000.00 | 250000.00 | 90000.50")
        edited = LINES.replace("3500.25", "5000")
        stack.driver.submit(MARIA, view.id, {JointIds.LINES: edited, JointIds.CURRENCY: "USD",
                                             JointIds.OWNERS: [SAM, MARIA]})
        view = _open(stack, MARIA)
        stack.driver.submit(MARIA, view.id, {JointIds.LINES: edited, JointIds.CURRENCY: "USD",
                                             JointIds.OWNERS: [SAM, MARIA]})
        assert "unchanged" in stack.state.dms(MARIA)[-1].text
    msg = _plan_message(stack)
    assert "*Marketing budget:* 17,000.00 USD" in all_text(msg)
    _, change = stack.state.replies(JOINT, msg.ts)
    assert f"<@{MARIA}> changed the plan" in change.text
    assert "- Grow renewals | Customer advocacy | 3500.25" in change.text
    assert "+ Grow renewals | Customer advocacy | 5000.00" in change.text
    assert "currency: EUR → USD" in change.text
    with stack.rt.session() as s:
        revisions = s.exec(select(JointPlanRevision).order_by(JointPlanRevision.id)).all()
        assert [r.user_id for r in revisions] == [SAM, MARIA]
        assert revisions[1].changes["currency"] == {"from": "EUR", "to": "USD"}
        budgets = [ln.budget for ln in s.exec(select(JointPlanLine).order_by(JointPlanLine.position)).all()]
        assert budgets == [Decimal("12000.00"), Decimal("5000.00")]
    with at(IN_Q1.replace(day=21)):
        stack.driver.command(LEE, "/joint", "plan history 2027-Q1")
        history = stack.state.ephemerals_for(LEE)[-1].text
        assert "(2 changes)" in history and "created the plan" in history and "EUR → USD" in history


def test_a_quarter_that_ended_is_kept_as_it_was(stack):
    with at(IN_Q1):
        _save_first_plan(stack)
        view = _open(stack, MARIA)
    with at(datetime(2027, 4, 1, 0, 0, 5, tzinfo=UTC)):
        body = stack.driver.submit(MARIA, view.id, {**GOOD, JointIds.CURRENCY: "GBP"}).json()
        assert "2027-Q1 has ended" in body["errors"][JointIds.LINES_BLOCK]
        stack.driver.command(MARIA, "/joint", "plan 2027-Q1", channel=JOINT)
        assert "2027-Q1 has ended" in stack.state.ephemerals_for(MARIA)[-1].text
        assert stack.state.open_views(MARIA) == [] or all(v.id == view.id for v in stack.state.open_views(MARIA))
        stack.driver.command(MARIA, "/joint", "plan", channel=JOINT)  # the current quarter is open
        assert any(v.view["title"]["text"] == "Joint plan 2027-Q2" for v in stack.state.open_views(MARIA))


def _csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_posts_a_csv_file_finance_can_open(stack):
    with at(IN_Q1):
        _save_first_plan(stack)
        stack.driver.command(LEE, "/joint", "plan export 2027-Q1", channel=JOINT)
    [shared] = [m for m in stack.state.messages(JOINT) if m.files]
    assert shared.text.startswith("Joint plan 2027-Q1 for the finance forecast: 2 line(s)")
    [file] = shared.files
    assert file["name"] == "truce-joint-plan-2027-Q1.csv" and file["title"] == "Joint plan 2027-Q1"
    rows = _csv_rows(stack.state.files[file["id"]]["content"])
    assert rows[0][:8] == ["Quarter", "Goal", "Campaign", "Budget", "Currency", "Expected pipeline",
                           "Expected revenue", "Owners"]
    assert rows[0][8:] == ["Budget spent", "Budget variance", "Actual pipeline", "Pipeline variance", "Actual revenue",
                           "Revenue variance", "Actuals by owner"]
    assert rows[1] == ["2027-Q1", "Win 5 mid-market logos", "Spring webinar series", "12000.00", "EUR", "250000.00",
                       "90000.50", "Sam Seller; Maria Brand", "", "", "", "", "", "", ""]  # no actuals yet
    assert rows[2][3] == "3500.25" and len(rows) == 3
    assert len(stack.state.files[file["id"]]["content"]) == int(stack.state.files[file["id"]]["length"])


def test_export_from_a_channel_without_truce_comes_by_dm(stack):
    with at(IN_Q1):
        _save_first_plan(stack)
        stack.driver.command(SAM, "/joint", "plan export", channel=RANDOM)
        stack.driver.command(SAM, "/joint", "plan export 2026-Q3", channel=JOINT)
    assert "the CSV is in your DMs" in stack.state.ephemerals_for(SAM)[-2].text
    assert [m for m in stack.state.dms(SAM) if m.files]
    assert "no joint plan for 2026-Q3" in stack.state.ephemerals_for(SAM)[-1].text


def test_http_export_needs_a_token(stack):
    url = stack.server.url + "/export/plan.csv"
    with at(IN_Q1):
        _save_first_plan(stack)
        stack.driver.command(SAM, "/joint", "plan token")
        assert "Only a Slack admin or a Truce lead" in stack.state.ephemerals_for(SAM)[-1].text
        stack.driver.command(LEE, "/joint", "plan token")
        token = re.search(r"```(truce-export-[\w-]+)```", stack.state.ephemerals_for(LEE)[-1].text).group(1)
        params = {"team": stack.team_id, "quarter": "2027-Q1"}
        missing = httpx.get(url, params=params)
        assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
        assert httpx.get(url, params=params, headers={"Authorization": "Bearer nope"}).status_code == 401
        good = httpx.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
        assert good.status_code == 200 and good.headers["content-type"].startswith("text/csv")
        assert 'filename="truce-joint-plan-2027-Q1.csv"' in good.headers["content-disposition"]
        rows = _csv_rows(good.content)
        assert [r[1] for r in rows[1:]] == ["Win 5 mid-market logos", "Grow renewals"]
        current = httpx.get(url, params={"team": stack.team_id}, headers={"Authorization": f"Bearer {token}"})
        assert current.content == good.content  # no quarter: the current one
        none = httpx.get(url, params={**params, "quarter": "2027-Q3"}, headers={"Authorization": f"Bearer {token}"})
        assert none.status_code == 404 and none.json()["error"] == "no_plan"
        bad = httpx.get(url, params={**params, "quarter": "soon"}, headers={"Authorization": f"Bearer {token}"})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_quarter"
        stack.rt.settings.export_token = "finance-global-token"
        glob = httpx.get(url, params=params, headers={"Authorization": "Bearer finance-global-token"})
        assert glob.status_code == 200 and glob.content == good.content
        other = httpx.get(url, params={"team": "T0OTHER"}, headers={"Authorization": "Bearer finance-global-token"})
        assert other.status_code == 404
        assert httpx.get(url, params={"team": "T0OTHER"}, headers={"Authorization": f"Bearer {token}"}
                         ).status_code == 401


def test_csv_keeps_formulas_as_text():
    from bot.joint.models import JointPlan, JointPlanLine
    from bot.scorecard.actuals import beside_plan
    from bot.scorecard.export import plan_actual_csv

    plan = JointPlan(team_id="T", quarter="2027-Q1", currency="EUR", created_by="U", updated_by="U",
                     owners=[{"id": "U1", "name": "=HYPERLINK(\"x\")", "teams": ["sales"]}])
    line = JointPlanLine(team_id="T", plan_id=1, position=0, goal="=1+1", campaign="@SUM(A1)",
                         budget=Decimal("1.00"), expected_pipeline=Decimal("2.00"), expected_revenue=Decimal("3.00"))
    rows = _csv_rows(plan_actual_csv(plan, beside_plan([line], [])))
    assert rows[1][1] == "'=1+1" and rows[1][2] == "'@SUM(A1)" and rows[1][7].startswith("'=HYPERLINK")


def test_two_people_starting_the_same_plan_at_once_both_have_their_say(stack):
    import threading

    with at(IN_Q1):
        views = {SAM: _open(stack, SAM), MARIA: _open(stack, MARIA)}
        edited = LINES.replace("3500.25", "4000")
        values = {SAM: GOOD, MARIA: {**GOOD, JointIds.LINES: edited}}
        responses, barrier = {}, threading.Barrier(2)

        def save(user):
            barrier.wait()
            responses[user] = stack.driver.submit(user, views[user].id, values[user])

        threads = [threading.Thread(target=save, args=(u,)) for u in views]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    assert all(r.status_code == 200 and not r.content for r in responses.values()), responses
    with stack.rt.session() as s:
        revisions = s.exec(select(JointPlanRevision).order_by(JointPlanRevision.id)).all()
        assert sorted(r.user_id for r in revisions) == sorted([SAM, MARIA])  # the later save edits the first
