"""Satisfaction scores' scales, what counts as low, and a customer's trend. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.unhappy.csat_models import CsatScore
from bot.unhappy.rules import customer_key

LOW = {10: 6, 5: 3}


def index(score: float, scale: int) -> float:
    return score if scale == 10 else (score - 1) * 2.5


@dataclass
class CustomerTrend:
    customer: str
    key: str
    scores: list[CsatScore]
    before: float | None  # average index over the previous weeks, None when new

    @property
    def average(self) -> float:
        return sum(index(s.score, s.scale) for s in self.scores) / len(self.scores)

    @property
    def low(self) -> bool:
        return any(is_low(s) for s in self.scores)

    @property
    def arrow(self) -> str:
        if self.before is None:
            return "new"
        delta = self.average - self.before
        return "↑" if delta >= 0.5 else "↓" if delta <= -0.5 else "→"


MAX_CHARS = 3000  # Slack's limit for a plain_text_input


MAX_ROWS = 500


COLUMNS = ("customer", "score", "scale", "comment", "source")
HEADER = ",".join(COLUMNS)


EXAMPLE = "customer,score,scale,comment,source\nAcme Corp,7,10,slow onboarding,nps-q4\nGlobex,4,5,,"


SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class Paste:
    rows: list[CsatInput]
    digest: str

    @property
    def customers(self) -> int:
        return len({customer_key(r.customer) for r in self.rows})


def is_low(score: CsatScore) -> bool:
    return score.score <= LOW[score.scale]


@dataclass(frozen=True)
class CsatInput:
    customer: str
    score: float
    scale: int
    comment: str | None = None
    source: str = "command"
    scale_given: bool = True
