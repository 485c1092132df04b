"""The joint meeting's section of App Home: when the next one is, your answer, your open action items."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.joint import actions, meetings
from bot.joint.blocks_meeting import home_blocks
from bot.models import Workspace


def section(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    up = meetings.upcoming(session=session, ws=ws)
    if up is None:
        return []
    answer = meetings.answers(session=session, meeting=up.meeting).get(user_id) if up.meeting else None
    return home_blocks(quarter=up.quarter, starts_at=up.starts_at, prompt_at=up.prompt_at, timezone=ws.timezone,
                       meeting_id=up.meeting.id if up.meeting else None, answer=answer,
                       items=actions.open_items(session=session, team_id=ws.team_id, owner_id=user_id))
