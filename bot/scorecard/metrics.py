"""The scorecard's numbers, computed by the database: one grouped query per area over the five quarters
needed (the four shown and the one before, for the first one's change), each a range scan of an index
on (team_id, <its date>): intel_share (created_at), unhappy_report (created_at), csat_score
(created_at), win_loss (closed_at); plans and actuals by their (team_id, quarter) keys.

The two largest (shares and reports) have covering indexes of their own (bot/scorecard/models.py).
Quarters start at local midnight in the workspace's timezone and fiscal year (UTC instants here).
Counts and averages are one aggregate per quarter, the five joined with UNION ALL (a range scan each,
nothing sorted to group). A median is the middle value (or the average of the middle two) of a
quarter's values in order, fetched with LIMIT/OFFSET once the counts are known. Per-competitor records
find a row's quarter with CASE over the edges.

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

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CompoundSelect, Select, SQLColumnExpression, and_, case, exists, func, literal, union_all
from sqlalchemy import select as core_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from bot.clock import now
from bot.intel.models import IntelShare
from bot.joint.models import JointPlan, JointPlanLine
from bot.models import Workspace
from bot.playbook.models import WinLoss
from bot.quarters import FiscalCalendar, calendar_of, shift_quarter
from bot.scorecard.models import PlanActual
from bot.scorecard.numbers import CompetitorRecord, PlanNumbers, QuarterNumbers, Scorecard
from bot.unhappy.csat_models import CsatScore
from bot.unhappy.models import UnhappyReport, UnhappyStage

SHOWN = 4
TOP_COMPETITORS = 3
CENT = Decimal("0.01")


def _bucket(column: SQLColumnExpression[Any], edges: list[datetime]) -> ColumnElement[Any]:
    """The index (0..n-1) of the quarter [edges[i], edges[i+1]) a date falls in."""
    return case(*[(column < edges[i + 1], literal(i)) for i in range(len(edges) - 1)], else_=None)


def _within(column: SQLColumnExpression[Any], edges: list[datetime]) -> ColumnElement[bool]:
    return and_(column >= edges[0], column < edges[-1])


def _seconds_between(session: Session, start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]) -> \
        ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _medians(session: Session, value: SQLColumnExpression[Any], counts: dict[int, int],
             where: Callable[[int], tuple[ColumnElement[bool], ...]]) -> dict[int, float]:
    """Per quarter index, the median of `value` over the rows `where(i)` selects, `counts[i]` of them with a
    value: the middle one or two, found by ordering the quarter's values (LIMIT/OFFSET), then averaged."""
    parts = []
    for i, n in counts.items():
        if n:
            middle = select(literal(i).label("q"), value.label("v")).where(*where(i), value.is_not(None)) \
                .order_by(value).limit(2 - n % 2).offset((n - 1) // 2).subquery()
            parts.append(select(middle.c.q, middle.c.v))
    if not parts:
        return {}
    both = union_all(*parts).subquery()
    return {int(q): float(v) for q, v in session.exec(select(both.c.q, func.avg(both.c.v)).group_by(both.c.q))}


# --- each area ------------------------------------------------------------------------------------


def _per_quarter(edges: list[datetime], make: Callable[[int, datetime, datetime], Select]) -> CompoundSelect:
    """One aggregate row per quarter, `make(i, start, end)` each (its first column the literal index i),
    joined with UNION ALL: each part is a range scan of its quarter, and nothing is sorted to group."""
    return union_all(*[make(i, edges[i], edges[i + 1]) for i in range(len(edges) - 1)])



def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def intel_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict[str, Any]]:
    team = col(IntelShare.from_team)

    def quarter(i: int, start: datetime, end: datetime) -> Select:
        return core_select(literal(i).label("q"), func.count(), _count_if(team == "sales"),
                           _count_if(team == "marketing"), _count_if(col(IntelShare.useful_count) > 0)) \
            .where(col(IntelShare.team_id) == team_id, col(IntelShare.created_at) >= start,
                   col(IntelShare.created_at) < end, col(IntelShare.retracted_at).is_(None))

    out: dict[int, dict[str, Any]] = {}
    for q, count, sales, marketing, useful in session.connection().execute(_per_quarter(edges, quarter)):
        if count:
            by_team = {"sales": int(sales or 0), "marketing": int(marketing or 0)}
            by_team["other"] = int(count) - by_team["sales"] - by_team["marketing"]
            out[int(q)] = {"by_team": {k: v for k, v in by_team.items() if v}, "useful": int(useful or 0)}
    return out


def unhappy_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict[str, Any]]:
    breached = exists().where(col(UnhappyStage.report_id) == col(UnhappyReport.id), col(UnhappyStage.stage) == "remind")
    closed = and_(col(UnhappyReport.status) == "resolved", col(UnhappyReport.closed_at).is_not(None))

    def within(i: int) -> tuple[ColumnElement[bool], ...]:
        return (col(UnhappyReport.team_id) == team_id, col(UnhappyReport.created_at) >= edges[i],
                col(UnhappyReport.created_at) < edges[i + 1])

    def quarter(i: int, start: datetime, end: datetime) -> Select:
        return core_select(literal(i).label("q"), func.count(), _count_if(col(UnhappyReport.status) == "resolved"),
                           _count_if(breached), func.count(col(UnhappyReport.time_to_owned_s)), _count_if(closed)) \
            .where(*within(i))

    out: dict[int, dict[str, Any]] = {}
    owned: dict[int, int] = {}
    resolved: dict[int, int] = {}
    for q, count, done, breaches, n_owned, n_closed in session.connection().execute(_per_quarter(edges, quarter)):
        if count:
            out[int(q)] = {"reports": int(count), "resolved": int(done or 0), "sla_breaches": int(breaches or 0)}
            owned[int(q)], resolved[int(q)] = int(n_owned or 0), int(n_closed or 0)
    for q, median in _medians(session, col(UnhappyReport.time_to_owned_s), owned, within).items():
        out[q]["median_to_owners_s"] = median
    to_resolution = _seconds_between(session, col(UnhappyReport.created_at), col(UnhappyReport.closed_at))
    for q, median in _medians(session, to_resolution, resolved, lambda i: (*within(i), closed)).items():
        out[q]["median_to_resolution_s"] = median
    return out


def csat_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict[str, Any]]:
    index = case((col(CsatScore.scale) == 10, col(CsatScore.score)), else_=(col(CsatScore.score) - 1) * 2.5)

    def quarter(i: int, start: datetime, end: datetime) -> Select:
        return core_select(literal(i).label("q"), func.count(), func.avg(index)) \
            .where(col(CsatScore.team_id) == team_id, col(CsatScore.created_at) >= start,
                   col(CsatScore.created_at) < end)

    return {int(q): {"csat_count": int(count), "csat_average": float(avg)}
            for q, count, avg in session.connection().execute(_per_quarter(edges, quarter)) if count}


def winloss_numbers(session: Session, *, team_id: str, edges: list[datetime]) -> dict[int, dict[str, Any]]:
    competitor = col(WinLoss.competitor)
    inner = core_select(
        _bucket(col(WinLoss.closed_at), edges).label("q"),
        case((col(WinLoss.outcome) == "won", 1), else_=0).label("won"),
        func.lower(func.trim(competitor)).label("key"),
        competitor.label("name"),
    ).where(col(WinLoss.team_id) == team_id, _within(col(WinLoss.closed_at), edges),
            competitor.is_not(None)).subquery()

    def quarter(i: int, start: datetime, end: datetime) -> Select:
        return core_select(literal(i).label("q"), func.count(), _count_if(col(WinLoss.outcome) == "won")) \
            .where(col(WinLoss.team_id) == team_id, col(WinLoss.closed_at) >= start, col(WinLoss.closed_at) < end)

    out: dict[int, dict[str, Any]] = {int(q): {"deals": int(deals), "won": int(won or 0), "competitors": {}}
                            for q, deals, won in session.connection().execute(_per_quarter(edges, quarter)) if deals}
    for q, key, name, deals, won in session.connection().execute(
            core_select(inner.c.q, inner.c.key, func.min(inner.c.name), func.count(), func.sum(inner.c.won))
            .where(inner.c.key.is_not(None), inner.c.key != "").group_by(inner.c.q, inner.c.key)):
        out[int(q)]["competitors"][key] = CompetitorRecord(key=key, name=" ".join(name.split()), won=int(won or 0),
                                                           deals=int(deals))
    return out


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def plan_numbers(session: Session, *, team_id: str, quarters: list[str]) -> dict[str, PlanNumbers]:
    plans = {q: (currency, {"budget_spent": _money(b or 0), "pipeline": _money(p or 0), "revenue": _money(r or 0)})
             for q, currency, b, p, r in session.connection().execute(
                 core_select(col(JointPlan.quarter), col(JointPlan.currency), func.sum(col(JointPlanLine.budget)),
                             func.sum(col(JointPlanLine.expected_pipeline)),
                             func.sum(col(JointPlanLine.expected_revenue)))
                 .join(JointPlanLine, col(JointPlanLine.plan_id) == col(JointPlan.id))
                 .where(col(JointPlan.team_id) == team_id, col(JointPlan.quarter).in_(quarters))
                 .group_by(col(JointPlan.quarter), col(JointPlan.currency)))}
    actuals: dict[str, dict[str, Decimal | None]] = {}
    for q, b, p, r, nb, np_, nr in session.connection().execute(
            core_select(col(PlanActual.quarter), func.sum(col(PlanActual.budget_spent)),
                        func.sum(col(PlanActual.pipeline)), func.sum(col(PlanActual.revenue)),
                        func.count(col(PlanActual.budget_spent)), func.count(col(PlanActual.pipeline)),
                        func.count(col(PlanActual.revenue)))
            .where(col(PlanActual.team_id) == team_id, col(PlanActual.quarter).in_(quarters))
            .group_by(col(PlanActual.quarter))):
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
    quarters = [shift_quarter(quarter, -i) for i in range(shown, -1, -1)]  # the one before first, then the shown
    edges = [calendar.bounds(q)[0] for q in quarters] + [calendar.bounds(quarter)[1]]
    team_id = ws.team_id
    areas = [intel_numbers(session, team_id=team_id, edges=edges),
             unhappy_numbers(session, team_id=team_id, edges=edges),
             csat_numbers(session, team_id=team_id, edges=edges),
             winloss_numbers(session, team_id=team_id, edges=edges)]
    plans = plan_numbers(session, team_id=team_id, quarters=quarters)
    numbers = []
    for i, q in enumerate(quarters):
        fields: dict[str, Any] = {}
        for area in areas:
            fields.update(area.get(i, {}))
        by_team = fields.pop("by_team", {})
        useful = fields.pop("useful", 0)
        numbers.append(QuarterNumbers(quarter=q, plan=plans.get(q), intel_by_team=by_team, intel_useful=useful,
                                      **fields))
    totals: dict[str, list[Any]] = {}
    for n in numbers[1:]:
        for key, record in n.competitors.items():
            entry = totals.setdefault(key, [0, record.name])
            entry[0] += record.deals
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[1][1].lower()))[:top]
    return Scorecard(team_id=team_id, quarter=quarter, label=calendar.label(quarter), quarters=tuple(numbers[1:]),
                     before=numbers[0], top_competitors=tuple((k, v[1]) for k, v in ranked),
                     labels={q: calendar.label(q) for q in quarters})
