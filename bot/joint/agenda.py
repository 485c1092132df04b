"""What a quarter's joint-meeting agenda is made of. Features contribute sections.

Each feature's services module offers
    agenda_section(*, session, team_id, start, end) -> AgendaSection | None
for the quarter [start, end) (UTC), and is listed in `sources()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session


@dataclass
class AgendaSection:
    title: str
    lines: list[str] = field(default_factory=list)  # mrkdwn, user text already escaped
    order: int = 50  # lower comes first


AgendaSource = Callable[..., AgendaSection | None]


def sources() -> list[AgendaSource]:
    """Every feature's agenda_section, in a fixed order (features add themselves here)."""
    from bot.intel import reports as intel_reports
    from bot.playbook import strategies, winloss_summary
    from bot.unhappy import agenda as unhappy_agenda
    from bot.unhappy import csat_reports

    return [intel_reports.agenda_section, unhappy_agenda.agenda_section, csat_reports.agenda_section,
            winloss_summary.agenda_section, strategies.agenda_section]


def build_sections(*, session: Session, team_id: str, start: datetime, end: datetime) -> list[AgendaSection]:
    sections = [s(session=session, team_id=team_id, start=start, end=end) for s in sources()]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
