"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Workspace

__all__ = ["Member", "Outbox", "ProcessedEvent", "Workspace"]
