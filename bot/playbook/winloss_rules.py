"""What a win/loss entry is made of: outcomes, reason categories, limits; and a quarter's figures. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from bot.playbook.models import WinLoss

OUTCOMES = {"won": "Won", "lost": "Lost"}
REASONS = {
    "price": "Price",
    "product_fit": "Product fit",
    "relationship": "Relationship",
    "timing": "Timing",
    "competitor": "Competitor",
    "marketing": "Marketing material / positioning",
    "other": "Other",
}


CUSTOMER_MAX = 150
NOTES_MAX = 3000


COMPETITOR_MAX = 100


@dataclass
class QuarterStats:
    quarter: str
    entries: list[WinLoss] = field(default_factory=list)

    @property
    def won(self) -> int:
        return sum(1 for e in self.entries if e.outcome == "won")

    @property
    def lost(self) -> int:
        return sum(1 for e in self.entries if e.outcome == "lost")

    @property
    def win_rate(self) -> float | None:
        return self.won / len(self.entries) if self.entries else None

    def amounts(self, outcome: str) -> dict[str, Decimal]:
        """Total amount by currency (amounts in different currencies are never added up)."""
        totals: dict[str, Decimal] = {}
        for e in self.entries:
            if e.outcome == outcome and e.amount is not None and e.currency:
                totals[e.currency] = totals.get(e.currency, Decimal("0")) + Decimal(e.amount)
        return dict(sorted(totals.items()))

    def reasons(self, outcome: str) -> list[tuple[str, int]]:
        return Counter(e.reason for e in self.entries if e.outcome == outcome).most_common()

    def competitors(self) -> list[tuple[str, int, int]]:
        """(name as first written, deals won against them, deals lost to them), most named first."""
        names: dict[str, str] = {}
        won: Counter = Counter()
        lost: Counter = Counter()
        for e in self.entries:
            if not e.competitor:
                continue
            key = " ".join(e.competitor.lower().split())
            names.setdefault(key, e.competitor)
            (won if e.outcome == "won" else lost)[key] += 1
        order = sorted(names, key=lambda k: (-(won[k] + lost[k]), -lost[k], names[k].lower()))
        return [(names[k], won[k], lost[k]) for k in order]
