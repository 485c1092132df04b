"""The scorecard's App Home section: the current quarter's figures for everyone (with their change against
the quarter before); for a lead, the plan's goals still short of plan and their team's open action items."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.clock import now
from bot.joint import plan as plans
from bot.joint.models import ActionItem
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.scorecard import actuals, figures, metrics
from bot.scorecard.blocks_scorecard import OpenItem, home_blocks
from bot.setup import members
from bot.setup.workspaces import is_lead

OPEN_ITEMS = 10


def _team_open_items(session: Session, *, ws: Workspace, user_id: str) -> tuple[str, list[OpenItem], int]:
    """The lead's team(s) by name, the first open joint action items owned by people on them, and how many."""
    teams = sorted(members.teams_of(session=session, team_id=ws.team_id, user_id=user_id), key=str)
    people = {m.user_id for t in teams for m in members.list_team(session=session, team_id=ws.team_id, team=t)}
    people.add(user_id)
    where = (col(ActionItem.team_id) == ws.team_id, col(ActionItem.status) == "open",
             col(ActionItem.owner_id).in_(sorted(people)))
    items = session.exec(select(ActionItem).where(*where).order_by(col(ActionItem.due_on), col(ActionItem.id))
                         .limit(OPEN_ITEMS)).all()
    total = session.exec(select(func.count()).select_from(ActionItem).where(*where)).one()
    return " and ".join(t.value for t in teams), [OpenItem(i.text, i.owner_id, i.due_on) for i in items], int(total)


def home_section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    calendar = calendar_of(ws)
    quarter = calendar.quarter_of(now())
    card = metrics.build(session, ws=ws, quarter=quarter, calendar=calendar, shown=1)
    rows = figures.rows(card)
    if not is_lead(ws, user_id):
        return home_blocks(card, rows)
    plan = plans.plan_for(session=session, team_id=ws.team_id, quarter=quarter)
    variances = actuals.beside_plan(plans.lines_of(session=session, plan=plan),
                                    actuals.actuals_of(session, team_id=ws.team_id, quarter=quarter)) if plan else []
    team_name, items, total = _team_open_items(session, ws=ws, user_id=user_id)
    return home_blocks(card, rows, variances=variances, currency=plan.currency if plan else "", open_items=items,
                       open_total=total, team_name=team_name)
