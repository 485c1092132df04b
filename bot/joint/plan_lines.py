"""The joint business plan's lines as people type and read them: money, totals, one line's text. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.joint.models import JointPlanLine

LINE_EXAMPLE = "Win 5 mid-market logos | Spring webinar series | 12000 | 250000 | 90000"


def line_text(line: JointPlanLine | LineDraft) -> str:
    return " | ".join([line.goal, line.campaign, f"{line.budget:.2f}", f"{line.expected_pipeline:.2f}",
                       f"{line.expected_revenue:.2f}"])


def totals(lines: Sequence[JointPlanLine | LineDraft]) -> tuple[Decimal, Decimal, Decimal]:
    zero = Decimal("0.00")
    return (sum((ln.budget for ln in lines), zero), sum((ln.expected_pipeline for ln in lines), zero),
            sum((ln.expected_revenue for ln in lines), zero))


@dataclass(frozen=True)
class LineDraft:
    goal: str
    campaign: str
    budget: Decimal
    expected_pipeline: Decimal
    expected_revenue: Decimal
