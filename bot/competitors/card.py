"""What a battlecard holds, as data (built by bot/competitors/battlecard.py, shown by
bot/competitors/blocks_battlecard.py), the competitor list's rows and the digest's weekly changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.competitors.feedback_rules import ActedOnRate
from bot.competitors.models import Competitor
from bot.intel.models import IntelShare
from bot.playbook.models import Strategy
from bot.unhappy.models import UnhappyReport

if TYPE_CHECKING:
    from bot.playbook.winloss_rules import QuarterStats


@dataclass(frozen=True)
class KindIntel:
    kind: str
    shares: list[IntelShare]  # the most useful and newest first (IntelShare.sort_key)
    total: int


@dataclass
class Battlecard:
    competitor: Competitor
    spellings: list[str]
    intel: list[KindIntel]
    this_quarter: QuarterStats
    last_quarter: QuarterStats
    helped_win: list[tuple[IntelShare, int]] = field(default_factory=list)
    strategies: list[Strategy] = field(default_factory=list)
    strategies_total: int = 0
    unhappy: list[UnhappyReport] = field(default_factory=list)
    unhappy_total: int = 0
    sharers: list[tuple[str, int]] = field(default_factory=list)
    acted_on: list[ActedOnRate] = field(default_factory=list)
    links: dict[int, str] = field(default_factory=dict)  # share id -> a permalink of its post

    @property
    def total_shares(self) -> int:
        return sum(k.total for k in self.intel)

    @property
    def empty(self) -> bool:
        return not (self.intel or self.this_quarter.entries or self.last_quarter.entries or self.strategies
                    or self.unhappy)


@dataclass(frozen=True)
class WeekChange:
    competitor_id: int
    name: str
    kinds: Counter  # new shares by kind
    won: int
    lost: int

    @property
    def shares(self) -> int:
        return sum(self.kinds.values())



@dataclass(frozen=True)
class Listed:
    competitor: Competitor
    shares: int
    entries: int
    spellings: list[str]


@dataclass(frozen=True)
class MergeResult:
    source: Competitor
    target: Competitor
    share_ids: list[int] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)
    deal_ids: list[int] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)
