"""The scorecard's numbers as the database computes them: quarters in the workspace's timezone and fiscal
year, medians, SLA breaches, satisfaction on one footing, win rates against competitors, plan vs actual."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import event

from bot.db import session_scope
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.scorecard import actuals, metrics
from tests.scorecard_helpers import LEE, TEAM, deal, plan, report, score, share, utc, workspace

NOW = utc(2027, 2, 15, 12)


def _build(engine, quarter: str | None = None):
    with time_machine.travel(NOW, tick=False), session_scope(engine) as s:
        return metrics.build(s, ws=s.get(Workspace, TEAM), quarter=quarter)


def test_four_quarters_and_the_one_before_each_count_their_own_rows(db):
    workspace(db)
    with session_scope(db) as s:
        share(s, utc(2026, 3, 31, 23), team="sales")             # 2026-Q1: the quarter before the four
        share(s, utc(2026, 4, 1, 0), team="marketing", useful=2)  # 2026-Q2 starts
        share(s, utc(2026, 6, 30, 23, 59), team="sales")
        share(s, utc(2026, 8, 1), team="both", useful=1)
        share(s, utc(2027, 1, 5), team="sales", useful=3)
        share(s, utc(2027, 1, 6), team="sales", retracted=True)  # retracted: not counted
        share(s, utc(2027, 4, 1), team="sales")                  # after the scorecard's quarter
        share(s, utc(2027, 1, 6), team="sales", team_id="T0OTHER")  # another workspace
    card = _build(db)
    assert [q.quarter for q in card.quarters] == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert card.before.quarter == "2026-Q1" and card.before.intel_by_team == {"sales": 1}
    q2, q3, q4, q1 = card.quarters
    assert q2.intel_by_team == {"marketing": 1, "sales": 1} and q2.intel_useful == 1 and q2.useful_rate == 0.5
    assert q3.intel_by_team == {"other": 1} and q3.intel_useful == 1
    assert q4.intel_total == 0 and q4.useful_rate is None
    assert q1.intel_by_team == {"sales": 1} and q1.intel_useful == 1
    assert q1.intel_acted_on is None  # not recorded by Truce: shown as nothing, never as zero


def test_quarters_follow_the_workspace_timezone(db):
    workspace(db, timezone="Europe/Paris")
    with session_scope(db) as s:
        share(s, utc(2026, 12, 31, 23, 30))  # 00:30 on 1 January in Paris: 2027-Q1
        share(s, utc(2026, 12, 31, 22, 30))  # 23:30 on 31 December in Paris: 2026-Q4
    card = _build(db)
    assert card.quarters[-1].intel_total == 1 and card.quarters[-2].intel_total == 1


def test_quarters_follow_the_fiscal_year_start(db):
    workspace(db, fiscal_start=4)  # FY2027 = April 2026 to March 2027; 15 Feb 2027 is in 2027-Q4
    with session_scope(db) as s:
        share(s, utc(2026, 4, 2))    # 2027-Q1
        share(s, utc(2026, 3, 30))   # 2026-Q4
        share(s, utc(2027, 1, 2))    # 2027-Q4
    card = _build(db)
    assert card.quarter == "2027-Q4" and card.label == "2027-Q4 (Jan-Mar 2027)"
    assert [q.quarter for q in card.quarters] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert [q.intel_total for q in card.quarters] == [1, 0, 0, 1] and card.before.intel_total == 1
    assert card.label_of("2027-Q1") == "2027-Q1 (Apr-Jun 2026)"


def test_unhappy_reports_medians_and_sla_breaches(db):
    workspace(db)
    h = timedelta(hours=1)
    with session_scope(db) as s:
        # 2027-Q1: three reports; owned after 1 h, 3 h, 10 h (median 3 h); two resolved after 2 and 4 days
        report(s, utc(2027, 1, 10), owned_after=h, resolved_after=timedelta(days=2))
        report(s, utc(2027, 1, 11), owned_after=3 * h, resolved_after=timedelta(days=4), breached=True)
        report(s, utc(2027, 1, 12), owned_after=10 * h, breached=True)
        # 2026-Q4: four reports, two owned (median of 2 h and 4 h is 3 h), one never owned
        report(s, utc(2026, 11, 1), owned_after=2 * h)
        report(s, utc(2026, 11, 2), owned_after=4 * h)
        report(s, utc(2026, 11, 3))
        report(s, utc(2026, 11, 4), breached=True)
    q4, q1 = _build(db).quarters[-2:]
    assert (q1.reports, q1.resolved, q1.sla_breaches) == (3, 2, 2)
    assert q1.median_to_owners_s == 3 * 3600
    assert q1.median_to_resolution_s == 3 * 86400  # (2 days + 4 days) / 2
    assert (q4.reports, q4.resolved, q4.sla_breaches) == (4, 0, 1)
    assert q4.median_to_owners_s == 3 * 3600 and q4.median_to_resolution_s is None


def test_satisfaction_on_the_common_footing_and_win_rates_against_competitors(db):
    workspace(db)
    with session_scope(db) as s:
        score(s, utc(2027, 1, 3), 8)
        score(s, utc(2027, 1, 4), 4, scale=5)  # 7.5 on the 0-10 footing
        deal(s, utc(2027, 1, 5), "won", "Initech")
        deal(s, utc(2027, 1, 6), "lost", " initech ")
        deal(s, utc(2027, 1, 7), "lost", "Globex")
        deal(s, utc(2027, 1, 8), "won")
        deal(s, utc(2026, 10, 8), "lost", "INITECH")
        deal(s, utc(2026, 10, 9), "won", "Hooli")
        deal(s, utc(2026, 10, 10), "won", "Acme")
        deal(s, utc(2025, 10, 10), "won", "Umbrella")  # long before the four quarters
    card = _build(db)
    q4, q1 = card.quarters[-2:]
    assert q1.csat_count == 2 and q1.csat_average == 7.75
    assert (q1.deals, q1.won, q1.win_rate) == (4, 2, 0.5)
    assert q1.competitors["initech"].deals == 2 and q1.competitors["initech"].win_rate == 0.5
    assert q4.competitors["initech"].win_rate == 0.0
    # the most named over the four quarters: Initech (3), then Acme, Globex, Hooli by name (1 each)
    assert card.top_competitors == (("initech", "INITECH"), ("acme", "Acme"), ("globex", "Globex"))


def test_plan_beside_actuals(db):
    ws = workspace(db)
    plan(db, "2027-Q1", [("Win logos", "10000", "200000", "80000"), ("Webinars", "5000", "50000", "0")])
    plan(db, "2026-Q4", [("Win logos", "8000", "150000", "60000")], currency="USD")
    with time_machine.travel(NOW, tick=False), session_scope(db) as s:
        ws = s.get(Workspace, TEAM)
        actuals.record(s, ws=ws, calendar=calendar_of(ws), quarter="2027-Q1", by=LEE, source="command", drafts=[
            actuals.parse_line("Win logos | 9000 | 120000 | ", where="Line 1"),
            actuals.parse_line("Webinars | 1500.50 | 30000 | | Sam Seller", where="Line 2"),
        ])
    card = _build(db)
    q4, q1 = card.quarters[-2:]
    assert q1.plan.currency == "EUR"
    assert q1.plan.planned == {"budget_spent": Decimal("15000.00"), "pipeline": Decimal("250000.00"),
                               "revenue": Decimal("80000.00")}
    assert q1.plan.actual == {"budget_spent": Decimal("10500.50"), "pipeline": Decimal("150000.00"), "revenue": None}
    assert q1.plan.attainment("pipeline") == 0.6 and q1.plan.attainment("revenue") is None
    assert q4.plan.currency == "USD" and q4.plan.actual == {"budget_spent": None, "pipeline": None, "revenue": None}
    assert card.quarters[0].plan is None  # no plan in 2026-Q2


def test_an_empty_workspace_has_a_scorecard_of_nothing(db):
    workspace(db)
    card = _build(db, "2026-Q3")
    assert card.quarter == "2026-Q3" and [q.quarter for q in card.quarters] == [
        "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert all(q.reports == 0 and q.plan is None and q.csat_average is None for q in card.quarters)


def test_every_query_reads_through_an_index(db):
    """On SQLite (PostgreSQL's planner rightly scans tables this small): no query of the build scans a
    table; the big ones are read from indexes in date order."""
    if db.dialect.name != "sqlite":
        return
    workspace(db)
    statements: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db, "before_cursor_execute", catch)
    try:
        with session_scope(db) as s:
            share(s, utc(2027, 1, 5))
            report(s, utc(2027, 1, 5), owned_after=timedelta(hours=1), resolved_after=timedelta(days=1))
            score(s, utc(2027, 1, 5), 7)
            deal(s, utc(2027, 1, 5), "won", "Initech")
        _build(db)
    finally:
        event.remove(db, "before_cursor_execute", catch)
    assert len(statements) >= 9
    with db.connect() as conn:
        for statement, parameters in statements:
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            assert not [step for step in plan if step.startswith("SCAN ") and "subquery" not in step
                        and not step.startswith("SCAN anon")], (statement, plan)
            for step in plan:
                if step.startswith("SEARCH intel_share"):
                    assert "COVERING INDEX ix_intel_share_scorecard" in step, step
                if step.startswith("SEARCH unhappy_report"):
                    assert "COVERING INDEX ix_unhappy_report_scorecard" in step, step
