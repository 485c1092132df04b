"""The sharer's weekly DM: what the receiving team did with their shares (Acted on, Used in a deal, Not
relevant, notes), one DM a week, not one per click. At the workspace's digest time (default Monday 09:00 in
its timezone) each sharer whose shares got answers in the week before is claimed once (a unique row per
person and week) and DMed through the outbox; replicas and restarts never send it twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import delivery, schedule_due
from bot.clock import aware, now
from bot.competitors import feedback
from bot.competitors.blocks_feedback import weekly_message
from bot.intel.reports import last_due, next_due
from bot.intel.search import best_links
from bot.runtime import Runtime
from bot.setup import workspaces
from jobs import ids
from jobs.common import for_each_due

log = logging.getLogger(__name__)
JOB_ID = ids.INTEL_FEEDBACK_WEEKLY


def send_weekly_news(rt: Runtime) -> int:
    """Queue every due sharer DM. Returns how many were queued."""
    at = now()
    return sum(for_each_due(rt, schedule_due.INTEL_FEEDBACK, lambda claim: news_for_workspace(rt, claim, at),
                            what="intel feedback weekly").values())


def news_for_workspace(rt: Runtime, claim: schedule_due.Claim, at: datetime) -> int:
    team_id = claim.team_id
    with rt.session() as session:
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        if ws is None:
            schedule_due.forget(session, team_id)
            return 0
        schedule_due.reschedule(session, claim, next_due(ws, at))  # the digest's time, as `last_due` below
        end = last_due(ws, at)
        if end < aware(ws.created_at):
            return 0
        start, week = end - timedelta(days=7), end.date().isoformat()
        sent = 0
        for sharer in feedback.sharers_with_news(session=session, team_id=team_id, start=start, end=end):
            news = feedback.news_for(session=session, team_id=team_id, sharer_id=sharer, start=start, end=end)
            answers = sum(len(n.answers) for n in news)
            if not news or feedback.claim_week(session=session, team_id=team_id, user_id=sharer, week=week,
                                               answers=answers) is None:
                continue
            links = best_links(session=session, share_ids=[n.share.id for n in news if n.share.id is not None])
            text, blocks = weekly_message(news, links=links, week=week)
            delivery.queue_post(session, team_id=team_id, channel=sharer, text=text, blocks=blocks,
                                key=f"intel-feedback:{sharer}:{week}")
            sent += 1
        if sent:
            log.info("intel feedback week %s for %s: %d sharers told", week, team_id, sent)
    return sent
