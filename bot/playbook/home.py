"""The playbook section of App Home: current strategies, newest first, and the search."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.models import Workspace
from bot.playbook import strategies
from bot.playbook.blocks_strategy_forms import HOME_MAX, home_section
from bot.setup import members
from bot.setup.team import Team
from bot.setup.workspaces import is_lead


def section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    shown = strategies.list_by_status(session=session, team_id=ws.team_id, limit=HOME_MAX)
    total = strategies.count_active(session=session, team_id=ws.team_id)
    may_edit = is_lead(ws, user_id) or Team.MARKETING in members.teams_of(
        session=session, team_id=ws.team_id, user_id=user_id)
    return home_section(strategies=shown, total=total, today=strategies.today_in(ws), may_edit=may_edit)
