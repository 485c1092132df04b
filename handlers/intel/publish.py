"""What happens after a share is stored and its posts were handed to delivery: permalinks, the
sharer's confirmation, a word to the leads when Truce is not in a channel, and link enrichment."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import delivery
from bot.block_kit import channel as channel_mention
from bot.clock import now
from bot.db import pk
from bot.delivery import Result
from bot.intel import share as intel
from bot.intel.link_preview import FetchRefused, fetch_preview
from bot.runtime import Runtime
from bot.setup import workspaces

log = logging.getLogger(__name__)


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as exc:
        log.info("chat.getPermalink %s/%s failed: %s", channel, ts, exc.response.get("error"))
        return None
    except OSError as exc:  # no answer (a time-out, a dropped connection): the post is there, its link is not
        log.info("chat.getPermalink %s/%s got no answer: %r", channel, ts, exc)
        return None


def saved_note(channels: list[str]) -> str:
    """The answer to a share: it is stored, and where it is going."""
    where = " and ".join(channel_mention(c) for c in dict.fromkeys(channels)) or "the other team"
    return f":inbox_tray: Saved. Your intel is on its way to {where}."


def publish(rt: Runtime, client: WebClient, *, team_id: str, share_id: int, user_id: str, ids: list[int],
            tell: Callable[[str], object]) -> None:
    """After the answer (background pool): send the share's posts, tell the sharer where they landed,
    then fetch the link's preview. Posts not sent here (Slack busy, a crash) stay in the outbox."""
    results = delivery.delivered(rt, ids)  # sent by the runtime's sender, waited for (not taken as "busy")
    tell(after_share(rt, client, team_id=team_id, share_id=share_id, results=results, user_id=user_id))
    enrich(rt, team_id, share_id)


def after_share(rt: Runtime, client: WebClient, *, team_id: str, share_id: int, results: list[Result],
                user_id: str) -> str:
    """Record where the share landed and return the sharer's confirmation (mrkdwn)."""
    with rt.session() as session:
        share = intel.get_share(session=session, team_id=team_id, share_id=share_id)
        posts = intel.outbox_rows(session=session, share=share)
        ws = workspaces.get_workspace(session=session, team_id=team_id)
        leads = list(ws.lead_user_ids or []) if ws is not None else []
    done = {r.id: r for r in results}
    lines, waiting, links = [], [], {}
    for outbox_id, post in posts.items():
        result = done.get(outbox_id)
        where = channel_mention(post.channel)
        if result is not None and result.status == "sent":
            link = permalink(client, result.channel, result.ts)
            links[pk(post.id)] = link
            lines.append(f"• {where}: <{link}|view the post>" if link else f"• {where}: posted")
        elif result is not None and result.error in delivery.WAIT_FOR_INVITE:
            waiting.append(post.channel)
            lines.append(f"• {where}: *Truce isn't in that channel yet.* Your share is kept and goes out as soon "
                         f"as someone types `/invite @Truce` in {where}.")
        elif result is not None and result.status == "failed":
            lines.append(f"• {where}: Slack refused the post ({result.error}). An admin can check Truce's logs.")
        else:
            lines.append(f"• {where}: Slack is busy right now; your share is saved and will be posted there "
                         "in a moment.")
    with rt.session() as session:
        for post_id, link in links.items():
            if link:
                intel.record_permalink(session=session, post_id=post_id, permalink=link)
        for channel in waiting:
            _tell_leads(session, team_id=team_id, leads=leads, channel=channel, sharer=user_id)
    if waiting:
        lines.append("I've asked " + (", ".join(f"<@{u}>" for u in leads) + " to invite Truce."
                                      if leads else "you to ask a Slack admin to invite Truce (no leads are set)."))
    head = ":white_check_mark: Your intel is shared with the other team." if not waiting and all(
        done.get(i) is not None and done[i].status == "sent" for i in posts) else \
        ":inbox_tray: Your intel is saved. Where it goes:"
    return head + "\n" + "\n".join(lines)


def _tell_leads(session, *, team_id: str, leads: list[str], channel: str, sharer: str) -> None:
    day = now().date().isoformat()
    for lead in leads:
        delivery.queue_post(
            session, team_id=team_id, channel=lead, key=f"intel:invite:{channel}:{lead}:{day}",
            text=(f":wave: <@{sharer}> shared market intel for {channel_mention(channel)}, but Truce isn't a member "
                  f"of that channel. Type `/invite @Truce` in {channel_mention(channel)}: waiting shares are "
                  "posted as soon as it joins."))


def enrich(rt: Runtime, team_id: str, share_id: int) -> bool:
    """Fetch the share's link and add its title and description to every post. Deferred to the
    runtime's background pool once the posts went out, so a slow or failing page never delays the
    share, nor holds up the listeners that acknowledge requests."""
    import httpx  # imported by the fetch itself anyway; not at start-up

    with rt.session() as session:
        share = intel.get_share(session=session, team_id=team_id, share_id=share_id)
        url = share.link if share.enrichment == "pending" else None
    if not url:
        return False
    try:
        preview = fetch_preview(url, allow_private=rt.settings.allow_private_fetch)
    except FetchRefused as exc:
        log.info("link preview for share %s refused: %s", share_id, exc)
        preview = None
    except httpx.HTTPError as exc:
        log.info("link preview for share %s failed: %r", share_id, exc)
        preview = None
    with rt.session() as session:
        return intel.apply_enrichment(session=session, share_id=share_id,
                                      title=preview.title if preview else None,
                                      description=preview.description if preview else None)
