"""All tables. Importing this package registers every model on SQLModel.metadata."""

from bot.models.core import Member, Outbox, ProcessedEvent, Workspace
from bot.models.csat import CsatDigestRun, CsatScore, CsatToken
from bot.models.install import Installation, OAuthState
from bot.models.unhappy import CorrectiveAction, UnhappyReport, UnhappyStage

__all__ = ["Installation", "Member", "OAuthState", "Outbox", "ProcessedEvent", "Workspace"]
__all__ += ["CorrectiveAction", "CsatDigestRun", "CsatScore", "CsatToken", "UnhappyReport", "UnhappyStage"]
