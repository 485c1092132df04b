"""The fiscal-year start setting (the quarter arithmetic itself is in bot/quarters.py, shared with the joint
meeting and the win/loss summary)."""

from __future__ import annotations

from sqlmodel import Session

from bot.models import Workspace
from bot.quarters import FiscalCalendar, calendar_of, parse_month, set_start_month


def set_fiscal_year_start(*, session: Session, ws: Workspace, month_text: str) -> FiscalCalendar:
    set_start_month(session=session, ws=ws, month=parse_month(month_text))
    return calendar_of(ws)
