"""The scorecard's section of the joint meeting's agenda: the headline figures of the quarter that just
ended, each with its change against the one before (the chart itself is posted with the prompt)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.feature import AgendaSection
from bot.models import Workspace
from bot.quarters import calendar_of
from bot.scorecard import figures, metrics
from bot.scorecard.blocks_scorecard import agenda_lines

ORDER = 5  # first: the numbers at a glance, before each feature's details


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """[start, end) runs from the start of the quarter before the meeting's to the meeting: the scorecard
    is that quarter's (in the workspace's quarters). None when nothing was recorded in it."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        return None
    calendar = calendar_of(ws)
    quarter = calendar.quarter_of(start + timedelta(hours=12))
    card = metrics.build(session, ws=ws, quarter=quarter, calendar=calendar)
    if card.current.empty:
        return None  # a quarter with nothing recorded has no scorecard to discuss
    return AgendaSection(title=f"Scorecard, {card.label}", lines=agenda_lines(card, figures.rows(card)), order=ORDER)
