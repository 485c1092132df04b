"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Workspace
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

__all__ = [
    "ActionItem", "CustomerNeed", "JointAgendaItem", "JointMeeting", "JointOccurrence", "JointPlan",
    "JointPlanLine", "JointPlanRevision", "JointRsvp", "JointTimeOption", "JointVote",
    "Member", "Outbox", "ProcessedEvent", "Workspace",
]
