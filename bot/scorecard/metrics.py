"""The scorecard's numbers, computed by the database: one grouped query per area over the five quarters
needed (the four shown and the one before, for the first one's change), each a range scan of an index
on (team_id, <its date>): intel_share (created_at), unhappy_report (created_at), csat_score
(created_at), win_loss (closed_at); plans and actuals by their (team_id, quarter) keys.

A row's quarter is found in SQL by comparing its date with the quarters' edges (UTC instants of local
midnight in the workspace's timezone and fiscal year). Medians are taken with window functions
(row_number / count over each quarter), which SQLite and PostgreSQL both have.

What counts:
- intel: shares made in the quarter, not retracted, by the sharer's team (sales, marketing, other);
  "useful" = at least one Useful vote;
- unhappy reports: made in the quarter; their median time from report to an owner from both teams;
  the median time to resolution of those resolved; SLA breaches = reports whose SLA reminder went out
  (still without an owner from both teams one SLA after the report: bot/services/unhappy_reminders.py);
- satisfaction: scores received in the quarter, averaged on the common 0-10 footing;
- win/loss: deals closed in the quarter; win rate overall and against the competitors named most
  over the four quarters shown;
- plan vs actual: the quarter's plan totals and the actuals recorded against it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from bot.clock import now
from bot.models import CsatScore, IntelShare, JointPlan, JointPlanLine, UnhappyReport, UnhappyStage, WinLoss, Workspace
from bot.scorecard.fiscal import FiscalCalendar, calendar_of, shift
from bot.scorecard.models import PlanActual
from bot.scorecard.numbers import CompetitorRecord, PlanNumbers, QuarterNumbers, Scorecard

SHOWN = 4
TOP_COMPETITORS = 3
CENT = Decimal("0.01")
TEAMS = ("sales", "marketing")


def _bucket(column, edges: list[datetime]) -> ColumnElement:
    """The index (0..n-1) of the quarter [edges[i], edges[i+1]) a date falls in."""
    return case(*[(column < edges[i + 1], literal(i)) for i in range(len(edges) - 1)], else_=None)


def _within(column, edges: list[datetime]) -> ColumnElement:
    return and_(column >= edges[0], column < edges[-1])


def _seconds_between(session: Session, start, end) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _medians(session: Session, inner, value) -> dict[int, float]:
    """Per quarter index, the median of `value` (a column of the subquery `inner`, NULLs left out)."""
    ranked = select(
        inner.c.q.label("q"), value.label("v"),
        func.row_number().over(partition_by=inner.c.q, order_by=value).label("rn"),
        func.count().over(partition_by=inner.c.q).label("n"),
    ).where(value.is_not(None)).subquery()
    rows = session.exec(
        select(ranked.c.q, func.avg(ranked.c.v))
        .where(or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2))
        .group_by(ranked.c.q)
    ).all()
    return {int(q): float(v) for q, v in rows if v is not None}


# --- each area ------------------------------------------------------------------------------------


def intel_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict]:
    inner = select(
        _bucket(IntelShare.created_at, edges).label("q"),
        case((IntelShare.from_team.in_(TEAMS), IntelShare.from_team), else_=literal("other")).label("team"),
        case((IntelShare.useful_count > 0, 1), else_=0).label("useful"),
    ).where(IntelShare.team_id == team_id, _within(IntelShare.created_at, edges),
            IntelShare.retracted_at.is_(None)).subquery()
    out: dict[int, dict] = {}
    for q, team, count, useful in session.exec(
            select(inner.c.q, inner.c.team, func.count(), func.sum(inner.c.useful)).group_by(inner.c.q, inner.c.team)):
        area = out.setdefault(int(q), {"by_team": {}, "useful": 0})
        area["by_team"][team] = int(count)
        area["useful"] += int(useful or 0)
    return out


def unhappy_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict]:
    breached = exists().where(UnhappyStage.report_id == UnhappyReport.id, UnhappyStage.stage == "remind")
    resolved = UnhappyReport.status == "resolved"
    inner = select(
        _bucket(UnhappyReport.created_at, edges).label("q"),
        case((resolved, 1), else_=0).label("resolved"),
        case((breached, 1), else_=0).label("breached"),
        UnhappyReport.time_to_owned_s.label("to_owners"),
        case((and_(resolved, UnhappyReport.closed_at.is_not(None)),
              _seconds_between(session, UnhappyReport.created_at, UnhappyReport.closed_at)),
             else_=None).label("to_resolution"),
    ).where(UnhappyReport.team_id == team_id, _within(UnhappyReport.created_at, edges)).subquery()
    out: dict[int, dict] = {}
    for q, count, done, breaches in session.exec(
            select(inner.c.q, func.count(), func.sum(inner.c.resolved), func.sum(inner.c.breached))
            .group_by(inner.c.q)):
        out[int(q)] = {"reports": int(count), "resolved": int(done or 0), "sla_breaches": int(breaches or 0)}
    for name, column in (("median_to_owners_s", inner.c.to_owners), ("median_to_resolution_s", inner.c.to_resolution)):
        for q, median in _medians(session, inner, column).items():
            out.setdefault(q, {})[name] = median
    return out


def csat_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict]:
    index = case((CsatScore.scale == 10, CsatScore.score), else_=(CsatScore.score - 1) * 2.5)
    inner = select(_bucket(CsatScore.created_at, edges).label("q"), index.label("index")) \
        .where(CsatScore.team_id == team_id, _within(CsatScore.created_at, edges)).subquery()
    return {int(q): {"csat_count": int(count), "csat_average": float(avg) if avg is not None else None}
            for q, count, avg in session.exec(
                select(inner.c.q, func.count(), func.avg(inner.c.index)).group_by(inner.c.q))}


def winloss_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict]:
    inner = select(
        _bucket(WinLoss.closed_at, edges).label("q"),
        case((WinLoss.outcome == "won", 1), else_=0).label("won"),
        func.lower(func.trim(WinLoss.competitor)).label("key"),
        WinLoss.competitor.label("name"),
    ).where(WinLoss.team_id == team_id, _within(WinLoss.closed_at, edges)).subquery()
    out: dict[int, dict] = {}
    for q, deals, won in session.exec(select(inner.c.q, func.count(), func.sum(inner.c.won)).group_by(inner.c.q)):
        out[int(q)] = {"deals": int(deals), "won": int(won or 0), "competitors": {}}
    for q, key, name, deals, won in session.exec(
            select(inner.c.q, inner.c.key, func.min(inner.c.name), func.count(), func.sum(inner.c.won))
            .where(inner.c.key.is_not(None), inner.c.key != "").group_by(inner.c.q, inner.c.key)):
        out[int(q)]["competitors"][key] = CompetitorRecord(key=key, name=" ".join(name.split()), won=int(won or 0),
                                                           deals=int(deals))
    return out


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def plan_numbers(session: Session, *, team_id: str, quarters: list[str]) -> dict[str, PlanNumbers]:
    plans = {q: (currency, {"budget_spent": _money(b or 0), "pipeline": _money(p or 0), "revenue": _money(r or 0)})
             for q, currency, b, p, r in session.exec(
                 select(JointPlan.quarter, JointPlan.currency, func.sum(JointPlanLine.budget),
                        func.sum(JointPlanLine.expected_pipeline), func.sum(JointPlanLine.expected_revenue))
                 .join(JointPlanLine, JointPlanLine.plan_id == JointPlan.id)
                 .where(JointPlan.team_id == team_id, JointPlan.quarter.in_(quarters))
                 .group_by(JointPlan.quarter, JointPlan.currency))}
    actuals: dict[str, dict[str, Decimal | None]] = {}
    for q, b, p, r, nb, np_, nr in session.exec(
            select(PlanActual.quarter, func.sum(PlanActual.budget_spent), func.sum(PlanActual.pipeline),
                   func.sum(PlanActual.revenue), func.count(PlanActual.budget_spent), func.count(PlanActual.pipeline),
                   func.count(PlanActual.revenue))
            .where(PlanActual.team_id == team_id, PlanActual.quarter.in_(quarters)).group_by(PlanActual.quarter)):
        actuals[q] = {"budget_spent": _money(b) if nb else None, "pipeline": _money(p) if np_ else None,
                      "revenue": _money(r) if nr else None}
    empty = dict.fromkeys(("budget_spent", "pipeline", "revenue"))
    return {q: PlanNumbers(currency=currency, planned=planned, actual=actuals.get(q, empty))
            for q, (currency, planned) in plans.items()}


# --- the scorecard --------------------------------------------------------------------------------


def build(session: Session, *, ws: Workspace, quarter: str | None = None, calendar: FiscalCalendar | None = None,
          shown: int = SHOWN, top: int = TOP_COMPETITORS) -> Scorecard:
    """The scorecard of the `shown` quarters ending at `quarter` (default: the current one)."""
    calendar = calendar or calendar_of(ws)
    quarter = quarter or calendar.quarter_of(now())
    quarters = [shift(quarter, -i) for i in range(shown, -1, -1)]  # the one before first, then the shown
    edges = [calendar.bounds(q)[0] for q in quarters] + [calendar.bounds(quarter)[1]]
    team_id = ws.team_id
    areas = [intel_numbers(session, team_id=team_id, edges=edges),
             unhappy_numbers(session, team_id=team_id, edges=edges),
             csat_numbers(session, team_id=team_id, edges=edges),
             winloss_numbers(session, team_id=team_id, edges=edges)]
    plans = plan_numbers(session, team_id=team_id, quarters=quarters)
    numbers = []
    for i, q in enumerate(quarters):
        fields: dict = {}
        for area in areas:
            fields.update(area.get(i, {}))
        by_team = fields.pop("by_team", {})
        useful = fields.pop("useful", 0)
        numbers.append(QuarterNumbers(quarter=q, plan=plans.get(q), intel_by_team=by_team, intel_useful=useful,
                                      **fields))
    totals: dict[str, list] = {}
    for n in numbers[1:]:
        for key, record in n.competitors.items():
            entry = totals.setdefault(key, [0, record.name])
            entry[0] += record.deals
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[1][1].lower()))[:top]
    return Scorecard(team_id=team_id, quarter=quarter, label=calendar.label(quarter), quarters=tuple(numbers[1:]),
                     before=numbers[0], top_competitors=tuple((k, v[1]) for k, v in ranked),
                     labels={q: calendar.label(q) for q in quarters})
