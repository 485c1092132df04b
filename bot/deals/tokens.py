"""The secret a workspace's CRM sends to `POST /webhooks/deal` (as `Authorization: Bearer ...`).
Only its hash is stored; a new one replaces the old at once."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, col, select

from bot.clock import now
from bot.deals.models import DealToken

PREFIX = "tdl_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_info(*, session: Session, team_id: str) -> DealToken | None:
    return session.get(DealToken, team_id)


def issue_token(*, session: Session, team_id: str, user_id: str) -> str:
    """A new secret for the workspace, shown once (the previous one stops working)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = session.get(DealToken, team_id)
    if row is None:
        row = DealToken(team_id=team_id, token_hash=_hash(token), created_by=user_id)
    else:
        row.token_hash, row.created_by, row.created_at = _hash(token), user_id, now()
    session.add(row)
    session.flush()
    return token


def team_for_token(*, session: Session, token: str | None) -> str | None:
    """The workspace whose secret this is, or None. Compared as hashes, in constant time."""
    if not token or len(token) > 200 or not token.isascii() or not token.isprintable():
        return None
    digest = _hash(token)
    row = session.exec(select(DealToken).where(col(DealToken.token_hash) == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row.team_id
