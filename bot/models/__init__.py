"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Task, Workspace
from bot.models.install import Installation, OAuthState
from bot.models.joint import (
    ActionItem,
    CustomerNeed,
    JointAgendaItem,
    JointMeeting,
    JointOccurrence,
    JointPlan,
    JointPlanLine,
    JointPlanRevision,
    JointRsvp,
    JointTimeOption,
    JointVote,
)
from bot.models.playbook import Strategy, StrategyRevision, WinLoss

__all__ = [
    "ActionItem",
    "CustomerNeed",
    "Installation",
    "JointAgendaItem",
    "JointMeeting",
    "JointOccurrence",
    "JointPlan",
    "JointPlanLine",
    "JointPlanRevision",
    "JointRsvp",
    "JointTimeOption",
    "JointVote",
    "Member",
    "OAuthState",
    "Outbox",
    "ProcessedEvent",
    "Strategy",
    "StrategyRevision",
    "Task",
    "WinLoss",
    "Workspace",
]
