"""The competitors' section of the quarter's joint-meeting agenda: the intel that helped win, and how much
of what each team received it acted on."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.competitors import citations, feedback
from bot.competitors.blocks_feedback import helped_line, rates_line
from bot.feature import AgendaSection


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    helped = citations.helped_win(session=session, team_id=team_id, start=start, end=end, limit=5)
    rates = feedback.acted_on_rates(session=session, team_id=team_id, start=start, end=end)
    if not any(r.answered for r in rates):
        rates = []  # no one used the buttons: a rate of 0 would say nothing
    lines = [line for line in (helped_line(helped), rates_line(rates)) if line]
    return AgendaSection("Intel that was acted on", lines, order=45) if lines else None
