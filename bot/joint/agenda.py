"""What a quarter's joint-meeting agenda is made of: every feature's section (bot.feature.AgendaSection,
declared as its Feature's `agenda_section`) for the quarter [start, end) (UTC), in their order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from bot.feature import AgendaSection, AgendaSource


def build_sections(sources: Iterable[AgendaSource], *, session: Session, team_id: str, start: datetime,
                   end: datetime) -> list[AgendaSection]:
    sections = [s(session=session, team_id=team_id, start=start, end=end) for s in sources]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
