"""A workspace's webhook secret (CSAT, deals, actuals): made by a lead's command and shown once, sent by
the other system as a Bearer token. Only its sha256 is stored; a new one replaces the old at once.
Each feature names its table (a `bot.models.base.WebhookToken`) and the secret's prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Generic, TypeVar

from sqlmodel import Session, col, select

from bot.clock import now
from bot.models.base import WebhookToken

T = TypeVar("T", bound=WebhookToken)
MAX_TOKEN = 200  # characters; longer is no secret of ours


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WebhookSecret(Generic[T]):
    def __init__(self, table: type[T], *, prefix: str):
        self.table, self.prefix = table, prefix

    def info(self, *, session: Session, team_id: str) -> T | None:
        """Who made the workspace's secret and when (the secret itself is not kept)."""
        return session.get(self.table, team_id)

    def issue(self, *, session: Session, team_id: str, user_id: str) -> str:
        """A new secret for the workspace, to show once (the previous one stops working)."""
        token = self.prefix + secrets.token_urlsafe(32)
        row = session.get(self.table, team_id)
        if row is None:
            row = self.table(team_id=team_id, token_hash=_hash(token), created_by=user_id)
        else:
            row.token_hash, row.created_by, row.created_at = _hash(token), user_id, now()
        session.add(row)
        session.flush()
        return token

    def team_for(self, *, session: Session, token: str | None) -> str | None:
        """The workspace whose secret this is, or None. Compared as hashes, in constant time."""
        if not token or len(token) > MAX_TOKEN or not (token.isascii() and token.isprintable()):
            return None
        digest = _hash(token)
        row = session.exec(select(self.table).where(col(self.table.token_hash) == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        return row.team_id
