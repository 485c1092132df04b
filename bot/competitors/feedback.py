"""What the receiving team did with a share: "Acted on", "Used in a deal" or "Not relevant" (one answer
per person, changeable, with an optional short note); the weekly DM to each sharer reads it back, and the
acted-on rate per team goes to the battlecard and the quarter's agenda. No Slack calls."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import now
from bot.competitors.feedback_rules import (
    ACTED,
    NOTE_MAX,
    VERDICTS,
    ActedOnRate,
    ShareNews,
    receiving_teams,
)
from bot.competitors.models import IntelFeedback, IntelFeedbackDigest
from bot.db import pk
from bot.intel.models import IntelShare
from bot.setup import members
from bot.user_error import UserError


def answer(*, session: Session, team_id: str, share_id: int | str, user_id: str, verdict: str,
           note: str | None = None) -> IntelFeedback:
    """Record (or change) this person's answer. `note` None keeps the note they gave before; "" clears it."""
    if verdict not in VERDICTS:
        raise UserError("Choose Acted on, Used in a deal or Not relevant.", field="verdict")
    try:
        share = session.get(IntelShare, int(share_id))
    except (TypeError, ValueError):
        share = None
    if share is None or share.team_id != team_id or share.retracted_at is not None:
        raise UserError("That share is no longer there.", field="verdict")
    if share.sharer_id == user_id:
        raise UserError("It's your own share: the team you shared it with says what it did with it.", field="verdict")
    receiving = receiving_teams(share.from_team)
    mine = {str(t) for t in members.teams_of(session=session, team_id=team_id, user_id=user_id)} & receiving
    if not mine:
        who = " and ".join(sorted(receiving))
        raise UserError(f"Only the {who} team answers this: it was shared with them.", field="verdict")
    if note is not None:
        note = " ".join(note.split()) or None
        if note and len(note) > NOTE_MAX:
            raise UserError(f"Keep the note to {NOTE_MAX} characters (it is {len(note)}).", field="note")
    stmt = select(IntelFeedback).where(col(IntelFeedback.share_id) == share.id, col(IntelFeedback.user_id) == user_id)
    row = session.exec(stmt).first()
    if row is None:
        try:
            with session.begin_nested():
                row = IntelFeedback(team_id=team_id, share_id=pk(share.id), user_id=user_id, user_team=min(mine),
                                    verdict=verdict, note=note)
                session.add(row)
                session.flush()
            return row
        except IntegrityError:  # the same person's double click, answered by two threads
            row = session.exec(stmt).one()
    row.verdict, row.updated_at = verdict, now()
    if note is not None:
        row.note = note
    session.add(row)
    session.flush()
    return row


def answer_of(*, session: Session, team_id: str, share_id: int | str, user_id: str) -> IntelFeedback | None:
    """This person's answer about the share, if they gave one."""
    if not str(share_id).isdigit():
        return None
    return session.exec(select(IntelFeedback).where(col(IntelFeedback.team_id) == team_id,
                                                    col(IntelFeedback.share_id) == int(share_id),
                                                    col(IntelFeedback.user_id) == user_id)).first()


def note(*, session: Session, team_id: str, share_id: int | str, user_id: str, text: str | None) -> IntelFeedback:
    """The note form: the note goes with this person's answer ("Acted on" when they gave none yet)."""
    before = answer_of(session=session, team_id=team_id, share_id=share_id, user_id=user_id)
    return answer(session=session, team_id=team_id, share_id=share_id, user_id=user_id,
                  verdict=before.verdict if before else "acted_on", note=text or "")


def counts(*, session: Session, share_id: int) -> Counter:
    """How many people gave each answer (for the buttons on the share)."""
    stmt = select(col(IntelFeedback.verdict)).where(col(IntelFeedback.share_id) == share_id)
    return Counter(session.exec(stmt).all())


def sharers_with_news(*, session: Session, team_id: str, start: datetime, end: datetime) -> list[str]:
    """Who shared something that got an answer (new or changed) in [start, end)."""
    rows = session.exec(select(col(IntelShare.sharer_id)).join(IntelFeedback,
                                                               col(IntelFeedback.share_id) == col(IntelShare.id))
                        .where(col(IntelFeedback.team_id) == team_id, col(IntelFeedback.updated_at) >= start,
                               col(IntelFeedback.updated_at) < end, col(IntelShare.retracted_at).is_(None))).all()
    return sorted(set(rows))


def news_for(*, session: Session, team_id: str, sharer_id: str, start: datetime, end: datetime) -> list[ShareNews]:
    """One sharer's shares that got answers in [start, end), with those answers, most answered first."""
    rows = session.exec(select(IntelShare, IntelFeedback).join(IntelFeedback,
                                                               col(IntelFeedback.share_id) == col(IntelShare.id))
                        .where(col(IntelShare.team_id) == team_id, col(IntelShare.sharer_id) == sharer_id,
                               col(IntelShare.retracted_at).is_(None), col(IntelFeedback.updated_at) >= start,
                               col(IntelFeedback.updated_at) < end)
                        .order_by(col(IntelFeedback.updated_at), col(IntelFeedback.id))).all()
    news: dict[int, ShareNews] = {}
    for share, row in rows:
        news.setdefault(pk(share.id), ShareNews(share)).answers.append(row)
    return sorted(news.values(), key=lambda n: (-len(n.answers), -pk(n.share.id)))


def claim_week(*, session: Session, team_id: str, user_id: str, week: str, answers: int) -> IntelFeedbackDigest | None:
    """The sharer's DM for this week, once: None when it was claimed already (a retry, another replica)."""
    try:
        with session.begin_nested():
            row = IntelFeedbackDigest(team_id=team_id, user_id=user_id, week=week, answers=answers)
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        return None


def acted_on_rates(*, session: Session, team_id: str, start: datetime | None = None, end: datetime | None = None,
                   competitor_id: int | None = None) -> list[ActedOnRate]:
    """Per receiving team: of the shares it received (created in [start, end), about one competitor when
    given), how many it acted on or used in a deal."""
    # Counted in the database: a competitor of a million-share workspace has tens of thousands of shares.
    shares: list[ColumnElement[bool]] = [col(IntelShare.team_id) == team_id, col(IntelShare.retracted_at).is_(None)]
    if start is not None:
        shares.append(col(IntelShare.created_at) >= start)
    if end is not None:
        shares.append(col(IntelShare.created_at) < end)
    if competitor_id is not None:
        shares.append(col(IntelShare.competitor_id) == competitor_id)
    received: Counter[str] = Counter()
    for from_team, count in session.exec(select(col(IntelShare.from_team), func.count()).where(*shares)
                                         .group_by(col(IntelShare.from_team))).all():
        for team in receiving_teams(from_team):
            received[team] += count
    if not received:
        return []
    answers = session.exec(select(col(IntelFeedback.share_id), col(IntelFeedback.user_team),
                                  col(IntelFeedback.verdict), col(IntelShare.from_team))
                           .join(IntelShare, col(IntelShare.id) == col(IntelFeedback.share_id))
                           .where(col(IntelFeedback.team_id) == team_id, *shares)).all()  # from the (fewer) answers
    acted: dict[str, set[int]] = defaultdict(set)
    answered: dict[str, set[int]] = defaultdict(set)
    for share_id, team, verdict, from_team in answers:
        if team in receiving_teams(from_team):
            answered[team].add(share_id)
            if verdict in ACTED:
                acted[team].add(share_id)
    return [ActedOnRate(team, received[team], len(acted[team]), len(answered[team]))
            for team in ("sales", "marketing") if received.get(team)]
