"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Workspace
from bot.models.install import Installation, OAuthState

__all__ = ["Installation", "Member", "OAuthState", "Outbox", "ProcessedEvent", "Workspace"]
