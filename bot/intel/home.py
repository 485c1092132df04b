"""The intel section of App Home: the five most recent shares."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.db import pk
from bot.intel.blocks_lists import home_section
from bot.intel.reports import recent_shares
from bot.intel.search import best_links
from bot.models import Workspace

SHOWN = 5


def section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    shares = recent_shares(session=session, team_id=ws.team_id, limit=SHOWN)
    links = best_links(session=session, share_ids=[pk(s.id) for s in shares]) if shares else {}
    return home_section(shares, links, tz=ws.timezone)
