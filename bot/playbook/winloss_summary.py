"""What the win/loss log says about a quarter: win rate, why deals were lost, which competitors came up,
against the quarter before. For `/truce winloss summary` and the joint meeting's agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.feature import AgendaSection
from bot.models import Workspace
from bot.playbook.blocks_winloss import agenda_lines
from bot.playbook.winloss import between
from bot.playbook.winloss_rules import QuarterStats
from bot.quarters import FiscalCalendar, calendar_of, shift_quarter


def quarter_stats(*, session: Session, ws: Workspace, quarter: str) -> QuarterStats:
    start, end = calendar_of(ws).bounds(quarter)
    return QuarterStats(quarter, between(session=session, team_id=ws.team_id, start=start, end=end))


def current_quarter(ws: Workspace, at: datetime) -> str:
    return calendar_of(ws).quarter_of(at)


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """The won and lost deals of [start, end): win rate against the quarter before, top loss reasons,
    competitors, and the deals that turned on marketing material."""
    ws = session.get(Workspace, team_id)
    calendar = calendar_of(ws) if ws else FiscalCalendar()
    quarter = calendar.quarter_of(start + timedelta(hours=12))
    current = QuarterStats(quarter, between(session=session, team_id=team_id, start=start, end=end))
    if not current.entries:
        return None
    before = shift_quarter(quarter, -1)
    previous = QuarterStats(before, between(session=session, team_id=team_id, start=calendar.bounds(before)[0],
                                            end=start))
    # The joint meeting's window runs from the start of the quarter before to the meeting itself.
    longer = end > calendar.bounds(quarter)[1] + timedelta(days=1)
    title = f"Wins and losses since the start of {quarter}" if longer else f"Wins and losses, {quarter}"
    return AgendaSection(title=title, lines=agenda_lines(current, previous), order=40)
