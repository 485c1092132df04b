"""The joint plan's CSV for the finance forecast, with what happened beside it: the plan's columns as
before (so a sheet that reads them keeps working), then per amount the actual and the variance
(actual minus plan; empty while nothing is recorded). Goals the plan no longer has but that have
actuals come last, with empty plan amounts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from sqlmodel import Session

from bot.joint import plan as plans
from bot.joint.models import JointPlan
from bot.scorecard.actuals import actuals_of, beside_plan
from bot.scorecard.numbers import LineVariance

PLAN_COLUMNS = ["Quarter", "Goal", "Campaign", "Budget", "Currency", "Expected pipeline", "Expected revenue", "Owners"]
ACTUAL_COLUMNS = ["Budget spent", "Budget variance", "Actual pipeline", "Pipeline variance", "Actual revenue",
                  "Revenue variance", "Actuals by owner"]
HEADER = PLAN_COLUMNS + ACTUAL_COLUMNS


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text (as the plan's export does)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _owners_text(line: LineVariance) -> str:
    parts = []
    for row in line.by_owner:
        if not row.owner_id:
            continue
        amounts = ", ".join(f"{name} {getattr(row, field):.2f}" for field, name in
                            (("budget_spent", "spent"), ("pipeline", "pipeline"), ("revenue", "revenue"))
                            if getattr(row, field) is not None)
        parts.append(f"{row.owner_name or row.owner_id}: {amounts}")
    return "; ".join(parts)


def plan_actual_csv(plan: JointPlan | None, lines: list[LineVariance]) -> str:
    """UTF-8 with a BOM so spreadsheets read accents; one row per goal."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    if plan is None:
        return out.getvalue()
    owners = "; ".join(o["name"] for o in plan.owners)
    for line in lines:
        planned = [_amount(line.planned[f]) if line.in_plan else "" for f in ("budget_spent", "pipeline", "revenue")]
        row = [plan.quarter, _cell(line.goal), _cell(line.campaign), planned[0], plan.currency, planned[1],
               planned[2], _cell(owners) if line.in_plan else ""]
        for field in ("budget_spent", "pipeline", "revenue"):
            variance = line.variance(field) if line.in_plan else None
            row += [_amount(line.actual[field]), _amount(variance)]
        row.append(_cell(_owners_text(line)))
        writer.writerow(row)
    return out.getvalue()


def plan_export(session: Session, *, plan: JointPlan) -> str:
    """The CSV of `plan` with its quarter's actuals and variances (for `/joint plan export` and
    GET /export/plan.csv)."""
    lines = beside_plan(plans.lines_of(session=session, plan=plan),
                        actuals_of(session, team_id=plan.team_id, quarter=plan.quarter))
    return plan_actual_csv(plan, lines)
