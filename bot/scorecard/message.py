"""One scorecard, ready to post: its numbers, the text message (blocks and a one-line fallback), the chart's
alt text and what the chart draws. `/joint scorecard`, the quarterly prompt and App Home all start here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.models import Workspace
from bot.quarters import MONTHS, FiscalCalendar, calendar_of
from bot.scorecard import blocks_scorecard as blocks
from bot.scorecard import chart, figures, metrics
from bot.scorecard.numbers import Scorecard


@dataclass(frozen=True)
class ScorecardMessage:
    card: Scorecard
    rows: list[figures.Row]
    text: str  # the notification's one line
    blocks: list[dict]
    alt_text: str

    @property
    def chart(self) -> chart.ChartSpec:
        return chart.spec(self.card, self.rows, alt_text=self.alt_text)

    @property
    def chart_title(self) -> str:
        return f"Joint scorecard chart, {self.card.quarters[0].quarter} to {self.card.quarter} (figures in the message)"


def calendar_note(calendar: FiscalCalendar) -> str:
    if calendar.start_month == 1:
        return ""
    return f"Quarters of the fiscal year starting in {MONTHS[calendar.start_month - 1].capitalize()}."


def compose(session: Session, *, ws: Workspace, quarter: str | None = None) -> ScorecardMessage:
    calendar = calendar_of(ws)
    card = metrics.build(session, ws=ws, quarter=quarter, calendar=calendar)
    rows = figures.rows(card)
    built = [b.to_dict() for b in blocks.scorecard_blocks(card, rows, note=calendar_note(calendar))]
    return ScorecardMessage(card=card, rows=rows, text=blocks.summary_text(card, rows), blocks=built,
                            alt_text=blocks.alt_text(card, rows))
