"""What a scorecard is: per quarter, the shared numbers; and the change of each against the quarter
before. Plain data: `metrics` fills it from the database, `blocks` and `chart` show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

MONEY_FIELDS = ("pipeline", "revenue", "budget_spent")
MONEY_NAMES = {"pipeline": "Pipeline", "revenue": "Revenue", "budget_spent": "Budget spent"}


@dataclass(frozen=True)
class PlanNumbers:
    """The quarter's plan totals and what was recorded against them (None: nothing recorded)."""

    currency: str
    planned: dict[str, Decimal]  # pipeline, revenue, budget_spent (the plan's budget)
    actual: dict[str, Decimal | None]

    def attainment(self, name: str) -> float | None:
        """Actual as a share of the plan (1.0 = on plan); None when either is missing or the plan is 0."""
        actual, planned = self.actual.get(name), self.planned.get(name)
        if actual is None or not planned:
            return None
        return float(actual / planned)


@dataclass(frozen=True)
class CompetitorRecord:
    key: str  # lower-cased name
    name: str  # as first written
    won: int
    deals: int

    @property
    def win_rate(self) -> float | None:
        return self.won / self.deals if self.deals else None


@dataclass(frozen=True)
class QuarterNumbers:
    quarter: str
    plan: PlanNumbers | None = None
    intel_by_team: dict[str, int] = field(default_factory=dict)  # sales, marketing, other
    intel_useful: int = 0  # shares with at least one Useful vote
    intel_acted_on: int | None = None  # None: Truce does not record it (yet)
    reports: int = 0
    resolved: int = 0  # of the quarter's reports
    sla_breaches: int = 0  # reports whose SLA reminder went out (no owner from both teams in time)
    median_to_owners_s: float | None = None
    median_to_resolution_s: float | None = None
    csat_count: int = 0
    csat_average: float | None = None  # on the common 0-10 footing
    deals: int = 0
    won: int = 0
    competitors: dict[str, CompetitorRecord] = field(default_factory=dict)  # by key

    @property
    def intel_total(self) -> int:
        return sum(self.intel_by_team.values())

    @property
    def empty(self) -> bool:
        """Nothing recorded in the quarter: no plan, intel, report, score or deal."""
        return self.plan is None and not (self.intel_total or self.reports or self.csat_count or self.deals)

    @property
    def useful_rate(self) -> float | None:
        return self.intel_useful / self.intel_total if self.intel_total else None

    @property
    def acted_on_rate(self) -> float | None:
        if self.intel_acted_on is None or not self.intel_total:
            return None
        return self.intel_acted_on / self.intel_total

    @property
    def win_rate(self) -> float | None:
        return self.won / self.deals if self.deals else None


@dataclass(frozen=True)
class Scorecard:
    """The scorecard ending at `quarter`: `quarters` holds the four shown, oldest first; `before` the
    quarter before the first, so the first shown also carries its change."""

    team_id: str
    quarter: str
    label: str  # the quarter as people read it (with its months off the calendar year)
    quarters: tuple[QuarterNumbers, ...]
    before: QuarterNumbers
    top_competitors: tuple[tuple[str, str], ...] = ()  # (key, name), most deals first
    labels: dict[str, str] = field(default_factory=dict)  # quarter -> label

    @property
    def current(self) -> QuarterNumbers:
        return self.quarters[-1]

    def previous(self, index: int) -> QuarterNumbers:
        return self.quarters[index - 1] if index > 0 else self.before

    def label_of(self, quarter: str) -> str:
        return self.labels.get(quarter, quarter)


@dataclass
class LineVariance:
    """One goal of the plan with what happened: plan, actual (None: nothing recorded) and variance
    (actual minus plan), and the rows of the owners' shares of the actual (PlanActual)."""

    goal: str
    campaign: str
    planned: dict[str, Decimal]  # budget_spent (the plan's budget), pipeline, revenue
    actual: dict[str, Decimal | None]
    by_owner: list = field(default_factory=list)
    in_plan: bool = True

    def variance(self, name: str) -> Decimal | None:
        actual = self.actual.get(name)
        return None if actual is None else actual - self.planned.get(name, Decimal("0.00"))


def change(now: float | None, before: float | None) -> float | None:
    """now - before, or None when either is unknown."""
    if now is None or before is None:
        return None
    return now - before
