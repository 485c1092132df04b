"""The unhappy-customers section of App Home: my open reports, and the unclaimed ones."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.models import Workspace
from bot.unhappy import owners, reports
from bot.unhappy.blocks_notes import HOME_MAX, home_section


def section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    mine = reports.list_open(session=session, team_id=ws.team_id, owner=user_id, limit=HOME_MAX + 1)
    unclaimed = reports.list_unclaimed(session=session, team_id=ws.team_id, limit=50)
    my_teams = owners.teams(session=session, ws=ws, user_id=user_id)
    return home_section(mine, unclaimed, my_teams)
