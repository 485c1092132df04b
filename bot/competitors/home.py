"""The Competitors section of App Home: the competitors talked about most, each a click from its battlecard."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.competitors.blocks_battlecard import home_section
from bot.competitors.directory import listing
from bot.models import Workspace


def section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    return home_section(listing(session=session, team_id=ws.team_id))
