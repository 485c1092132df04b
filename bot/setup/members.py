"""Team membership: sales = members of the sales channel, marketing = of the marketing channel,
unless an admin overrides it. Kept as a cache, refreshed from Slack events and periodically."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.clock import now
from bot.models import Member, Workspace
from bot.setup.team import Team


def get_member(*, session: Session, team_id: str, user_id: str) -> Member | None:
    return session.exec(select(Member).where(Member.team_id == team_id, Member.user_id == user_id)).first()


def ensure_member(*, session: Session, team_id: str, user_id: str) -> Member:
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    if member is not None:
        return member
    member = Member(team_id=team_id, user_id=user_id)
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:  # another request added them a moment ago
        theirs = get_member(session=session, team_id=team_id, user_id=user_id)
        if theirs is None:  # not the one-row-per-person rule: a real error
            raise
        return theirs
    return member


def teams_of(*, session: Session, team_id: str, user_id: str) -> set[Team]:
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    if member is None:
        return set()
    return {t for t, on in ((Team.SALES, member.on_sales), (Team.MARKETING, member.on_marketing)) if on}


def list_team(*, session: Session, team_id: str, team: Team) -> list[Member]:
    members = session.exec(select(Member).where(Member.team_id == team_id).order_by(Member.user_id)).all()
    return [m for m in members if (m.on_sales if team is Team.SALES else m.on_marketing)]


def _flag_for(ws: Workspace, channel: str) -> str | None:
    if channel and channel == ws.sales_channel:
        return "in_sales_channel"
    if channel and channel == ws.marketing_channel:
        return "in_marketing_channel"
    return None


def sync_channel(*, session: Session, ws: Workspace, channel: str, member_ids: Iterable[str]) -> int:
    """Make the cache match a channel's full member list. Returns how many rows changed."""
    flag = _flag_for(ws, channel)
    if flag is None:
        return 0
    wanted, changed = set(member_ids), 0
    existing = {m.user_id: m for m in session.exec(select(Member).where(Member.team_id == ws.team_id)).all()}
    for user_id in wanted - existing.keys():
        existing[user_id] = ensure_member(session=session, team_id=ws.team_id, user_id=user_id)
    for user_id, member in existing.items():
        value = user_id in wanted
        if getattr(member, flag) != value:
            setattr(member, flag, value)
            changed += 1
        member.refreshed_at = now()
        session.add(member)
    return changed


def joined(*, session: Session, ws: Workspace, channel: str, user_id: str, present: bool = True) -> bool:
    """One person joined (or left) a channel. Returns whether a team changed."""
    flag = _flag_for(ws, channel)
    if flag is None:
        return False
    member = ensure_member(session=session, team_id=ws.team_id, user_id=user_id)
    changed = getattr(member, flag) != present
    setattr(member, flag, present)
    member.refreshed_at = now()
    session.add(member)
    return changed


def set_override(*, session: Session, team_id: str, user_id: str, choice: str) -> Member:
    """choice: sales | marketing | both | neither | auto (back to channel membership)."""
    values = {
        "sales": (True, False), "marketing": (False, True), "both": (True, True),
        "neither": (False, False), "auto": (None, None),
    }
    if choice not in values:
        raise ValueError(choice)
    member = ensure_member(session=session, team_id=team_id, user_id=user_id)
    member.sales_override, member.marketing_override = values[choice]
    session.add(member)
    return member


def set_admin(*, session: Session, team_id: str, user_id: str, is_admin: bool) -> Member:
    member = ensure_member(session=session, team_id=team_id, user_id=user_id)
    if member.is_admin != is_admin:
        member.is_admin = is_admin
        session.add(member)
    return member
