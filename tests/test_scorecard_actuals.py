"""Recording actuals against the joint plan: lines as typed, goals and owners matched to the plan, all or
nothing, every change kept with who, when and how; the CSV paste and the webhook's JSON checked like the
satisfaction import; the plan's CSV with plan, actual and variance."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import time_machine

from bot.db import session_scope
from bot.joint import plan as plans
from bot.models import Member, Workspace
from bot.quarters import calendar_of
from bot.scorecard import actuals, actuals_csv, actuals_webhook, export
from bot.user_error import UserError
from tests.scorecard_helpers import LEE, MARIA, OWNERS, SAM, TEAM, plan, utc, workspace

NOW = utc(2027, 2, 15, 12)
LINES = [("Win 5 mid-market logos", "12000", "250000", "90000"), ("Spring webinar series", "4000", "60000", "0")]


@pytest.fixture
def planned(db):
    workspace(db)
    plan(db, "2027-Q1", LINES)
    with session_scope(db) as s:
        s.add(Member(team_id=TEAM, user_id=SAM, display_name="sam", real_name="Sam Seller", in_sales_channel=True))
        s.add(Member(team_id=TEAM, user_id=MARIA, display_name="maria", real_name="Maria Marketer",
                     in_marketing_channel=True))
    return db


def _record(engine, drafts, *, quarter="2027-Q1", by=LEE, source="command", replace=False):
    with time_machine.travel(NOW, tick=False), session_scope(engine) as s:
        ws = s.get(Workspace, TEAM)
        return actuals.record(s, ws=ws, calendar=calendar_of(ws), quarter=quarter, drafts=drafts, by=by,
                              source=source, replace=replace)


def _rows(engine, quarter="2027-Q1"):
    with session_scope(engine) as s:
        return {(a.goal, a.owner_name): (a.budget_spent, a.pipeline, a.revenue)
                for a in actuals.actuals_of(s, team_id=TEAM, quarter=quarter)}


def _revisions(engine, quarter="2027-Q1"):
    with session_scope(engine) as s:
        return actuals.revisions_of(s, team_id=TEAM, quarter=quarter)


def test_a_line_per_goal_and_owner_with_its_history(planned):
    done = _record(planned, actuals.parse_lines(
        "win 5 MID-market   logos | 11,500 | 180000 | 60000 | Sam Seller\n"
        "Win 5 mid-market logos | 500 | 20000 | | @maria\n"
        "#2 | 3999.99"))
    assert done.revision is not None and done.revision.user_id == LEE and done.revision.source == "command"
    assert _rows(planned) == {
        ("Win 5 mid-market logos", "Sam Seller"): (Decimal("11500.00"), Decimal("180000.00"), Decimal("60000.00")),
        ("Win 5 mid-market logos", "Maria Marketer"): (Decimal("500.00"), Decimal("20000.00"), None),
        ("Spring webinar series", ""): (Decimal("3999.99"), None, None),
    }
    assert done.revision.changes["Win 5 mid-market logos · Sam Seller"]["pipeline"] == {"from": None,
                                                                                      "to": "180000.00"}
    # the same values again: nothing changes, no revision
    again = _record(planned, actuals.parse_lines("Win 5 mid-market logos | 11500 | 180000 | 60000 | <@U0SAM>"))
    assert again.revision is None and len(_revisions(planned)) == 1
    # a change is kept with its before and after
    changed = _record(planned, actuals.parse_lines("Win 5 mid-market logos | 11500 | 185000 | 60000 | U0SAM"),
                      source="csv", by=SAM)
    assert changed.revision.changes == {"Win 5 mid-market logos · Sam Seller": {
        "pipeline": {"from": "180000.00", "to": "185000.00"}}}
    assert [r.source for r in _revisions(planned)] == ["command", "csv"]


def test_every_bad_line_is_named_and_nothing_is_stored(planned):
    with pytest.raises(UserError) as caught:
        _record(planned, actuals.parse_lines(
            "Win 5 mid-market logos | 100\nWin 6 logos | 5\n#9 | 1\nSpring webinar series | 1 | | | Olive\n"
            "win 5 mid-market logos | 7"))
    err = caught.value
    assert str(err) == "4 lines can't be recorded; nothing was changed."
    assert [w for w, _ in err.problems] == ["Line 2", "Line 3", "Line 4", "Line 5"]
    assert "the goal “Win 6 logos” is not in the plan" in err.problems[0][1]
    assert "the plan has no line #9 (it has 2)" in err.problems[1][1]
    assert "the owner “Olive” is not one of the plan's owners (Maria Marketer, Sam Seller)" in err.problems[2][1]
    assert "the same goal as Line 1" in err.problems[3][1]
    assert _rows(planned) == {} and _revisions(planned) == []


def test_amounts_and_parts_are_checked_as_typed():
    with pytest.raises(UserError, match=r"Line 1: the pipeline “12k” is not a number"):
        actuals.parse_lines("Win | 10 | 12k")
    with pytest.raises(UserError, match="Line 2 has 6 parts; a line has at most 5"):
        actuals.parse_lines("Win | 1\nWin | 1 | 2 | 3 | Sam | extra")
    with pytest.raises(UserError, match="Line 1 has no goal"):
        actuals.parse_lines(" | 1 | 2")
    assert actuals.parse_lines("\n\n") == []


def test_no_plan_and_future_quarters_are_refused(planned):
    with pytest.raises(UserError, match="There is no joint plan for 2026-Q4") as caught:
        _record(planned, actuals.parse_lines("Win | 1"), quarter="2026-Q4")
    assert caught.value.field == "quarter" and caught.value.code == "no_plan"
    with pytest.raises(UserError, match="2027-Q2 hasn't started yet") as caught:
        _record(planned, actuals.parse_lines("Win | 1"), quarter="2027-Q2")
    assert caught.value.code == "quarter_not_started"


def test_the_form_saves_the_quarter_as_a_whole(planned):
    _record(planned, actuals.parse_lines("#1 | 100 | 200 | 300 | Sam\n#1 | 1 | 2 | 3 | Maria\n#2 | 50"))
    with session_scope(planned) as s:
        p = plans.plan_for(session=s, team_id=TEAM, quarter="2027-Q1")
        shown = actuals.form_text(actuals.beside_plan(plans.lines_of(session=s, plan=p),
                                                      actuals.actuals_of(s, team_id=TEAM, quarter="2027-Q1")))
    assert shown == ("Win 5 mid-market logos | 100.00 | 200.00 | 300.00 | Sam Seller\n"
                     "Win 5 mid-market logos | 1.00 | 2.00 | 3.00 | Maria Marketer\n"
                     "Spring webinar series | 50.00")
    # Maria's line removed and the webinar's amount cleared: both are gone
    done = _record(planned, actuals.parse_lines(shown.splitlines()[0] + "\nSpring webinar series"), source="form",
                   replace=True)
    assert _rows(planned) == {("Win 5 mid-market logos", "Sam Seller"): (Decimal("100.00"), Decimal("200.00"),
                                                                         Decimal("300.00"))}
    assert done.revision.changes["Spring webinar series"] == {"budget_spent": {"from": "50.00", "to": None}}
    assert done.revision.changes["Win 5 mid-market logos · Maria Marketer"]["revenue"] == {"from": "3.00", "to": None}


def test_the_csv_paste_is_checked_like_the_satisfaction_import(planned):
    drafts = actuals_csv.parse('\ufeffGoal, Budget Spent, Pipeline, Owner\n'
                               'Win 5 mid-market logos,"11,500",180000,Sam Seller\n\n'
                               'Spring webinar series,,25000,\n')
    assert [(d.goal, d.owner, dict(d.values), d.where) for d in drafts] == [
        ("Win 5 mid-market logos", "Sam Seller", {"budget_spent": Decimal("11500.00"), "pipeline":
                                                  Decimal("180000.00")}, "Line 2"),
        ("Spring webinar series", "", {"budget_spent": None, "pipeline": Decimal("25000.00")}, "Line 4")]
    _record(planned, drafts, source="csv")
    # revenue was not a column: a later paste without it keeps it
    _record(planned, actuals_csv.parse("goal;revenue;owner\nWin 5 mid-market logos;70000;sam"), source="csv")
    assert _rows(planned)[("Win 5 mid-market logos", "Sam Seller")] == (
        Decimal("11500.00"), Decimal("180000.00"), Decimal("70000.00"))
    with pytest.raises(UserError) as caught:
        actuals_csv.parse("goal,pipeline\nWin,12k\n,5\nWin,1,2\nOk,3")
    assert str(caught.value) == "3 rows can't be recorded; nothing was changed."
    assert caught.value.problems == [
        ("Line 2", "the pipeline “12k” is not a number: write digits like 12000 or 12,000.50."),
        ("Line 3", "no goal: write the plan's goal first."),
        ("Line 4", '3 values but the header has 2 columns (put an amount with commas in "double quotes").')]
    for text, message in [("", "starting with the header line"), ("goal,colour\nWin,red", "unknown column(s): colour"),
                          ("pipeline\n5", "it has no goal column"), ("goal,owner\nWin,Sam", "no amount column"),
                          ("goal,goal,pipeline\nA,B,1", "appears twice"), ("goal,pipeline\n\n", "no actuals under it"),
                          ("goal,pipeline\n" + "Win,1\n" * 1000, "at most 3,000 fit")]:
        with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
            actuals_csv.parse(text)


@pytest.mark.parametrize(("body", "field", "code"), [
    ([], "body", "invalid_body"),
    ({"quarter": 2027}, "quarter", "invalid_quarter"),
    ({"quarter": "Q5 2027", "goal": "Win", "pipeline": 1}, "quarter", "invalid_quarter"),
    ({"goal": "Win"}, "pipeline", "missing_amount"),
    ({"pipeline": 1}, "goal", "missing_goal"),
    ({"goal": "  ", "pipeline": 1}, "goal", "missing_goal"),
    ({"goal": 5, "pipeline": 1}, "goal", "invalid_goal"),
    ({"goal": "Win", "pipeline": "12k"}, "pipeline", "invalid_amount"),
    ({"goal": "Win", "pipeline": -5}, "pipeline", "invalid_amount"),
    ({"goal": "Win", "pipeline": 1.005}, "pipeline", "invalid_amount"),
    ({"goal": "Win", "pipeline": True}, "pipeline", "invalid_amount"),
    ({"goal": "Win", "pipeline": 10 ** 30}, "pipeline", "invalid_amount"),
    ({"goal": "Win", "pipeline": 1, "colour": "red"}, "colour", "unknown_field"),
    ({"lines": []}, "lines", "invalid_lines"),
    ({"lines": [{"goal": "Win", "pipeline": 1}, "x"]}, "lines[1]", "invalid_line"),
    ({"lines": [{"goal": "Win", "pipeline": 1}, {"goal": "B", "revenue": {}}]}, "lines[1].revenue", "invalid_amount"),
    ({"lines": [{"goal": "Win", "pipeline": 1, "owner": ["Sam"]}]}, "lines[0].owner", "invalid_owner"),
    ({"lines": [{"goal": "Win", "pipeline": 1}], "extra": 1}, "extra", "unknown_field"),
])
def test_webhook_bodies_are_refused_naming_the_field(body, field, code):
    with pytest.raises(UserError) as caught:
        actuals_webhook.parse(body)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert str(caught.value).startswith(f"{field}: ")


def test_webhook_bodies_that_are_read():
    quarter, drafts = actuals_webhook.parse({"quarter": "q1 2027", "lines": [
        {"goal": "Win  logos", "owner": "Sam", "budget_spent": 11500, "pipeline": "180,000.5", "revenue": None},
        {"goal": "Webinars", "revenue": 12.5}]})
    assert quarter == "2027-Q1"
    assert [(d.goal, d.owner, dict(d.values), d.where) for d in drafts] == [
        ("Win logos", "Sam", {"budget_spent": Decimal("11500.00"), "pipeline": Decimal("180000.50"), "revenue": None},
         "lines[0]"),
        ("Webinars", "", {"revenue": Decimal("12.50")}, "lines[1]")]
    assert actuals_webhook.parse({"goal": "Win", "pipeline": 7.0}) == (
        None, [actuals.ActualDraft("Win", "", {"pipeline": Decimal("7.00")}, "The line")])


def test_webhook_token_is_kept_as_a_hash(planned):
    with session_scope(planned) as s:
        token = actuals_webhook.issue_token(session=s, team_id=TEAM, user_id=LEE)
        assert actuals_webhook.token_info(session=s, team_id=TEAM).token_hash != token
    with session_scope(planned) as s:
        assert actuals_webhook.team_for_token(session=s, token=token) == TEAM
        assert actuals_webhook.team_for_token(session=s, token=token + "x") is None
        assert actuals_webhook.team_for_token(session=s, token="tac_é") is None
        assert actuals_webhook.team_for_token(session=s, token=None) is None
        renewed = actuals_webhook.issue_token(session=s, team_id=TEAM, user_id=LEE)
    with session_scope(planned) as s:
        assert actuals_webhook.team_for_token(session=s, token=token) is None
        assert actuals_webhook.team_for_token(session=s, token=renewed) == TEAM


def _csv_rows(engine):
    with session_scope(engine) as s:
        p = plans.plan_for(session=s, team_id=TEAM, quarter="2027-Q1")
        variances = actuals.beside_plan(plans.lines_of(session=s, plan=p),
                                        actuals.actuals_of(s, team_id=TEAM, quarter="2027-Q1"))
        return list(csv.reader(io.StringIO(export.plan_actual_csv(p, variances).lstrip("\ufeff"))))


def test_the_export_has_plan_actual_and_variance(planned):
    _record(planned, actuals.parse_lines("#1 | 11500 | 180000 | 60000 | Sam\n#1 | | 20000 | | Maria"))
    rows = _csv_rows(planned)
    assert rows[0] == ["Quarter", "Goal", "Campaign", "Budget", "Currency", "Expected pipeline", "Expected revenue",
                       "Owners", "Budget spent", "Budget variance", "Actual pipeline", "Pipeline variance",
                       "Actual revenue", "Revenue variance", "Actuals by owner"]
    assert rows[1] == ["2027-Q1", "Win 5 mid-market logos", "", "12000.00", "EUR", "250000.00", "90000.00",
                       "Sam Seller; Maria Marketer", "11500.00", "-500.00", "200000.00", "-50000.00", "60000.00",
                       "-30000.00", "Sam Seller: spent 11500.00, pipeline 180000.00, revenue 60000.00; "
                                    "Maria Marketer: pipeline 20000.00"]
    assert rows[2] == ["2027-Q1", "Spring webinar series", "", "4000.00", "EUR", "60000.00", "0.00",
                       "Sam Seller; Maria Marketer", "", "", "", "", "", "", ""]
    assert len(rows) == 3
    assert export.plan_actual_csv(None, []) == "\ufeff" + ",".join(export.HEADER) + "\r\n"


def test_actuals_of_a_goal_the_plan_renamed_stay_in_the_export(planned):
    _record(planned, actuals.parse_lines("#1 | 11500 | 180000 | 60000 | Sam"))
    with time_machine.travel(NOW, tick=False), session_scope(planned) as s:
        ws = s.get(Workspace, TEAM)
        renamed = plans.parse_lines("=Win 6 logos | | 1 | 2 | 3\nSpring webinar series | | 4000 | 60000 | 0")
        plans.save_plan(s, ws=ws, quarter="2027-Q1", currency="EUR", owners=OWNERS, by=SAM, lines=renamed)
    rows = _csv_rows(planned)
    assert rows[1][1:3] == ["'=Win 6 logos", ""] and rows[1][8:] == ["", "", "", "", "", "", ""]
    assert rows[3] == ["2027-Q1", "Win 5 mid-market logos", "", "", "EUR", "", "", "", "11500.00", "", "180000.00",
                       "", "60000.00", "", "Sam Seller: spent 11500.00, pipeline 180000.00, revenue 60000.00"]
