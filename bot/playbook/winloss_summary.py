"""What the win/loss log says about a quarter: win rate, why deals were lost, which competitors came up,
against the quarter before. For `/truce winloss summary` and the joint meeting's agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.feature import AgendaSection
from bot.joint.schedule import quarter_bounds, quarter_of, shift_quarter
from bot.models import Workspace
from bot.playbook.blocks_winloss import agenda_lines
from bot.playbook.winloss import between
from bot.playbook.winloss_rules import QuarterStats


def quarter_stats(*, session: Session, ws: Workspace, quarter: str) -> QuarterStats:
    start, end = quarter_bounds(quarter, ws.timezone or "UTC")
    return QuarterStats(quarter, between(session=session, team_id=ws.team_id, start=start, end=end))


def current_quarter(ws: Workspace, at: datetime) -> str:
    return quarter_of(at, ws.timezone or "UTC")


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """The won and lost deals of [start, end): win rate against the quarter before, top loss reasons,
    competitors, and the deals that turned on marketing material."""
    ws = session.get(Workspace, team_id)
    timezone = (ws.timezone if ws else None) or "UTC"
    quarter = quarter_of(start + timedelta(hours=12), timezone)
    current = QuarterStats(quarter, between(session=session, team_id=team_id, start=start, end=end))
    if not current.entries:
        return None
    before = shift_quarter(quarter, -1)
    previous = QuarterStats(before, between(session=session, team_id=team_id, start=quarter_bounds(before, timezone)[0],
                                            end=start))
    # The joint meeting's window runs from the start of the quarter before to the meeting itself.
    longer = end > quarter_bounds(quarter, timezone)[1] + timedelta(days=1)
    title = f"Wins and losses since the start of {quarter}" if longer else f"Wins and losses, {quarter}"
    return AgendaSection(title=title, lines=agenda_lines(current, previous), order=40)
