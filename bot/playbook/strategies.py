"""Marketing strategies (step 9 "Full access"): marketing publishes and changes them, everyone reads them.

Every publish or change is a StrategyRevision (who, when, what changed) and queues one notice to the
sales channel, keyed by the revision, so salespeople hear of each change exactly once. Changes are
conditional UPDATEs on the strategy's `version`, so two people editing at once never overwrite each
other silently: the second is told and keeps what they typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot import delivery
from bot.clock import now
from bot.db import pk
from bot.feature import AgendaSection
from bot.joint.schedule import local
from bot.models import Outbox, Workspace
from bot.playbook.blocks_strategies import agenda_lines, notice
from bot.playbook.models import Strategy, StrategyRevision
from bot.playbook.strategy_rules import (
    FIELD_NAMES,
    LINK_MAX,
    MESSAGES_MAX,
    SEGMENT_MAX,
    STATUSES,
    SUMMARY_MAX,
    TITLE_MAX,
)
from bot.slack_text import plain
from bot.user_error import UserError

ADD_USAGE = "/truce strategy add Mid-market push: lead with the ROI calculator for 50-500 seat companies"
COLON = re.compile(r":(?!//)")  # a colon, but not the one in https://
_URL = re.compile(r"^https?://[^\s<>|]+$", re.I)




@dataclass(frozen=True)
class StrategyDraft:
    title: str
    summary: str
    segment: str | None = None
    key_messages: str | None = None
    link: str | None = None
    status: str = "active"
    review_by: date | None = None


@dataclass(frozen=True)
class Change:
    """What a publish or change did: the strategy, its revision (None: nothing changed), the notice."""

    strategy: Strategy
    revision: StrategyRevision | None
    notice: Outbox | None


def parse_add(text: str) -> StrategyDraft:
    """`Title: summary` (as Slack sends it) -> a validated draft."""
    parts = COLON.split(plain(text).strip(), maxsplit=1)
    if len(parts) < 2 or not parts[0].strip():
        raise UserError("Give the strategy a title and a summary, separated by a colon.", field="title")
    return validate(StrategyDraft(title=parts[0], summary=parts[1]))


def _line(text: str | None) -> str:
    return " ".join((text or "").split())


def validate(draft: StrategyDraft) -> StrategyDraft:
    title, segment = _line(draft.title), _line(draft.segment) or None
    summary, messages = (draft.summary or "").strip(), (draft.key_messages or "").strip() or None
    link = (draft.link or "").strip() or None
    if not title:
        raise UserError("The strategy needs a title.", field="title")
    if len(title) > TITLE_MAX:
        raise UserError(f"The title is {len(title)} characters long; keep it to {TITLE_MAX}.", field="title")
    if not summary:
        raise UserError("The strategy needs a summary: what marketing does, for whom, and why.", field="summary")
    if len(summary) > SUMMARY_MAX:
        raise UserError(f"The summary is {len(summary)} characters long; keep it to {SUMMARY_MAX} "
                        "(put the rest behind the link).", field="summary")
    if segment and len(segment) > SEGMENT_MAX:
        raise UserError(f"Keep the target segment to {SEGMENT_MAX} characters.", field="segment")
    if messages and len(messages) > MESSAGES_MAX:
        raise UserError(f"Keep the key messages to {MESSAGES_MAX} characters.", field="key_messages")
    if link and (len(link) > LINK_MAX or not _URL.match(link)):
        raise UserError("The link must be a web address starting with https:// or http:// "
                        f"(at most {LINK_MAX} characters).", field="link")
    if draft.status not in STATUSES:
        raise UserError("Choose a status: active or retired.", field="status")
    return replace(draft, title=title, summary=summary, segment=segment, key_messages=messages, link=link)


def today_in(ws: Workspace) -> date:
    """Today's date where the workspace is (review dates and deal dates are local days)."""
    return local(now(), ws.timezone or "UTC").date()


def get(*, session: Session, team_id: str, strategy_id: int) -> Strategy | None:
    stmt = select(Strategy).where(Strategy.id == strategy_id, Strategy.team_id == team_id)
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def require(*, session: Session, team_id: str, strategy_id: int) -> Strategy:
    strategy = get(session=session, team_id=team_id, strategy_id=strategy_id)
    if strategy is None:
        raise UserError(f"I can't find strategy `#{strategy_id}` in this workspace. "
                        "`/truce strategy list` shows them all with their numbers.", field="id")
    return strategy


def list_by_status(*, session: Session, team_id: str, status: str = "active", limit: int | None = None
                   ) -> list[Strategy]:
    """Most recently published or changed first."""
    stmt = (select(Strategy).where(Strategy.team_id == team_id, Strategy.status == status)
            .order_by(col(Strategy.updated_at).desc(), col(Strategy.id).desc()))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def count_active(*, session: Session, team_id: str) -> int:
    return session.exec(select(func.count()).select_from(Strategy).where(
        Strategy.team_id == team_id, Strategy.status == "active")).one()


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _record(session: Session, ws: Workspace, strategy: Strategy, *, action: str, user_id: str,
            changes: dict[str, Any]) -> Change:
    revision = StrategyRevision(team_id=ws.team_id, strategy_id=pk(strategy.id), action=action, changes=changes,
                                user_id=user_id)
    session.add(revision)
    session.flush()
    row = None
    # Salespeople hear of what they may use, and of what they must stop using; not of edits to retired ones.
    if ws.sales_channel and (strategy.status == "active" or action == "retired"):
        text, blocks = notice(strategy, revision)
        row = delivery.queue_post(session, team_id=ws.team_id, channel=ws.sales_channel, text=text, blocks=blocks,
                                  key=f"strategy:rev:{revision.id}:sales", ref=f"strategy:{strategy.id}")
    return Change(strategy, revision, row)


def publish(*, session: Session, ws: Workspace, user_id: str, draft: StrategyDraft) -> Change:
    draft = replace(validate(draft), status="active")  # a new strategy is a current one
    t = now()
    strategy = Strategy(team_id=ws.team_id, created_by=user_id, updated_by=user_id, created_at=t, updated_at=t,
                        **{f: getattr(draft, f) for f in FIELD_NAMES})
    session.add(strategy)
    session.flush()
    return _record(session, ws, strategy, action="published", user_id=user_id, changes={})


def _conflict(strategy: Strategy) -> UserError:
    return UserError("Someone else changed this strategy while you were editing it. Copy what you "
                     "typed, close this form and open it again to see their version.", field="title")


def update_strategy(*, session: Session, ws: Workspace, strategy_id: int, user_id: str, draft: StrategyDraft,
                    version: int) -> Change:
    """Save an edit made on `version` of the strategy. Nothing changed: no revision, no notice."""
    draft = validate(draft)
    strategy = require(session=session, team_id=ws.team_id, strategy_id=strategy_id)
    if strategy.version != version:
        raise _conflict(strategy)
    changes = {f: [_value(getattr(strategy, f)), _value(getattr(draft, f))]
               for f in FIELD_NAMES if getattr(strategy, f) != getattr(draft, f)}
    if not changes:
        return Change(strategy, None, None)
    values = {f: getattr(draft, f) for f in changes}
    done = session.exec(
        update(Strategy).where(col(Strategy.id) == strategy.id, col(Strategy.version) == version)
        .values(**values, version=version + 1, updated_by=user_id, updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    strategy = require(session=session, team_id=ws.team_id, strategy_id=strategy_id)
    if not done:
        raise _conflict(strategy)
    action = "edited"
    if "status" in changes:
        action = "retired" if draft.status == "retired" else "reactivated"
    return _record(session, ws, strategy, action=action, user_id=user_id, changes=changes)


def set_status(*, session: Session, ws: Workspace, strategy_id: int, user_id: str, status: str) -> Change:
    """Retire or reactivate. Already so: no revision (a double click never notifies twice)."""
    strategy = require(session=session, team_id=ws.team_id, strategy_id=strategy_id)
    if strategy.status == status:
        return Change(strategy, None, None)
    done = session.exec(
        update(Strategy).where(col(Strategy.id) == strategy.id, col(Strategy.status) != status)
        .values(status=status, version=col(Strategy.version) + 1, updated_by=user_id, updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    strategy = require(session=session, team_id=ws.team_id, strategy_id=strategy_id)
    if not done:
        return Change(strategy, None, None)
    return _record(session, ws, strategy, action="retired" if status == "retired" else "reactivated",
                   user_id=user_id, changes={"status": [("active" if status == "retired" else "retired"), status]})


def revisions_between(*, session: Session, team_id: str, start: datetime, end: datetime
                      ) -> list[tuple[StrategyRevision, Strategy]]:
    rows = session.exec(
        select(StrategyRevision, Strategy).join(Strategy, col(Strategy.id) == StrategyRevision.strategy_id)
        .where(StrategyRevision.team_id == team_id, StrategyRevision.created_at >= start,
               StrategyRevision.created_at < end)
        .order_by(col(StrategyRevision.created_at), col(StrategyRevision.id))
    ).all()
    return [(r, s) for r, s in rows]


def agenda_section(*, session: Session, team_id: str, start: datetime, end: datetime) -> AgendaSection | None:
    """The strategies published, changed or retired in [start, end) (each strategy once)."""
    changed = revisions_between(session=session, team_id=team_id, start=start, end=end)
    if not changed:
        return None
    return AgendaSection(title="Marketing strategies published or changed",
                         lines=agenda_lines(changed, active=count_active(session=session, team_id=team_id)),
                         order=41)
