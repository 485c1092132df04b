"""The tables every feature shares: workspaces, their people, the outbox, tasks, processed events, and
OAuth installations. Each feature's own tables are in its package (bot/<feature>/models.py);
bot/schema.py registers them all."""

from bot.models.accepted import AcceptedRequest
from bot.models.core import Member, Outbox, ProcessedEvent, Task, Workspace, WorkspacePrefs
from bot.models.install import Installation, OAuthState
from bot.models.schedule import ScheduleDue

__all__ = [
    "AcceptedRequest",
    "Installation",
    "Member",
    "OAuthState",
    "Outbox",
    "ProcessedEvent",
    "ScheduleDue",
    "Task",
    "Workspace",
    "WorkspacePrefs",
]
