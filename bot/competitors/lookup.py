"""What `/intel vs <name>` and the battlecard buttons show: the battlecard of a named competitor, or the
list of known ones when the name is not on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.competitors import battlecard, directory
from bot.competitors.blocks_battlecard import listing_text
from bot.competitors.card import Battlecard
from bot.models import Workspace
from bot.slack_text import esc


@dataclass(frozen=True)
class Found:
    card: Battlecard | None  # None: no competitor by that name
    unknown_note: str = ""  # then: what to say, with the competitors there are


def by_name(*, session: Session, ws: Workspace, name: str, at: datetime) -> Found:
    competitor = directory.find(session=session, team_id=ws.team_id, name=name)
    if competitor is None:
        shown = esc(" ".join(name.split()))
        listed = directory.listing(session=session, team_id=ws.team_id)
        return Found(None, f"No competitor is called “{shown}” yet.\n" + listing_text(listed))
    return Found(battlecard.build(session=session, ws=ws, competitor=competitor, at=at))


def by_id(*, session: Session, ws: Workspace, competitor_id: int | str | None, at: datetime) -> Battlecard | None:
    competitor = directory.get(session=session, team_id=ws.team_id, competitor_id=competitor_id)
    if competitor is None:
        return None
    return battlecard.build(session=session, ws=ws, competitor=competitor, at=at)
