"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Workspace
from bot.models.intel import IntelDigest, IntelPost, IntelShare, IntelSupporter, IntelVote

__all__ = [
    "IntelDigest", "IntelPost", "IntelShare", "IntelSupporter", "IntelVote",
    "Member", "Outbox", "ProcessedEvent", "Workspace",
]
