"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Task, Workspace
from bot.models.install import Installation, OAuthState
from bot.models.playbook import Strategy, StrategyRevision, WinLoss

__all__ = [
    "Installation",
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
