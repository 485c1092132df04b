"""What an answer to a share can be, who may give it, and the shapes the weekly DM and the acted-on
rate are read back in. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.competitors.models import IntelFeedback
from bot.intel.models import IntelShare

VERDICTS = {"acted_on": "Acted on", "used_in_deal": "Used in a deal", "not_relevant": "Not relevant"}
ACTED = ("acted_on", "used_in_deal")
NOTE_MAX = 300



def receiving_teams(from_team: str) -> set[str]:
    """Who a share from `from_team` was for: the other team (both, when it came from both or neither)."""
    return {"sales": {"marketing"}, "marketing": {"sales"}}.get(from_team, {"sales", "marketing"})


@dataclass
class ShareNews:
    share: IntelShare
    answers: list[IntelFeedback] = field(default_factory=list)

    @property
    def verdicts(self) -> Counter:
        return Counter(a.verdict for a in self.answers)


@dataclass(frozen=True)
class ActedOnRate:
    team: str  # the receiving team
    received: int  # shares it received in the window
    acted: int  # of which at least one of its people acted on or used in a deal
    answered: int  # of which at least one of its people answered at all

    @property
    def rate(self) -> float | None:
        return self.acted / self.received if self.received else None
