"""Market-intelligence shares: create one (and queue its posts), vote, support, retract, follow the
source message, open a discussion. Every post goes through the outbox; no Slack calls here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot import delivery
from bot.block_kit import clip
from bot.clock import aware, now
from bot.competitors import directory as competitors
from bot.db import insert_new, pk, table_of
from bot.intel.blocks_share import fallback_text, share_blocks
from bot.intel.models import IntelPost, IntelShare, IntelSupporter, IntelVote
from bot.intel.parsing import SUMMARY_LIMIT, ShareDraft, message_draft
from bot.intel.prefs import DEFAULT_EMOJI, EMOJI_NAME, IntelPrefs
from bot.models import Outbox, Workspace
from bot.prefs import prefs_of, save_prefs
from bot.setup import members
from bot.setup.team import Team
from bot.setup.workspaces import missing_channels
from bot.slack_text import quoted
from bot.user_error import UserError

WEEK = 7 * 24 * 3600
ROLES = ("sales", "marketing", "joint")
ROLE_CHANNEL = {"sales": "sales_channel", "marketing": "marketing_channel", "joint": "joint_channel"}
_EMOJI_NAME = re.compile(EMOJI_NAME)


class NotSetUp(UserError):
    """The workspace's sales, marketing or joint channel is not chosen yet."""


class ShareGone(UserError):
    """The share does not exist (any more) in this workspace."""


@dataclass(frozen=True)
class Source:
    channel: str
    ts: str
    permalink: str | None = None
    text: str | None = None  # set when the summary is the message's own text: edits then follow


# --- settings ------------------------------------------------------------------------------------


def share_emoji(ws: Workspace) -> str:
    return prefs_of(ws, IntelPrefs).emoji or DEFAULT_EMOJI


def set_share_emoji(*, session: Session, ws: Workspace, name: str) -> str:
    name = name.strip().strip(":").lower()
    if not _EMOJI_NAME.match(name):
        raise UserError(f"{quoted(name or '(nothing)')} is not an emoji name. Type it like `/intel emoji :bulb:`.")
    save_prefs(session=session, ws=ws, prefs=prefs_of(ws, IntelPrefs).model_copy(update={"emoji": name}))
    return name


def matches_emoji(ws: Workspace, reaction: str) -> bool:
    """`bulb` also matches skin-tone variants such as `bulb::skin-tone-3`."""
    return reaction.split("::")[0] == share_emoji(ws)


# --- who, where ---------------------------------------------------------------------------------


def team_of(*, session: Session, team_id: str, user_id: str) -> str:
    teams = members.teams_of(session=session, team_id=team_id, user_id=user_id)
    if teams == {Team.SALES}:
        return "sales"
    if teams == {Team.MARKETING}:
        return "marketing"
    return "both" if teams else "neither"


def channel_team(ws: Workspace, channel: str) -> str | None:
    if channel and channel == ws.sales_channel:
        return "sales"
    if channel and channel == ws.marketing_channel:
        return "marketing"
    return None


def targets(ws: Workspace, from_team: str) -> list[tuple[str, str]]:
    """(role, channel) the share goes to: the other team's channel (both when from both or neither)
    and the joint channel."""
    roles = {"sales": ["marketing", "joint"], "marketing": ["sales", "joint"]}.get(from_team, list(ROLES))
    out, seen = [], set()
    for role in roles:
        channel = getattr(ws, ROLE_CHANNEL[role])
        if channel and channel not in seen:
            seen.add(channel)
            out.append((role, channel))
    return out


def require_setup(ws: Workspace) -> None:
    missing = missing_channels(ws, "sales_channel", "marketing_channel", "joint_channel")
    if missing:
        names = ", ".join(m.replace("_", " ") for m in missing)
        raise NotSetUp(f"Truce can't share intel yet: the {names} {'is' if len(missing) == 1 else 'are'} not "
                       "chosen. Ask an admin or lead to run `/truce setup`.")


# --- reading --------------------------------------------------------------------------------------


def get_share(*, session: Session, team_id: str, share_id: int | str, lock: bool = False) -> IntelShare:
    try:
        share_id = int(share_id)
    except (TypeError, ValueError):
        raise ShareGone("That share no longer exists.") from None
    stmt = select(IntelShare).where(IntelShare.id == share_id, IntelShare.team_id == team_id)
    share = session.exec(stmt.with_for_update() if lock else stmt).first()
    if share is None:
        raise ShareGone("That share no longer exists.")
    return share


def find_by_source(*, session: Session, team_id: str, channel: str, ts: str) -> IntelShare | None:
    return session.exec(select(IntelShare).where(
        IntelShare.team_id == team_id, IntelShare.source_channel == channel, IntelShare.source_ts == ts)).first()


def posts_of(*, session: Session, share: IntelShare) -> list[IntelPost]:
    return list(session.exec(select(IntelPost).where(IntelPost.share_id == share.id).order_by(col(IntelPost.id))).all())


def supporters_of(*, session: Session, share: IntelShare) -> list[str]:
    return list(session.exec(select(IntelSupporter.user_id).where(IntelSupporter.share_id == share.id)
                             .order_by(col(IntelSupporter.id))).all())


def target_channels(*, session: Session, share: IntelShare) -> list[str]:
    """The channels the share is posted to, in order (known without a query when this session made it)."""
    made = session.info.get("intel_channels", {}).get(share.id)
    if made is not None:
        return list(made)
    return [p.channel for p in posts_of(session=session, share=share)]


def outbox_rows(*, session: Session, share: IntelShare) -> dict[int, IntelPost]:
    return {p.outbox_id: p for p in posts_of(session=session, share=share)}


# --- creating --------------------------------------------------------------------------------------


def _sort_key(share: IntelShare) -> int:
    return int(aware(share.created_at).timestamp()) + share.useful_count * WEEK


def create_share(*, session: Session, ws: Workspace, sharer_id: str, draft: ShareDraft, via: str,
                 source: Source | None = None, from_team: str | None = None) -> IntelShare:
    """Store the share and queue one post per target channel, in this transaction.
    A share of a message already shared raises IntegrityError (the caller adds a supporter)."""
    require_setup(ws)
    team = from_team or team_of(session=session, team_id=ws.team_id, user_id=sharer_id)
    share = IntelShare(
        team_id=ws.team_id, sharer_id=sharer_id, from_team=team, kind=draft.kind,
        competitor=draft.competitor, competitor_key=draft.competitor.lower() if draft.competitor else None,
        summary=clip(draft.summary, SUMMARY_LIMIT), why=draft.why, link=draft.link,
        enrichment="pending" if draft.link else "none", via=via,
        source_channel=source.channel if source else None, source_ts=source.ts if source else None,
        source_permalink=source.permalink if source else None, source_text=source.text if source else None,
        source_state="live" if source else "none",
    )
    share.sort_key = _sort_key(share)
    if source is None:  # nothing it could collide with: no savepoint, and the competitor set before the insert
        competitors.link_share(session=session, share=share)  # before the posts: their battlecard button needs it
        session.flush()
    else:  # a message shared twice collides (IntegrityError): only the share is undone
        with session.begin_nested():
            session.add(share)
            session.flush()
        competitors.link_share(session=session, share=share)
    if via == "reaction":
        session.add(IntelSupporter(team_id=ws.team_id, share_id=pk(share.id), user_id=sharer_id))
    supporters = [sharer_id] if via == "reaction" else []
    where = targets(ws, team)
    rows = delivery.queue_many(session, [
        delivery.new_post(team_id=ws.team_id, channel=channel, text=fallback_text(share),
                          blocks=share_blocks(share, supporters=supporters, audience=role),
                          key=f"intel:{share.id}:{role}", ref=f"intel:{share.id}")
        for role, channel in where])
    if rows:  # one multi-row INSERT (no ids read back: nothing here needs them)
        session.execute(insert(table_of(IntelPost)), [
            {"team_id": ws.team_id, "share_id": pk(share.id), "role": role, "channel": channel, "outbox_id": pk(row.id)}
            for (role, channel), row in zip(where, rows, strict=True)])
    session.flush()
    session.info.setdefault("intel_channels", {})[share.id] = [channel for _, channel in where]
    return share


def refresh_posts(*, session: Session, share: IntelShare) -> int:
    """Queue a `chat.update` of every message the share was posted as (one statement). Returns how many."""
    share.updated_at = now()
    session.add(share)
    supporters = supporters_of(session=session, share=share)
    posts = session.exec(select(IntelPost, Outbox).join(Outbox, col(Outbox.id) == IntelPost.outbox_id)
                         .where(IntelPost.share_id == share.id).order_by(col(IntelPost.id))).all()
    delivery.queue_many(session, [
        delivery.new_update(target=target, text=fallback_text(share),
                            blocks=share_blocks(share, supporters=supporters, audience=post.role))
        for post, target in posts])  # outbox rows are kept
    return len(posts)


def record_permalink(*, session: Session, post_id: int, permalink: str) -> None:
    post = session.get(IntelPost, post_id)
    if post is not None and post.permalink != permalink:
        post.permalink = permalink
        session.add(post)


# --- votes and supporters ---------------------------------------------------------------------------


def add_vote(*, session: Session, team_id: str, share_id: int | str, user_id: str) -> tuple[IntelShare, bool]:
    """One "Useful" vote per person. Returns (share, whether this vote is new)."""
    share = get_share(session=session, team_id=team_id, share_id=share_id, lock=True)
    if share.retracted_at:
        return share, False
    if not insert_new(session, IntelVote, [
            {"team_id": team_id, "share_id": pk(share.id), "user_id": user_id, "created_at": now()}],
            unique=("share_id", "user_id")):
        return share, False
    share.useful_count = session.exec(select(func.count()).select_from(IntelVote)
                                      .where(IntelVote.share_id == share.id)).one()
    share.sort_key = _sort_key(share)
    refresh_posts(session=session, share=share)
    return share, True


def add_supporter(*, session: Session, share: IntelShare, user_id: str) -> bool:
    """Someone else reacted to an already shared message. Returns whether they are new."""
    try:
        with session.begin_nested():
            session.add(IntelSupporter(team_id=share.team_id, share_id=pk(share.id), user_id=user_id))
    except IntegrityError:
        return False
    if not share.retracted_at:
        refresh_posts(session=session, share=share)
    return True


def remove_supporter(*, session: Session, share: IntelShare, user_id: str) -> bool:
    row = session.exec(select(IntelSupporter).where(IntelSupporter.share_id == share.id,
                                                    IntelSupporter.user_id == user_id)).first()
    if row is None or user_id == share.sharer_id:
        return False  # the sharer stays: removing the reaction does not unshare
    session.delete(row)
    session.flush()
    if not share.retracted_at:
        refresh_posts(session=session, share=share)
    return True


# --- retract, discuss --------------------------------------------------------------------------------


def retract(*, session: Session, share: IntelShare, user_id: str) -> bool:
    """Mark retracted and update every copy. Returns False when it already was."""
    if share.retracted_at:
        return False
    share.retracted_at, share.retracted_by = now(), user_id
    refresh_posts(session=session, share=share)
    return True


def open_discussion(*, session: Session, share: IntelShare, user_id: str) -> Outbox | None:
    """The thread under the joint copy (queued once). None when the share has no joint copy."""
    if share.discussion_outbox_id:
        return session.get(Outbox, share.discussion_outbox_id)
    joint = next((p for p in posts_of(session=session, share=share) if p.role == "joint"), None)
    if joint is None:
        return None
    parent = session.get(Outbox, joint.outbox_id)
    row = delivery.queue_post(
        session, team_id=share.team_id, channel=joint.channel, thread_parent=parent, key=f"intel:{share.id}:discuss",
        text=(f":speech_balloon: <@{user_id}> opened a discussion of this intel. What does it mean for sales "
              "and for marketing, and what should we do about it? Reply in this thread."),
        ref=f"intel:{share.id}")
    share.discussion_outbox_id = row.id
    session.add(share)
    return row


def discussion_row(*, session: Session, team_id: str, share_id: int) -> Outbox | None:
    share = get_share(session=session, team_id=team_id, share_id=share_id)
    return session.get(Outbox, share.discussion_outbox_id) if share.discussion_outbox_id else None


def record_discussion_link(*, session: Session, share_id: int, permalink: str) -> None:
    share = session.get(IntelShare, share_id)
    if share is not None and not share.discussion_permalink:
        share.discussion_permalink = permalink
        refresh_posts(session=session, share=share)


# --- the source message changed ------------------------------------------------------------------------


def source_edited(*, session: Session, team_id: str, channel: str, ts: str, text: str) -> IntelShare | None:
    """The shared message was edited (`text`: its new plain text). A summary that was the message's
    own text follows it; a summary someone wrote in the modal stays, and the post says "edited"."""
    share = find_by_source(session=session, team_id=team_id, channel=channel, ts=ts)
    if share is None or share.source_state == "deleted":
        return None
    if share.source_text is not None:  # the summary is the message's own text: it follows the edit
        draft = message_draft(text)
        if draft is None or (draft.summary == share.summary and share.source_state == "edited"):
            return None
        share.summary, share.source_text = draft.summary, text
    share.source_state = "edited"
    if not share.retracted_at:
        refresh_posts(session=session, share=share)
    else:
        session.add(share)
    return share


def source_deleted(*, session: Session, team_id: str, channel: str, ts: str) -> IntelShare | None:
    share = find_by_source(session=session, team_id=team_id, channel=channel, ts=ts)
    if share is None or share.source_state == "deleted":
        return None
    share.source_state = "deleted"
    if not share.retracted_at:
        refresh_posts(session=session, share=share)
    else:
        session.add(share)
    return share


# --- link enrichment ---------------------------------------------------------------------------------------


def apply_enrichment(*, session: Session, share_id: int, title: str | None, description: str | None) -> bool:
    """Store what the link's page says about itself and update the posts. False when nothing to add."""
    share = session.get(IntelShare, share_id)
    if share is None or share.enrichment != "pending":
        return False
    share.link_title = clip(title, 300) if title else None
    share.link_description = clip(description, 600) if description else None
    share.enrichment = "done" if (title or description) else "failed"
    if share.enrichment == "failed" or share.retracted_at:
        session.add(share)
        return False
    refresh_posts(session=session, share=share)
    return True
